// Every log line is written (and captured where a test greps for keys).
process.env.LOG_LEVEL = 'debug';

/**
 * Voice turns over the API (POST …/conversations/{id}/voice) through the real handler, with the
 * speech stand-in (PocketSphinx and Festival behind Deepgram's and OpenAI's HTTP APIs) and the LLM
 * stand-in: a spoken question answered from the knowledge it names, cited and spoken back; the
 * limits (length, size, media type), silence, each provider's faults (which one is named, what is
 * kept), the rate limit and token budget shared with typed messages, and keys kept out of every
 * response and log line.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthlyTokens } from '../../functions/api/plans';
import { keys } from '../../functions/data/keys';
import { startLlmStandin } from '../../infra/local/llm-standin';
import { startSpeechStandin } from '../../infra/local/speech-standin';
import { call, captureLogs } from '../support/api';
import { tableName, testDb } from '../support/env';
import { asWebm, silence, spoken, wavDuration } from '../support/speech';
import { addMember, createOrg, partition } from '../support/tenancy';

const llm = await startLlmStandin();
const speech = await startSpeechStandin({ slowMs: 15_000 });
const perMinute = 4;
Object.assign(process.env, {
  BEDROCK_ENDPOINT: llm.url,
  DEEPGRAM_URL: speech.url,
  OPENAI_SPEECH_URL: speech.url,
  SPEECH_TIMEOUT_MS: '6000',
  LLM_TIMEOUT_MS: '5000',
  LLM_MAX_ATTEMPTS: '1',
  MESSAGES_PER_ORG_PER_MINUTE: String(perMinute),
});
afterAll(async () => {
  await speech.stop();
  await llm.stop();
});

const sttKey = 'dg-VOICE-secret-stt-4242';
const ttsKey = 'sk-VOICE-secret-tts-4242';
const speechConfig = (overrides: { stt?: object; tts?: object } = {}) => ({
  sttConfig: { provider: 'deepgram', model: 'nova-3', language: 'en-US', apiKey: sttKey, ...overrides.stt },
  ttsConfig: {
    provider: 'openai',
    voiceId: 'alloy',
    model: 'tts-1',
    speed: 1,
    language: 'en-US',
    apiKey: ttsKey,
    ...overrides.tts,
  },
});

let question: Buffer;
beforeAll(async () => {
  question = await spoken('where can visitors park their car');
});

async function team(tag: string, plan: 'free' | 'starter' = 'starter') {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan });
  await addMember(org.id, owner, `member@${tag}.test`, 'member');
  return { org, owner, member: `member@${tag}.test` };
}

/** An org with a small knowledge bank and an agent that has both speech providers, and a conversation. */
async function setup(tag: string, options: { plan?: 'free' | 'starter'; config?: object | null } = {}) {
  const { org, owner, member } = await team(tag, options.plan);
  for (const [title, content] of [
    ['Refunds', 'Refunds reach the original card within five working days.'],
    ['Parking', 'Visitors park in the basement garage beside the lifts.'],
  ]) {
    expect(
      (await call('POST', `/orgs/${org.id}/knowledge`, { as: owner, body: { title, content } })).status,
    ).toBe(201);
  }
  const created = await call('POST', `/orgs/${org.id}/agents`, {
    as: owner,
    body: { name: 'Helper', type: 'voice' },
  });
  expect(created.status).toBe(201);
  const agentId = created.body.id as string;
  if (options.config !== null) {
    const configured = await call('PUT', `/orgs/${org.id}/agents/${agentId}/config`, {
      as: owner,
      body: options.config ?? speechConfig(),
    });
    expect(configured.status).toBe(200);
  }
  const conversation = await call('POST', `/orgs/${org.id}/agents/${agentId}/conversations`, {
    as: member,
    body: { channel: 'console' },
  });
  expect(conversation.status).toBe(201);
  const base = `/orgs/${org.id}/agents/${agentId}/conversations/${conversation.body.id}`;
  return { org, owner, member, agentId, conversationId: conversation.body.id as string, base };
}

const say = (base: string, as: string, audio: Buffer, mediaType = 'audio/wav') =>
  call('POST', `${base}/voice`, { as, rawBody: audio, headers: { 'content-type': mediaType } });

const messagesOf = async (base: string, as: string) =>
  (await call('GET', `${base}/messages?limit=100`, { as })).body.items as {
    role: string;
    status: string;
    text: string;
    via: string;
  }[];

