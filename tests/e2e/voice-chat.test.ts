/**
 * Push to talk in the chat console (issue 22), in Chromium with a fake microphone that says a
 * question from the test knowledge bank (a WAV the local synthesizer made), against `npm start`
 * with its speech stand-in (PocketSphinx, Festival) and LLM stand-in: the transcript appears with
 * the question's key words, the cited answer appears, and the reply's audio plays. The typed path's
 * keys (Enter sends, Shift+Enter a new line) and the retrieved-but-uncited passages too. Both sizes,
 * axe clean.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability, launchChromium } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, type RunningStack, stackApi, startNpmStack } from '../support/local-stack';
import { silence, spoken, wavDuration, wavOf } from '../support/speech';

const question = 'where can visitors park their car';

describe.skipIf(!browserAvailability().available)('Push to talk (Chromium with a fake microphone)', () => {
  let stack: RunningStack | undefined;
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let seconds = 0;
  const dir = mkdtempSync(join(tmpdir(), 'fake-microphone-'));

  beforeAll(async () => {
    // The question, then a second of silence, played once (not looped) from when the microphone opens.
    const said = await spoken(question);
    seconds = wavDuration(said) + 1;
    const pcm = Buffer.concat([said.subarray(44), silence(1).subarray(44)]);
    const wav = join(dir, 'question.wav');
    writeFileSync(wav, wavOf(pcm));
    [stack, chrome] = await Promise.all([
      startNpmStack(),
      launchChromium([
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}%noloop`,
        '--autoplay-policy=no-user-gesture-required',
      ]),
    ]);
  }, 90_000);

  afterAll(async () => {
    await chrome?.close();
    await stack?.interrupt();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hears a spoken question, shows what it heard and the cited answer, and plays the reply', async () => {
    const shot = screenshots('voice-chat');
    const both = atBothSizes(shot);
    const url = stack!.url;
    const api = stackApi(url);
    const email = 'voice-owner@acme.test';
    const page = await chrome!.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Voice Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Front desk', type: 'voice' });
    await api(owner, 'PUT', `/orgs/${org.id}/agents/${agent.id}/config`, {
      sttConfig: { provider: 'deepgram', model: 'nova-3', language: 'en-US', apiKey: 'dg-local-key' },
      ttsConfig: {
        provider: 'openai',
        voiceId: 'alloy',
        model: 'tts-1',
        speed: 1,
        language: 'en-US',
        apiKey: 'sk-local-key',
      },
    });
    const parking = await api(owner, 'POST', `/orgs/${org.id}/knowledge`, {
      title: 'Parking',
      content: 'Visitors park in the basement garage beside the lifts.',
    });
    await api(owner, 'POST', `/orgs/${org.id}/knowledge`, {
      title: 'Refunds',
      content: 'Refunds reach the original card within five working days.',
    });
    // Retrieved with the parking question (visitors), but not what it answers from.
    await api(owner, 'POST', `/orgs/${org.id}/knowledge`, {
      title: 'Visitor badges',
      content: 'Visitors collect a badge at reception.',
    });

    await page.goto(`${url}/#/orgs/${org.id}/chat?agentId=${agent.id}`);
    await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'Send a message' });
    const talk = form.getByRole('button', { name: 'Push to talk' });
    await talk.waitFor();
    await both(page, 'ready');

    // Keyboard first: the talk button is reached and pressed like any other.
    await talk.focus();
    await page.keyboard.press('Enter');
    const stop = form.getByRole('button', { name: 'Stop and send' });
    await stop.waitFor();
    expect(await stop.getAttribute('aria-pressed')).toBe('true');
    await form.getByText(/Listening/).waitFor();
    await page.waitForTimeout(seconds * 1000);
    await stop.click();

    const turn = page.getByTestId('voice-turn');
    await turn.waitFor({ timeout: 45_000 });
    const heard = (await turn.getByTestId('heard').textContent()) ?? '';
    for (const word of ['visitors', 'park', 'car']) expect(heard.toLowerCase()).toContain(word);

    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByText(/Visitors park in the basement garage/).waitFor();
    expect(await log.getByText(/\[entry:/).count()).toBe(0);
    const source = log
      .getByRole('group', { name: 'Sources' })
      .getByRole('link', { name: 'Parking', exact: true });
    expect(await source.getAttribute('href')).toBe(`#/orgs/${org.id}/knowledge/${parking.id}`);
    expect(await log.getByText('Spoken').count()).toBe(2);

    // The reply's audio: a real length, and it plays.
    const audio = turn.getByLabel('The agent’s spoken reply');
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => (Number.isFinite(a.duration) ? a.duration : 0)))
      .toBeGreaterThan(0.5);
    await audio.evaluate((a: HTMLAudioElement) => a.play());
    await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0);
    await both(page, 'voice-answer');

    // Uncited passages are one toggle away.
    const more = log.getByRole('button', { name: /more passage.* retrieved, not cited/ });
    await more.first().click();
    expect(await more.first().getAttribute('aria-expanded')).toBe('true');
    await log
      .getByRole('list', { name: 'Retrieved, not cited' })
      .getByRole('listitem')
      .filter({ hasText: 'Visitor badges' })
      .first()
      .waitFor();

    // Typed: Shift+Enter is a new line, Enter sends.
    const box = form.getByLabel('Message');
    await box.fill('How long');
    await box.press('Shift+Enter');
    await box.pressSequentially('do refunds take?');
    expect(await box.inputValue()).toBe('How long\ndo refunds take?');
    await box.press('Enter');
    await log.getByText(/five working days/).waitFor({ timeout: 30_000 });
    expect(await box.inputValue()).toBe('');
    // The composer stays in view at the bottom, however long the conversation.
    const composer = await form.boundingBox();
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(desktop.height + 1);
    await both(page, 'typed-after-voice');

    // The conversations list: its preview (the first question, as heard), who started it, its channel.
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Conversations' })
      .click();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    const list = page.getByRole('list', { name: 'Conversations' });
    expect((await list.getByTestId('preview').first().textContent())?.toLowerCase()).toContain(
      'visitors park',
    );
    await list.getByText(`Started by ${email} · 4 messages`, { exact: false }).waitFor();
    await list.getByLabel('Channel: console').waitFor();
    await both(page, 'conversations');
    await page.close();
  }, 150_000);

  it('explains a microphone the browser may not use', async () => {
    const url = stack!.url;
    const api = stackApi(url);
    const email = 'voice-denied@acme.test';
    const page = await chrome!.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Quiet Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Desk', type: 'voice' });
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await page.goto(`${url}/#/orgs/${org.id}/chat?agentId=${agent.id}`);
    // A hash change keeps the document: reloaded, so the refusing microphone is in place.
    await page.reload();
    await page.getByRole('button', { name: 'Push to talk' }).click();
    await page.getByRole('alert').filter({ hasText: 'not allowed to use the microphone' }).waitFor();
    await page.close();
  });
});
