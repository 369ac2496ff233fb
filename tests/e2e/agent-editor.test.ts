import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, expectScreenBarsMet, phone, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

interface Sent {
  method: string;
  path: string;
  body: Record<string, unknown>;
  ifMatch?: string;
}

/** The changes the page sends to the API (not its reads), in order. */
function recordChanges(page: Page): Sent[] {
  const sent: Sent[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/orgs/') || request.method() === 'GET') return;
    sent.push({
      method: request.method(),
      path: url.pathname.replace(/^\/api/, ''),
      body: request.postDataJSON() ?? {},
      ifMatch: request.headers()['if-match'],
    });
  });
  return sent;
}

const tab = (page: Page, name: string) =>
  page.getByRole('tab', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}`) });
/** The selected tab's name, without what it says of changes and errors. */
const selectedTab = (page: Page) =>
  page.getByRole('tab', { selected: true }).evaluate((e) => e.textContent?.replace(/\(.*\)$/, '').trim());
const input = (page: Page, label: string) =>
  page.getByLabel(label, { exact: true }).and(page.locator('input'));

/** Picks an option of a searchable select by typing part of it. */
async function choose(page: Page, label: string, option: string) {
  await input(page, label).click();
  await input(page, label).fill(option.slice(0, 4));
  await page.getByRole('option', { name: option, exact: true }).click();
}
const saveBar = (page: Page) => page.getByRole('region', { name: 'Unsaved changes' });

describeInBrowser('The agent editor: tabs, one draft, one Save, voices and languages (Chromium)', (suite) => {
  it('opens the tab in the URL, moves through tabs by keyboard and Back, and saves two tabs’ changes in one request holding only them', async () => {
    const shot = screenshots('agent-editor-tabs');
    const both = atBothSizes(shot);
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'editor-tabs@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Editor Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, {
      name: 'Reception',
      type: 'voice',
      llm: { provider: 'bedrock', modelId: 'amazon.nova-lite-v1:0' },
    });
    const sent = recordChanges(page);

    // A deep link opens its tab.
    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=voice`);
    await page.getByRole('heading', { name: 'Reception', level: 1 }).waitFor();
    expect(await selectedTab(page)).toBe('Voice');
    await page.getByLabel('Text-to-speech provider').waitFor();
    await both(page, 'voice-deep-link');

    // Keyboard: the arrow keys move along the tabs, and the URL follows.
    await tab(page, 'Voice').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => selectedTab(page)).toBe('Transcriber');
    expect(page.url()).toContain('tab=transcriber');
    await tab(page, 'Model and prompt').click();
    await expect.poll(() => page.url()).toContain('tab=model');
    // Back returns through the tabs.
    await page.goBack();
    await expect.poll(() => selectedTab(page)).toBe('Transcriber');
    await page.goBack();
    await expect.poll(() => selectedTab(page)).toBe('Voice');

    // A change on Overview and one on Model and prompt: both tabs say so, one Save sends both.
    await tab(page, 'Overview').click();
    await page.getByLabel('Name').fill('Reception desk');
    await tab(page, 'Model and prompt').click();
    await page.getByLabel('Temperature').fill('0.7');
    await tab(page, 'Overview (unsaved changes)').waitFor();
    await tab(page, 'Model and prompt (unsaved changes)').waitFor();
    expect(await saveBar(page).getByText('Unsaved changes: Overview, Model and prompt.').count()).toBe(1);
    await both(page, 'two-tabs-changed');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Agent saved.').waitFor();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'PATCH', path: `/orgs/${org.id}/agents/${agent.id}` });
    expect(Object.keys(sent[0]!.body).sort()).toEqual(['llm', 'name']);
    expect(sent[0]!.body.llm).toMatchObject({ provider: 'bedrock', temperature: 0.7 });
    expect(sent[0]!.ifMatch).toBeTruthy();
    const saved = await api(owner, 'GET', `/orgs/${org.id}/agents/${agent.id}`);
    expect(saved).toMatchObject({ name: 'Reception desk', llm: { temperature: 0.7 } });
    await page.getByRole('heading', { name: 'Reception desk', level: 1 }).waitFor();
    await expect.poll(() => saveBar(page).count()).toBe(0);
    expect(await tab(page, 'Overview (unsaved changes)').count()).toBe(0);

    // Saving with nothing changed sends nothing more.
    expect(sent).toHaveLength(1);
    await page.close();
  }, 120_000);

  it('warns before leaving with unsaved changes (the console’s links and the browser’s own unload)', async () => {
    const shot = screenshots('agent-editor-unsaved');
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'editor-unsaved@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Unsaved Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Night line', type: 'voice' });
    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}`);
    await page.getByRole('heading', { name: 'Night line', level: 1 }).waitFor();
    const unloadWarns = () =>
      page.evaluate(() => !window.dispatchEvent(new Event('beforeunload', { cancelable: true })));
    expect(await unloadWarns()).toBe(false);

    await page.getByLabel('Description').fill('Answers after hours');
    expect(await unloadWarns()).toBe(true);
    const nav = page.getByRole('navigation', { name: 'Organization' });
    await nav.getByRole('link', { name: 'Agents' }).click();
    const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
    await dialog.waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'leave-without-saving');
    await dialog.getByRole('button', { name: 'Stay' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.getByLabel('Description').inputValue()).toBe('Answers after hours');
    expect(page.url()).toContain(`/agents/${agent.id}`);

    // Changing tabs is not leaving.
    await tab(page, 'Voice').click();
    await tab(page, 'Overview').click();
    expect(await dialog.count()).toBe(0);

    // Leaving anyway discards the draft.
    await nav.getByRole('link', { name: 'Agents' }).click();
    await dialog.getByRole('button', { name: 'Leave and discard' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    const stored = await api(owner, 'GET', `/orgs/${org.id}/agents/${agent.id}`);
    expect(stored.description).toBeNull();

    // Saved changes leave freely.
    await page.getByRole('link', { name: 'Night line' }).click();
    await page.getByLabel('Description').fill('Answers after hours');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Agent saved.').waitFor();
    expect(await unloadWarns()).toBe(false);
    await nav.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    expect(await dialog.count()).toBe(0);
    await page.close();
  }, 120_000);

  it('edits the prompt’s text from the agent (a new version the agent is pinned to) and shows the API’s field refusal beside its field', async () => {
    const shot = screenshots('agent-editor-prompt');
    const both = atBothSizes(shot);
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'editor-prompt@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Prompt Edit Co' });
    const prompt = await api(owner, 'POST', `/orgs/${org.id}/prompts`, {
      name: 'Greeter',
      text: 'You greet guests warmly.',
    });
    await api(owner, 'PATCH', `/orgs/${org.id}/prompts/${prompt.id}`, { text: 'You greet guests briefly.' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, {
      name: 'Concierge',
      type: 'chat',
      chatbotEndpoint: 'https://bot.example.com/reply',
      chatbotKey: 'cb-secret-0001-ABCD',
      prompt: { promptId: prompt.id, version: 1 },
    });
    const sent = recordChanges(page);

    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=model`);
    // Both ways of answering are explained where both are offered.
    await page.getByText('Chatbot endpoint or model provider?').waitFor();
    // The text of the version the agent is pinned to.
    const text = page.getByLabel('Prompt text');
    await expect.poll(() => text.inputValue()).toBe('You greet guests warmly.');
    await page.getByText(/Saving writes version 3 of Greeter, and the agent is pinned to it/).waitFor();
    await both(page, 'model-tab');

    await text.fill('You greet guests warmly, in their language.');
    await page.getByLabel('Version note').fill('speak their language');
    // The README's picture of the editor: its tabs, a draft and its one Save (kept in view).
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(1270, 790);
    mkdirSync(resolve(import.meta.dirname, '../../docs/screenshots'), { recursive: true });
    await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/agent-editor.png') });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Agent saved; the prompt is now at version 3.').waitFor();
    const versions = await api(owner, 'GET', `/orgs/${org.id}/prompts/${prompt.id}/versions`);
    const v3 = versions.items.find((v: { version: number }) => v.version === 3);
    expect(v3).toMatchObject({
      text: 'You greet guests warmly, in their language.',
      note: 'speak their language',
    });
    const pinned = await api(owner, 'GET', `/orgs/${org.id}/agents/${agent.id}`);
    expect(pinned.prompt).toEqual({ promptId: prompt.id, version: 3 });
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      `PATCH /orgs/${org.id}/prompts/${prompt.id}`,
      `PATCH /orgs/${org.id}/agents/${agent.id}`,
    ]);
    expect(sent[0]!.body).toEqual({
      text: 'You greet guests warmly, in their language.',
      note: 'speak their language',
    });
    expect(sent[1]!.body).toEqual({ prompt: { promptId: prompt.id, version: 3 } });
    await expect.poll(() => text.inputValue()).toBe('You greet guests warmly, in their language.');

    // Moving the endpoint to another server without giving the key again: only the API knows this
    // rule, and its message sits beside the chatbot key; the tab says it holds an error.
    const refused = await fetch(`${url}/api/orgs/${org.id}/agents/${agent.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chatbotEndpoint: 'https://other.example.com/reply' }),
    });
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { errors: { field: string; message: string }[] };
    const message = problem.errors.find((e) => e.field === 'chatbotKey')?.message;
    expect(message).toBeTruthy();
    await page.getByRole('textbox', { name: 'Chatbot endpoint' }).fill('https://other.example.com/reply');
    await tab(page, 'Overview').click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    // The page turns to the tab holding the refused field.
    await expect.poll(() => selectedTab(page)).toBe('Model and prompt');
    const keyGroup = page.getByRole('group', { name: 'Chatbot key' });
    await keyGroup.getByText(message!).waitFor();
    await tab(page, 'Model and prompt (has errors)').waitFor();
    await both(page, 'api-field-error');

    // Giving the key again saves it.
    await keyGroup.getByRole('button', { name: 'Replace chatbot key' }).click();
    await page.getByLabel('New chatbot key').fill('cb-secret-0002-EFGH');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Agent saved.').waitFor();
    await expect.poll(() => page.getByTestId('Chatbot key state').textContent()).toBe('Set • …EFGH');
    await page.close();
  }, 120_000);

  it('picks a voice per provider by name, gender and language, keeps a free voice id, and picks languages by name', async () => {
    const shot = screenshots('agent-editor-voices');
    const both = atBothSizes(shot);
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'editor-voices@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Voices Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Front desk', type: 'voice' });
    const sent = recordChanges(page);
    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=voice`);
    await page.getByLabel('Text-to-speech provider').waitFor();

    // OpenAI: its fixed voices by name and gender, multilingual; no free id.
    await page.getByLabel('Text-to-speech provider').selectOption('openai');
    await choose(page, 'Voice', 'Nova · female · Many languages');
    expect(await page.getByTestId('voice details').textContent()).toBe(
      'Voice id nova · Many languages · female',
    );
    await input(page, 'Voice').click();
    expect(await page.getByRole('option', { name: /Another voice id/ }).count()).toBe(0);
    await page.keyboard.press('Escape');

    // ElevenLabs: stock voices; one of one language brings its language along.
    await page.getByLabel('Text-to-speech provider').selectOption('elevenlabs');
    await choose(page, 'Voice', 'George · male · English (United Kingdom)');
    await expect
      .poll(() => input(page, 'Voice language').inputValue())
      .toBe('English (United Kingdom) · en-GB');
    await both(page, 'stock-voice');
    // A voice of one's own account: a free id.
    await choose(page, 'Voice', 'Another voice id… (from your ElevenLabs account)');
    await page.getByLabel('Voice id').fill('MyOwnVoice123');
    // The language by its name, searched, not typed as a tag.
    await choose(page, 'Voice language', 'Spanish (Mexico) · es-MX');
    await tab(page, 'Transcriber').click();
    const language = input(page, 'Transcription language');
    await language.click();
    await language.fill('portug');
    await page.getByRole('option', { name: 'Portuguese (Brazil) · pt-BR' }).waitFor();
    expect(await page.getByRole('option', { name: /English/ }).count()).toBe(0);
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: 'Portuguese (Brazil) · pt-BR' }).click();
    await both(page, 'languages');

    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Agent saved.').waitFor();
    expect(sent.map((s) => s.method)).toEqual(['PUT']);
    const stored = await api(owner, 'GET', `/orgs/${org.id}/agents/${agent.id}`);
    expect(stored.ttsConfig).toMatchObject({
      provider: 'elevenlabs',
      voiceId: 'MyOwnVoice123',
      language: 'es-MX',
    });
    expect(stored.sttConfig).toMatchObject({ language: 'pt-BR' });

    // Reopened: the free id shows as one, the languages by name.
    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=voice`);
    await expect.poll(() => page.getByLabel('Voice id').inputValue()).toBe('MyOwnVoice123');
    expect(await input(page, 'Voice language').inputValue()).toBe('Spanish (Mexico) · es-MX');
    await page.close();
  }, 120_000);

  it('plays a sample of the drafted voice without saving it, at both sizes, and shows the API’s refusal beside the picker', async () => {
    const shot = screenshots('agent-editor-voice-sample');
    const both = atBothSizes(shot);
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'editor-sample@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Sample Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Front desk', type: 'voice' });
    await api(owner, 'PUT', `/orgs/${org.id}/agents/${agent.id}/config`, {
      sttConfig: { provider: 'deepgram', model: 'nova-3', language: 'en-US' },
      ttsConfig: {
        provider: 'openai',
        voiceId: 'alloy',
        model: 'tts-1',
        speed: 1,
        language: 'en-US',
        apiKey: 'sk-sample-key',
      },
    });
    const sent = recordChanges(page);
    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=voice`);
    await page.getByLabel('Text-to-speech provider').waitFor();

    /** Plays a sample and waits for its audio: a real length, and it plays. */
    const playSample = async () => {
      await page.getByRole('button', { name: 'Play sample' }).click();
      const audio = page.getByLabel('Voice sample');
      await audio.waitFor({ timeout: 30_000 });
      await expect
        .poll(() => audio.evaluate((a: HTMLAudioElement) => (Number.isFinite(a.duration) ? a.duration : 0)), {
          timeout: 10_000,
        })
        .toBeGreaterThan(1);
      await audio.evaluate((a: HTMLAudioElement) => {
        a.muted = true;
        return a.play();
      });
      await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0);
      return audio;
    };

    // The draft, not what is saved: another voice and a faster pace, chosen by keyboard.
    await choose(page, 'Voice', 'Nova · female · Many languages');
    await page.getByRole('slider', { name: /Speed/ }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.getByText('Speed: 1.10×').waitFor();
    await page.getByRole('button', { name: 'Play sample' }).focus();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Play sample');
    await playSample();
    expect(await page.getByTestId('sample text').textContent()).toBe(
      '“Hello, this is Front desk. How can I help you today?”',
    );
    const asked = sent.filter((s) => s.path.endsWith('/voice-preview'));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.body).toEqual({ voiceId: 'nova', model: 'tts-1', language: 'en-US', speed: 1.1 });
    // A sample saves nothing: the draft is still a draft.
    expect(sent.filter((s) => !s.path.endsWith('/voice-preview'))).toEqual([]);
    await saveBar(page)
      .getByText(/Unsaved changes: Voice/)
      .waitFor();
    await both(page, 'played');

    // At phone size too.
    await page.setViewportSize(phone);
    await playSample();
    await shot(page, 'played-again-phone');
    await page.setViewportSize(desktop);

    // The provider failing: its message beside the picker, no audio left from before.
    const faulted = await fetch(`${url}/dev/speech/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'speech', mode: '500' }),
    });
    expect(faulted.status).toBe(200);
    await page.getByRole('button', { name: 'Play sample' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The text-to-speech provider (OpenAI) failed: HTTP 500.' })
      .waitFor({ timeout: 30_000 });
    expect(await page.getByLabel('Voice sample').count()).toBe(0);
    await both(page, 'provider-failed');

    // Another provider in the draft: its key is not saved yet, so the button says why it waits.
    await page.getByLabel('Text-to-speech provider').selectOption('elevenlabs');
    expect(await page.getByRole('button', { name: 'Play sample' }).isDisabled()).toBe(true);
    await page.getByText('Save ElevenLabs with its key to hear a sample.').waitFor();
    await page.close();
  }, 150_000);
});
