/**
 * Talking live (issue 22 path 1) on the agent's Calls tab, in Chromium against `npm start` and its
 * LiveKit stand-in: the session's token comes from the real sessions route, `livekit-client` is
 * fetched only when Talk is pressed, and joining the stand-in (which has no media server) is
 * refused and said so. A connected room (the agent's audio, its transcription streams) needs a
 * LiveKit media server and a voice worker, which cannot run here: only for that, the SDK's chunk is
 * answered with a stand-in Room that plays a tone as the agent and sends transcription streams as
 * the worker does. A microphone the browser may not use, no microphone at all, and a deployment
 * without LiveKit (a second `npm start` with LOCAL_LIVEKIT=off) are each explained. Both sizes, axe clean.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability, launchChromium } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, type RunningStack, stackApi, startNpmStack } from '../support/local-stack';

/**
 * What the SDK's chunk is answered with where a connected room is needed: the Room, RoomEvent and
 * Track the port uses (app/live-talk.ts). It records what the page did on `window.liveKitStandin`.
 */
const connectedRoom = `
const record = (window.liveKitStandin = { connectedTo: null, published: null, muted: [], disconnected: false });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const RoomEvent = { TrackSubscribed: 'trackSubscribed', Disconnected: 'disconnected' };
export const Track = { Kind: { Audio: 'audio' }, Source: { Microphone: 'microphone' } };
function reader(id, attributes, chunks) {
  return {
    info: { id, topic: 'lk.transcription', attributes },
    async *[Symbol.asyncIterator]() { for (const c of chunks) { await sleep(150); yield c; } },
  };
}
export class Room {
  constructor() {
    this.events = {};
    this.streams = {};
    this.localParticipant = {
      identity: 'usr_me',
      publishTrack: async (track, options) => {
        record.published = { kind: track.kind, state: track.readyState, source: options.source };
        return { trackSid: 'TR_mic', mute: async () => record.muted.push(true), unmute: async () => record.muted.push(false) };
      },
    };
    record.drop = () => this.emit(RoomEvent.Disconnected);
  }
  on(event, listener) { (this.events[event] ??= []).push(listener); return this; }
  emit(event, ...args) { for (const l of this.events[event] ?? []) l(...args); }
  registerTextStreamHandler(topic, handler) { this.streams[topic] = handler; }
  async startAudio() {}
  async connect(url, token) {
    record.connectedTo = { url, token };
    setTimeout(async () => {
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      const out = audio.createMediaStreamDestination();
      tone.connect(out);
      tone.start();
      this.emit(RoomEvent.TrackSubscribed, {
        kind: 'audio',
        attach() { const a = document.createElement('audio'); a.autoplay = true; a.srcObject = out.stream; return a; },
      });
      const said = this.streams['lk.transcription'];
      const worker = { identity: 'agent-worker' };
      // The caller's words: interim, then final, on the caller's track; then the agent's, streamed.
      await said(reader('s1', { 'lk.segment_id': 'SG_1', 'lk.transcribed_track_id': 'TR_mic', 'lk.transcription_final': 'false' }, ['where can visitors']), worker);
      await said(reader('s2', { 'lk.segment_id': 'SG_1', 'lk.transcribed_track_id': 'TR_mic', 'lk.transcription_final': 'true' }, ['where can visitors park their car']), worker);
      await said(reader('s3', { 'lk.segment_id': 'SG_2', 'lk.transcribed_track_id': 'TR_agent', 'lk.transcription_final': 'true' }, ['Visitors park ', 'in the basement ', 'garage.']), worker);
    }, 300);
  }
  async disconnect() { record.disconnected = true; }
}
`;

const microphoneWatch = () => {
  const opened: MediaStreamTrack[] = [];
  (window as unknown as { openedTracks: MediaStreamTrack[] }).openedTracks = opened;
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    opened.push(...stream.getTracks());
    return stream;
  };
};

