/**
 * OpenAI's text to speech (`POST <baseUrl>/v1/audio/speech`), over fetch: JSON
 * `{model, input, voice, speed, response_format}` with `Authorization: Bearer <key>`, the audio as
 * the response body. WAV is asked for: every browser plays it, and an utterance's reply is short.
 * The key travels only in that header: no error, log line or Refusal built here contains it.
 */
import { Refusal } from '../domain/refusal';
import type { SpokenReply, TtsPort } from '../domain/speech';
import { speechRefusals } from '../domain/speech';

export interface OpenAiSpeechTarget {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

const provider = 'OpenAI';
/** The longest input OpenAI's speech endpoint takes. */
export const maxSpeechInput = 4096;

export function openAiTts(target: OpenAiSpeechTarget): TtsPort {
  const failed = (what: string) => speechRefusals.failed(provider, 'text-to-speech', what);
  return {
    provider,
    async synthesize(text, options): Promise<SpokenReply> {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), target.timeoutMs);
      const started = Date.now();
      try {
        const response = await fetch(`${target.baseUrl.replace(/\/+$/, '')}/v1/audio/speech`, {
          method: 'POST',
          redirect: 'error',
          headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: options.model,
            voice: options.voiceId,
            input: text.slice(0, maxSpeechInput),
            speed: options.speed,
            response_format: 'wav',
          }),
          signal: abort.signal,
        });
        const firstByteMs = Date.now() - started;
        if (response.status === 401 || response.status === 403) throw failed('it refused the agent’s key');
        if (response.status === 429) throw failed('it is limiting requests (429)');
        if (!response.ok) throw failed(`HTTP ${response.status}`);
        const audio = new Uint8Array(await response.arrayBuffer());
        if (audio.byteLength === 0) throw failed('it sent no audio');
        const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'audio/wav';
        return { audio, mediaType: mediaType.startsWith('audio/') ? mediaType : 'audio/wav', firstByteMs };
      } catch (error) {
        if (error instanceof Refusal) throw error;
        if (abort.signal.aborted) throw speechRefusals.timedOut(provider, 'text-to-speech', target.timeoutMs);
        throw failed((error as Error).name === 'TypeError' ? 'unreachable' : 'connection lost');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
