/**
 * The speech adapters against the speech stand-in, which speaks the providers' own HTTP APIs:
 * Deepgram's pre-recorded /v1/listen (Token auth, raw audio) and OpenAI's /v1/audio/speech (Bearer
 * auth, JSON). What each sends, what it makes of the answers, and how each failure is named.
 */
import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { deepgramStt } from '../../functions/adapters/stt-deepgram';
import { openAiTts } from '../../functions/adapters/tts-openai';
import { Refusal } from '../../functions/domain/refusal';
import { speakable, wavSeconds } from '../../functions/domain/speech';
import { startSpeechStandin } from '../../infra/local/speech-standin';
import { silence, spoken, wavDuration } from '../support/speech';

const standin = await startSpeechStandin({ slowMs: 5_000 });
afterAll(() => standin.stop());

const stt = (apiKey = 'dg-key', timeoutMs = 10_000, baseUrl = standin.url) =>
  deepgramStt({ baseUrl, apiKey, timeoutMs });
const tts = (apiKey = 'sk-key', timeoutMs = 10_000, baseUrl = standin.url) =>
  openAiTts({ baseUrl, apiKey, timeoutMs });
const options = { model: 'nova-3', language: 'en-US' };

async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Refusal);
  return error as Refusal;
}

describe('Deepgram adapter', () => {
  it('sends the audio raw with Token auth and the model, and reads the transcript and duration', async () => {
    const audio = await spoken('what are your opening hours');
    const heard = await stt().transcribe({ bytes: audio, mediaType: 'audio/wav' }, options);
    expect(heard.text).toBe('what are your opening hours');
    expect(heard.durationSeconds).toBeCloseTo(wavDuration(audio), 1);
    const sent = standin.requests.at(-1)!;
    expect(sent).toMatchObject({
      api: 'listen',
      authorization: 'Token dg-key',
      contentType: 'audio/wav',
      bytes: audio.byteLength,
    });
    expect(sent.query).toMatchObject({ model: 'nova-3', language: 'en-US' });
  });

  it('hears nothing in silence (an empty transcript)', async () => {
    const heard = await stt().transcribe({ bytes: silence(1), mediaType: 'audio/wav' }, options);
    expect(heard.text).toBe('');
  });

  it('names Deepgram on an error status, a timeout, an unreachable host and an unreadable reply', async () => {
    const utterance = { bytes: silence(0.5), mediaType: 'audio/wav' };
    expect((await refusalOf(stt('fault-500').transcribe(utterance, options))).message).toBe(
      'The speech-to-text provider (Deepgram) failed: HTTP 500.',
    );
    const refused = await refusalOf(stt('').transcribe(utterance, options));
    expect(refused.message).toBe(
      'The speech-to-text provider (Deepgram) failed: it refused the agent’s key.',
    );
    const slow = await refusalOf(stt('fault-slow', 300).transcribe(utterance, options));
    expect([slow.kind, slow.message]).toEqual([
      'upstream',
      'The speech-to-text provider (Deepgram) did not answer within 0.3 s.',
    ]);
    const gone = await refusalOf(stt('k', 2000, 'http://127.0.0.1:9').transcribe(utterance, options));
    expect(gone.message).toBe('The speech-to-text provider (Deepgram) failed: unreachable.');
    const odd = createServer((_req, res) => res.end('{"results": {}}'));
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const port = (odd.address() as { port: number }).port;
    const malformed = await refusalOf(
      stt('k', 2000, `http://127.0.0.1:${port}`).transcribe(utterance, options),
    );
    expect(malformed.message).toBe(
      'The speech-to-text provider (Deepgram) failed: its reply had no transcript.',
    );
    odd.close();
  });
});

describe('OpenAI speech adapter', () => {
  it('sends model, voice, speed and the text with Bearer auth, and gets WAV audio back', async () => {
    const reply = await tts().synthesize('Visitors park in the basement garage.', {
      model: 'tts-1',
      voiceId: 'alloy',
      speed: 1,
    });
    expect(reply.mediaType).toBe('audio/wav');
    expect(wavSeconds(reply.audio)).toBeGreaterThan(1);
    expect(reply.firstByteMs).toBeGreaterThanOrEqual(0);
    const sent = standin.requests.at(-1)!;
    expect(sent).toMatchObject({ api: 'speech', authorization: 'Bearer sk-key' });
    expect(sent.json).toEqual({
      model: 'tts-1',
      voice: 'alloy',
      input: 'Visitors park in the basement garage.',
      speed: 1,
      response_format: 'wav',
    });
  });

  it('names OpenAI on an error status, a refused key and a timeout', async () => {
    const say = (key: string, timeoutMs = 10_000) =>
      refusalOf(tts(key, timeoutMs).synthesize('hello', { model: 'tts-1', voiceId: 'alloy', speed: 1 }));
    expect((await say('fault-500')).message).toBe('The text-to-speech provider (OpenAI) failed: HTTP 500.');
    expect((await say('')).message).toBe(
      'The text-to-speech provider (OpenAI) failed: it refused the agent’s key.',
    );
    expect((await say('fault-slow', 300)).message).toBe(
      'The text-to-speech provider (OpenAI) did not answer within 0.3 s.',
    );
  });
});

describe('speech rules', () => {
  it('reads a WAV’s length from its header, and nothing from other bytes', () => {
    expect(wavSeconds(silence(2.5))).toBe(2.5);
    expect(wavSeconds(Buffer.from('not a wav file at all'))).toBeUndefined();
  });

  it('says a reply without its citation markers', () => {
    expect(speakable('According to [entry:ent_01ABC] Visitors park in the garage [entry:ent_02] .')).toBe(
      'According to Visitors park in the garage.',
    );
  });
});