describe.skipIf(!browserAvailability().available)('Talk: a live call with the agent (Chromium)', () => {
  let stack: RunningStack | undefined;
  let unconfigured: RunningStack | undefined;
  let withMicrophone: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let without: Awaited<ReturnType<typeof launchChromium>> | undefined;

  beforeAll(async () => {
    [stack, unconfigured, withMicrophone, without] = await Promise.all([
      startNpmStack(),
      startNpmStack({ LOCAL_LIVEKIT: 'off' }),
      launchChromium(['--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required']),
      launchChromium(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([
      withMicrophone?.close(),
      without?.close(),
      stack?.interrupt(),
      unconfigured?.interrupt(),
    ]);
  });

  /** A signed-in owner's agent with its Calls tab open, and Talk ready. */
  async function callsTab(browser: BrowserContext, url: string, email: string): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewportSize(desktop);
    await page.addInitScript(microphoneWatch);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const api = stackApi(url);
    const org = await api(owner, 'POST', '/orgs', { name: 'Talk Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Front desk', type: 'voice' });
    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=calls`);
    await page.getByRole('region', { name: 'Talk' }).getByRole('button', { name: 'Talk' }).waitFor();
    return page;
  }

  const talkRegion = (page: Page) => page.getByRole('region', { name: 'Talk' });
  const sdkChunk = '**/assets/livekit-client*.js';

  it('loads the SDK only on Talk, fetches the token and says when the LiveKit server refuses the connection', async () => {
    const shot = screenshots('agent-talk-refused');
    const both = atBothSizes(shot);
    const url = stack!.url;
    await withMicrophone!.browser.grantPermissions(['microphone'], { origin: url });
    const page = await callsTab(withMicrophone!.browser, url, 'talk-refused@acme.test');
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
    // The agent page has loaded without the SDK.
    expect(loaded.filter((p) => p.includes('livekit-client'))).toEqual([]);
    await both(page, 'ready');

    const session = page.waitForResponse(
      (r) => r.url().endsWith('/sessions') && r.request().method() === 'POST',
    );
    await talkRegion(page).getByRole('button', { name: 'Talk' }).click();
    expect((await session).status()).toBe(201);
    const refused = talkRegion(page).getByRole('alert').filter({ hasText: 'Could not join the call' });
    await refused.waitFor({ timeout: 45_000 });
    expect(await refused.textContent()).toMatch(
      /LiveKit server at ws:\/\/127\.0\.0\.1:\d+ refused the connection/,
    );
    expect(await refused.getByRole('link', { name: 'push to talk in Chat' }).getAttribute('href')).toMatch(
      /#\/orgs\/org_\w+\/chat\?agentId=agt_\w+/,
    );
    expect(loaded.filter((p) => p.includes('livekit-client'))).toHaveLength(1);
    // The microphone it opened is closed again.
    expect(
      await page.evaluate(() =>
        (window as unknown as { openedTracks: MediaStreamTrack[] }).openedTracks.map((t) => t.readyState),
      ),
    ).toEqual(['ended']);
    await both(page, 'refused');
    await page.close();
  }, 120_000);

  it('talks: the microphone’s level, the agent’s voice, both sides’ words as said, mute, hang up', async () => {
    const shot = screenshots('agent-talk-connected');
    const both = atBothSizes(shot);
    const url = stack!.url;
    await withMicrophone!.browser.grantPermissions(['microphone'], { origin: url });
    const page = await callsTab(withMicrophone!.browser, url, 'talk-live@acme.test');
    await page.route(sdkChunk, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: connectedRoom }),
    );
    const region = talkRegion(page);
    // Keyboard: Talk is reached and pressed like any button.
    await region.getByRole('button', { name: 'Talk' }).focus();
    await page.keyboard.press('Enter');
    await region.getByText('On the call: speak whenever you like.').waitFor({ timeout: 30_000 });
    const joined = await page.evaluate(
      () =>
        (window as unknown as { liveKitStandin: { connectedTo: { url: string; token: string } } })
          .liveKitStandin,
    );
    // The session the API minted: the stand-in's address and a JWT for the room.
    expect(joined.connectedTo.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(joined.connectedTo.token.split('.')).toHaveLength(3);
    expect(
      await page.evaluate(() => (window as unknown as { liveKitStandin: object }).liveKitStandin),
    ).toMatchObject({
      published: { kind: 'audio', state: 'live', source: 'microphone' },
    });

    // The fake microphone's tone moves the meter.
    const meter = region.getByRole('progressbar', { name: 'Your microphone' });
    await expect
      .poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // The agent's voice plays.
    const voice = page.getByTestId('agent audio').locator('audio');
    await voice.waitFor({ state: 'attached' });
    await expect
      .poll(() => voice.evaluate((a: HTMLAudioElement) => !a.paused && a.srcObject instanceof MediaStream))
      .toBe(true);
    // Both sides' words: the caller's interim segment replaced by its final one, the agent's as streamed.
    const transcript = region.getByRole('log', { name: 'Live transcript' });
    await transcript.getByText('Visitors park in the basement garage.').waitFor({ timeout: 15_000 });
    expect(await transcript.locator('p').allTextContents()).toEqual([
      'You: where can visitors park their car',
      'Front desk: Visitors park in the basement garage.',
    ]);
    await both(page, 'live');

    // Mute: the track is muted in the room and the meter rests.
    await region.getByRole('button', { name: 'Mute' }).click();
    await region.getByText('On the call, muted: the agent cannot hear you.').waitFor();
    expect(await region.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow'))).toBe(0);
    await region.getByRole('button', { name: 'Unmute' }).click();
    await region.getByRole('button', { name: 'Mute' }).waitFor();
    expect(
      await page.evaluate(
        () => (window as unknown as { liveKitStandin: { muted: boolean[] } }).liveKitStandin.muted,
      ),
    ).toEqual([true, false]);
    await both(page, 'unmuted');

    // Hang up: the room is left, the microphone closed, the words stay.
    await region.getByRole('button', { name: 'Hang up' }).click();
    await region.getByText('Call ended.').waitFor();
    expect(
      await page.evaluate(() => {
        const w = window as unknown as {
          liveKitStandin: { disconnected: boolean };
          openedTracks: MediaStreamTrack[];
        };
        return { left: w.liveKitStandin.disconnected, tracks: w.openedTracks.map((t) => t.readyState) };
      }),
    ).toEqual({ left: true, tracks: ['ended'] });
    expect(await transcript.locator('p').count()).toBe(2);
    expect(await page.getByTestId('agent audio').locator('audio').count()).toBe(0);
    await region.getByRole('button', { name: 'Talk again' }).waitFor();
    await both(page, 'ended');

    // A call the room ends (the server, the network) says so.
    await region.getByRole('button', { name: 'Talk again' }).click();
    await region.getByText('On the call: speak whenever you like.').waitFor({ timeout: 30_000 });
    await page.evaluate(() =>
      (window as unknown as { liveKitStandin: { drop(): void } }).liveKitStandin.drop(),
    );
    await region.getByRole('alert').filter({ hasText: 'The connection to the call was lost' }).waitFor();
    await page.close();
  }, 150_000);

  it('explains a microphone the browser may not use, and a browser without one', async () => {
    const shot = screenshots('agent-talk-microphone');
    const both = atBothSizes(shot);
    const url = stack!.url;
    // Permission refused for the site (the fake microphone is there).
    await withMicrophone!.browser.clearPermissions();
    const denied = await callsTab(withMicrophone!.browser, url, 'talk-denied@acme.test');
    await talkRegion(denied).getByRole('button', { name: 'Talk' }).click();
    await talkRegion(denied).getByRole('alert').filter({ hasText: 'Microphone not allowed' }).waitFor();
    await both(denied, 'denied');
    await denied.close();

    // Allowed, but no microphone exists (no fake device in this browser).
    await without!.browser.grantPermissions(['microphone'], { origin: url });
    const none = await callsTab(without!.browser, url, 'talk-nomic@acme.test');
    await talkRegion(none).getByRole('button', { name: 'Talk' }).click();
    await talkRegion(none).getByRole('alert').filter({ hasText: 'No microphone was found' }).waitFor();
    await both(none, 'no-microphone');
    await none.close();
  }, 120_000);

  it('points to push to talk where no LiveKit server is configured', async () => {
    const shot = screenshots('agent-talk-unconfigured');
    const both = atBothSizes(shot);
    const url = unconfigured!.url;
    await withMicrophone!.browser.grantPermissions(['microphone'], { origin: url });
    const page = await callsTab(withMicrophone!.browser, url, 'talk-off@acme.test');
    const session = page.waitForResponse((r) => r.url().endsWith('/sessions'));
    await talkRegion(page).getByRole('button', { name: 'Talk' }).click();
    expect((await session).status()).toBe(503);
    const notice = talkRegion(page).getByRole('alert').filter({ hasText: 'Live talk is not set up here' });
    await notice.waitFor();
    // Nothing was asked of the microphone.
    expect(
      await page.evaluate(() => (window as unknown as { openedTracks: unknown[] }).openedTracks),
    ).toEqual([]);
    await both(page, 'not-configured');
    await notice.getByRole('link', { name: 'push to talk in Chat' }).click();
    await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Push to talk' }).waitFor();
    await page.close();
  }, 120_000);
});