describe('voice turns', () => {
  it('answers a spoken question: transcript, the cited reply from the knowledge it names, and the reply spoken', async () => {
    const { org, member, base } = await setup('voice-wav');
    const res = await say(base, member, question);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.transcript).toBe('where can visitors park their car');
    expect(res.body.message).toMatchObject({ role: 'user', text: res.body.transcript, via: 'voice' });
    expect(res.body.reply).toMatchObject({ role: 'assistant', status: 'ok', via: 'voice' });
    expect(res.body.reply.text).toContain('basement garage');
    const parking = res.body.reply.citations.find((c: { title: string }) => c.title === 'Parking');
    expect(parking).toMatchObject({ cited: true });
    // The reply spoken: a WAV of some length, of the text without its citation markers.
    expect(res.body.audio.mediaType).toBe('audio/wav');
    const audio = Buffer.from(res.body.audio.base64, 'base64');
    expect(audio.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wavDuration(audio)).toBeGreaterThan(1);
    const spokenText = (speech.requests.findLast((r) => r.api === 'speech')!.json as { input: string }).input;
    expect(spokenText).toContain('Visitors park in the basement garage');
    expect(spokenText).not.toContain('[entry:');
    expect(res.body.timings).toMatchObject({
      sttMs: expect.any(Number),
      modelMs: expect.any(Number),
      ttsMs: expect.any(Number),
      totalMs: expect.any(Number),
    });
    expect(res.body.timings.modelFirstTokenMs).toEqual(expect.any(Number));
    expect(res.body.timings.totalMs).toBeGreaterThanOrEqual(res.body.timings.sttMs);
    // Both turns are stored, marked as spoken, beside typed ones.
    const typed = await call('POST', `${base}/messages`, { as: member, body: { text: 'And refunds?' } });
    expect(typed.status).toBe(201);
    expect((await messagesOf(base, member)).map((m) => [m.role, m.via])).toEqual([
      ['user', 'voice'],
      ['assistant', 'voice'],
      ['user', 'text'],
      ['assistant', 'text'],
    ]);
    // The providers got the agent's keys in their own schemes, and the org's usage counts the turn.
    const listen = speech.requests.findLast((r) => r.api === 'listen')!;
    expect(listen.authorization).toBe(`Token ${sttKey}`);
    expect(listen.query).toMatchObject({ model: 'nova-3', language: 'en-US' });
    expect(speech.requests.findLast((r) => r.api === 'speech')!.authorization).toBe(`Bearer ${ttsKey}`);
    const usage = await call('GET', `/orgs/${org.id}/conversations/usage`, { as: member });
    expect(usage.body.replies).toBe(2);
    // The conversation's preview in lists is its first question: what was said.
    const listed = await call('GET', `/orgs/${org.id}/conversations`, { as: member });
    expect(listed.body.items[0]).toMatchObject({
      preview: 'where can visitors park their car',
      messageCount: 4,
    });
  });

  it('takes what a browser records (WebM/Opus)', async () => {
    const { member, base } = await setup('voice-webm');
    const res = await say(base, member, asWebm(question), 'audio/webm;codecs=opus');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.transcript).toContain('visitors park');
    expect(res.body.reply.text).toContain('basement garage');
  });

  it('refuses other media types (415), more than 1 MB (413) and more than 30 s (400), naming the limit and storing nothing', async () => {
    const { member, base } = await setup('voice-limits');
    const heard = speech.requests.length;
    const mp3 = await say(base, member, question, 'audio/mpeg');
    expect(mp3.status).toBe(415);
    expect(mp3.body.errors).toEqual([
      { field: 'Content-Type', message: expect.stringContaining('audio/webm') },
    ]);
    const json = await call('POST', `${base}/voice`, { as: member, body: { text: 'hello' } });
    expect(json.status).toBe(415);
    const big = await say(base, member, Buffer.concat([question, Buffer.alloc(1024 * 1024)]));
    expect(big.status).toBe(413);
    expect(big.body.errors).toEqual([
      { field: 'body', message: expect.stringContaining('at most 1048576 bytes') },
    ]);
    const long = await say(base, member, silence(31));
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([
      { field: 'body', message: expect.stringContaining('at most 30 seconds') },
    ]);
    const empty = await say(base, member, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    const notWav = await say(base, member, Buffer.from('not audio at all'));
    expect(notWav.status).toBe(400);
    expect(speech.requests.length).toBe(heard);
    expect(await messagesOf(base, member)).toEqual([]);
  });

  it('says nothing was heard in silence (422), storing nothing', async () => {
    const { member, base } = await setup('voice-silence');
    const res = await say(base, member, silence(1.5));
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('Nothing was heard');
    expect(await messagesOf(base, member)).toEqual([]);
  });

  it('names the transcriber when it fails or is slow (502), storing nothing', async () => {
    const { member, base } = await setup('voice-stt-fault');
    speech.armFault('listen', '500');
    const failed = await say(base, member, question);
    expect(failed.status).toBe(502);
    expect(failed.body.detail).toBe('The speech-to-text provider (Deepgram) failed: HTTP 500.');
    speech.armFault('listen', 'slow');
    const slow = await say(base, member, question);
    expect(slow.status).toBe(502);
    expect(slow.body.detail).toBe('The speech-to-text provider (Deepgram) did not answer within 6 s.');
    expect(await messagesOf(base, member)).toEqual([]);
  });

  it('names the voice when it fails (502), keeping the question and the reply’s text', async () => {
    const { member, base } = await setup('voice-tts-fault');
    speech.armFault('speech', '500');
    const res = await say(base, member, question);
    expect(res.status).toBe(502);
    expect(res.body.detail).toContain('The text-to-speech provider (OpenAI) failed: HTTP 500.');
    expect(res.body.detail).toContain('kept in the conversation');
    const stored = await messagesOf(base, member);
    expect(stored.map((m) => [m.role, m.status, m.via])).toEqual([
      ['user', 'ok', 'voice'],
      ['assistant', 'ok', 'voice'],
    ]);
    expect(stored[0]!.text).toBe('where can visitors park their car');
  });

  it('keeps the question when the model fails, as a typed message does (502)', async () => {
    const { member, base } = await setup('voice-llm-fault');
    llm.armFault('500');
    const res = await say(base, member, question);
    expect(res.status).toBe(502);
    expect(res.body.detail).toContain('model provider failed');
    expect((await messagesOf(base, member)).map((m) => [m.role, m.status])).toEqual([
      ['user', 'ok'],
      ['assistant', 'failed'],
    ]);
  });

  it('refuses an agent without speech settings, or with providers voice turns do not speak (422), before sending anything', async () => {
    const heard = speech.requests.length;
    const bare = await setup('voice-bare', { config: null });
    const none = await say(bare.base, bare.member, question);
    expect(none.status).toBe(422);
    expect(none.body.detail).toContain('no transcriber');
    const other = await setup('voice-other', {
      config: speechConfig({
        tts: { provider: 'elevenlabs', voiceId: 'Rachel', model: 'eleven_turbo_v2_5' },
      }),
    });
    const unsupported = await say(other.base, other.member, question);
    expect(unsupported.status).toBe(422);
    expect(unsupported.body.detail).toContain('support OpenAI as the voice; this agent uses elevenlabs');
    const keyless = await setup('voice-keyless', { config: speechConfig({ stt: { apiKey: undefined } }) });
    const noKey = await say(keyless.base, keyless.member, question);
    expect(noKey.status).toBe(422);
    expect(noKey.body.detail).toContain('no Deepgram key');
    expect(speech.requests.length).toBe(heard);
  });

  it('shares the per-minute message limit with typed messages (429 with Retry-After)', async () => {
    const { member, base } = await setup('voice-rate');
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));
    for (let i = 0; i < perMinute; i++) {
      expect(
        (await call('POST', `${base}/messages`, { as: member, body: { text: `hello ${i}` } })).status,
      ).toBe(201);
    }
    const refused = await say(base, member, question);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await messagesOf(base, member)).toHaveLength(2 * perMinute);
  }, 90_000);

  it('refuses once the month’s token budget is spent (422), storing nothing', async () => {
    const { org, member, base } = await setup('voice-budget', { plan: 'free' });
    const month = new Date().toISOString().slice(0, 7);
    await testDb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.tokenUsage(org.id, month), type: 'TOKEN_USAGE', tokens: monthlyTokens.free },
      }),
    );
    const refused = await say(base, member, question);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain('100,000 model tokens this month');
    expect(await messagesOf(base, member)).toEqual([]);
  });

  it('keeps the speech keys out of every response, log line and item', async () => {
    const { org, owner, member, agentId, base } = await setup('voice-keys');
    const { result, output } = await captureLogs(async () => [
      await say(base, member, question),
      await call('GET', `/orgs/${org.id}/agents/${agentId}`, { as: owner }),
    ]);
    expect(result[0]!.status).toBe(201);
    const seen = [JSON.stringify(result), output, JSON.stringify(await partition(keys.org(org.id).pk))].join(
      '\n',
    );
    expect(seen).not.toContain('VOICE-secret');
  });
});
