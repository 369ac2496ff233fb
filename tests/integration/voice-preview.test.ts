// Every log line is written (and captured where a test greps for keys).
process.env.LOG_LEVEL = 'debug';

/**
 * Voice previews (POST …/agents/{agentId}/voice-preview) through the real handler, with the speech
 * stand-in (Festival behind OpenAI's text-to-speech API): the saved voice and an unsaved draft of it
 * spoken, bad input refused naming the field with nothing sent, missing settings (422), the
 * provider failing or slow (502 naming it), other orgs and viewers kept out, the per-minute limit,
 * and the key kept out of every response and log line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { previewTextLimit } from '../../functions/api/schemas/voice';
import { startSpeechStandin } from '../../infra/local/speech-standin';
import { call, captureLogs } from '../support/api';
import { wavDuration } from '../support/speech';
import { addMember, createOrg } from '../support/tenancy';

const speech = await startSpeechStandin({ slowMs: 30_000 });
const perCaller = 3;
Object.assign(process.env, {
  OPENAI_SPEECH_URL: speech.url,
  DEEPGRAM_URL: speech.url,
  SPEECH_TIMEOUT_MS: '15000',
  VOICE_PREVIEWS_PER_CALLER_PER_MINUTE: String(perCaller),
});
afterAll(() => speech.stop());

const ttsKey = 'sk-PREVIEW-secret-tts-4242';
const speechConfig = (tts: object = {}) => ({
  sttConfig: { provider: 'deepgram', model: 'nova-3', language: 'en-US' },
  ttsConfig: {
    provider: 'openai',
    voiceId: 'alloy',
    model: 'tts-1',
    speed: 1,
    language: 'en-US',
    apiKey: ttsKey,
    ...tts,
  },
});

/** An org whose agent has a saved voice (unless `config` is null), with a member and a viewer. */
async function setup(tag: string, config: object | null = speechConfig()) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const member = `member@${tag}.test`;
  await addMember(org.id, owner, member, 'member');
  await addMember(org.id, owner, `viewer@${tag}.test`, 'viewer');
  const created = await call('POST', `/orgs/${org.id}/agents`, {
    as: owner,
    body: { name: 'Front desk', type: 'voice' },
  });
  expect(created.status).toBe(201);
  const agentId = created.body.id as string;
  if (config) {
    const saved = await call('PUT', `/orgs/${org.id}/agents/${agentId}/config`, { as: owner, body: config });
    expect(saved.status).toBe(200);
  }
  return {
    org,
    owner,
    member,
    viewer: `viewer@${tag}.test`,
    path: `/orgs/${org.id}/agents/${agentId}/voice-preview`,
  };
}

const preview = (path: string, as: string, body: object = {}) => call('POST', path, { as, body });
const lastSpoken = () =>
  speech.requests.findLast((r) => r.api === 'speech')!.json as {
    model: string;
    voice: string;
    input: string;
    speed: number;
  };
const audioOf = (res: { body: { audio: { base64: string } } }) =>
  Buffer.from(res.body.audio.base64, 'base64');

