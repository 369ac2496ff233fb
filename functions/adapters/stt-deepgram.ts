/**
 * Deepgram's pre-recorded transcription (`POST <baseUrl>/v1/listen`), over fetch: the audio as the
 * raw body, the key in `Authorization: Token <key>`, the transcript at
 * `results.channels[0].alternatives[0].transcript`. The key travels only in that header: no error,
 * log line or Refusal built here contains it or the response body.
 */

import { Refusal } from '../domain/refusal';
import type { SttPort, Transcript } from '../domain/speech';
import { speechRefusals } from '../domain/speech';

export interface DeepgramTarget {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

interface Listened {
  metadata?: { duration?: unknown };
  results?: { channels?: { alternatives?: { transcript?: unknown }[] }[] };
}

const provider = 'Deepgram';

export function deepgramStt(target: DeepgramTarget): SttPort {
  const failed = (what: string) => speechRefusals.failed(provider, 'speech-to-text', what);
  return {
    provider,
    async transcribe(utterance, options): Promise<Transcript> {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), target.timeoutMs);
      const query = new URLSearchParams({
        model: options.model,
        language: options.language,
        smart_format: 'true',
      });
      try {
        const response = await fetch(`${target.baseUrl.replace(/\/+$/, '')}/v1/listen?${query}`, {
          method: 'POST',
          redirect: 'error',
          headers: { authorization: `Token ${target.apiKey}`, 'content-type': utterance.mediaType },
          body: utterance.bytes as Uint8Array<ArrayBuffer>,
          signal: abort.signal,
        });
        if (response.status === 401 || response.status === 403) throw failed('it refused the agent’s key');
        if (response.status === 429) throw failed('it is limiting requests (429)');
        if (!response.ok) throw failed(`HTTP ${response.status}`);
        let listened: Listened;
        try {
          listened = (await response.json()) as Listened;
        } catch {
          throw failed('its reply could not be read');
        }
        const transcript = listened?.results?.channels?.[0]?.alternatives?.[0]?.transcript;
        if (typeof transcript !== 'string') throw failed('its reply had no transcript');
        const duration = listened.metadata?.duration;
        return { text: transcript.trim(), durationSeconds: typeof duration === 'number' ? duration : 0 };
      } catch (error) {
        if (error instanceof Refusal) throw error;
        if (abort.signal.aborted) throw speechRefusals.timedOut(provider, 'speech-to-text', target.timeoutMs);
        throw failed((error as Error).name === 'TypeError' ? 'unreachable' : 'connection lost');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