describe('voice previews', () => {
  it('speaks a greeting in the saved voice with the agent’s key', async () => {
    const { member, path } = await setup('preview-saved');
    const res = await preview(path, member);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      text: 'Hello, this is Front desk. How can I help you today?',
      provider: 'openai',
      voiceId: 'alloy',
      model: 'tts-1',
      language: 'en-US',
      speed: 1,
      audio: { mediaType: 'audio/wav' },
    });
    const audio = audioOf(res);
    expect(audio.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wavDuration(audio)).toBeGreaterThan(1);
    expect(lastSpoken()).toMatchObject({ voice: 'alloy', model: 'tts-1', speed: 1, input: res.body.text });
    expect(speech.requests.at(-1)!.authorization).toBe(`Bearer ${ttsKey}`);
  });

  it('speaks an unsaved draft: its voice, model, speed, language and text, without saving anything', async () => {
    const { owner, member, path } = await setup('preview-draft');
    const normal = await preview(path, member, { text: 'Your table is booked for seven.' });
    const draft = await preview(path, member, {
      voiceId: 'nova',
      model: 'tts-1-hd',
      speed: 2,
      text: 'Your table is booked for seven.',
    });
    expect(draft.status).toBe(200);
    expect(lastSpoken()).toMatchObject({
      voice: 'nova',
      model: 'tts-1-hd',
      speed: 2,
      input: 'Your table is booked for seven.',
    });
    // Twice as fast: the same words in about half the time.
    const ratio = wavDuration(audioOf(draft)) / wavDuration(audioOf(normal));
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.6);
    // Without text, the greeting is in the draft's language.
    const spanish = await preview(path, member, { language: 'es-MX' });
    expect(spanish.body).toMatchObject({
      language: 'es-MX',
      text: 'Hola, soy Front desk. ¿En qué puedo ayudarle hoy?',
    });
    const agent = await call('GET', path.replace('/voice-preview', ''), { as: owner });
    expect(agent.body.ttsConfig).toMatchObject({
      voiceId: 'alloy',
      model: 'tts-1',
      speed: 1,
      language: 'en-US',
    });
    expect(agent.body.version).toBe(2);
  });

  it('refuses bad input naming the field (400), sending nothing to the provider', async () => {
    const { member, path } = await setup('preview-invalid');
    const sent = speech.requests.length;
    const cases: [object, string][] = [
      [{ text: 'x'.repeat(previewTextLimit + 1) }, 'text'],
      [{ text: '   ' }, 'text'],
      [{ speed: 3 }, 'speed'],
      [{ speed: 'fast' }, 'speed'],
      [{ language: 'english please' }, 'language'],
      [{ voiceId: 'Rachel' }, 'voiceId'],
      [{ model: 'eleven_turbo_v2_5' }, 'model'],
    ];
    for (const [body, field] of cases) {
      const res = await preview(path, member, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    const tooLong = await preview(path, member, { text: 'x'.repeat(previewTextLimit + 1) });
    expect(tooLong.body.errors[0].message).toContain(String(previewTextLimit));
    const unknown = await preview(path, member, { apiKey: 'sk-other' });
    expect(unknown.status).toBe(400);
    expect(speech.requests.length).toBe(sent);
  });

  it('says what is missing when the agent has no voice, no key, or a provider previews do not speak (422)', async () => {
    const sent = speech.requests.length;
    const bare = await setup('preview-bare', null);
    const none = await preview(bare.path, bare.member);
    expect(none.status).toBe(422);
    expect(none.body.detail).toContain('no voice (text to speech) configured');
    const keyless = await setup('preview-keyless', speechConfig({ apiKey: undefined }));
    const noKey = await preview(keyless.path, keyless.member);
    expect(noKey.status).toBe(422);
    expect(noKey.body.detail).toContain('no OpenAI key');
    const other = await setup(
      'preview-eleven',
      speechConfig({ provider: 'elevenlabs', voiceId: 'MyVoice', model: 'eleven_turbo_v2_5' }),
    );
    const unsupported = await preview(other.path, other.member);
    expect(unsupported.status).toBe(422);
    expect(unsupported.body.detail).toContain('this agent uses elevenlabs');
    expect(speech.requests.length).toBe(sent);
  });

  it('names the provider when it fails or is slow (502)', async () => {
    const { member, path } = await setup('preview-fault');
    speech.armFault('speech', '500');
    const failed = await preview(path, member);
    expect(failed.status).toBe(502);
    expect(failed.body.detail).toBe('The text-to-speech provider (OpenAI) failed: HTTP 500.');
    speech.armFault('speech', 'slow');
    const slow = await preview(path, member);
    expect(slow.status).toBe(502);
    expect(slow.body.detail).toBe('The text-to-speech provider (OpenAI) did not answer within 15 s.');
  }, 60_000);

  it('keeps other orgs out (404) and read-only viewers out (403)', async () => {
    const { org, viewer, path } = await setup('preview-tenant');
    const stranger = await createOrg('owner@preview-elsewhere.test');
    const sent = speech.requests.length;
    const other = await preview(path, 'owner@preview-elsewhere.test');
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain(org.id);
    // The other org's own path with this agent's id finds nothing either.
    const crossed = await preview(path.replace(org.id, stranger.id), 'owner@preview-elsewhere.test');
    expect(crossed.status).toBe(404);
    expect((await preview(path, viewer)).status).toBe(403);
    expect(speech.requests.length).toBe(sent);
  });

  it('limits each caller’s previews a minute (429 with Retry-After)', async () => {
    const { member, owner, path } = await setup('preview-rate');
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));
    for (let i = 0; i < perCaller; i++)
      expect((await preview(path, member, { text: 'Hi.' })).status).toBe(200);
    const sent = speech.requests.length;
    const refused = await preview(path, member, { text: 'Hi.' });
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain('voice previews this minute');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(speech.requests.length).toBe(sent);
    // Another person of the org has their own.
    expect((await preview(path, owner, { text: 'Hi.' })).status).toBe(200);
  }, 90_000);

  it('keeps the key out of every response and log line, when it works and when the provider fails', async () => {
    const { member, owner, path } = await setup('preview-keys');
    speech.armFault('speech', '500');
    const { result, output } = await captureLogs(async () => [
      await preview(path, member),
      await preview(path, member),
      await call('GET', path.replace('/voice-preview', ''), { as: owner }),
    ]);
    expect(result.map((r) => r.status)).toEqual([502, 200, 200]);
    expect(output).toContain('voice-preview');
    expect(`${JSON.stringify(result)}\n${output}`).not.toContain('PREVIEW-secret');
  });
});
