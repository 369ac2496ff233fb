/**
 * The speech adapters an agent's settings name, behind the two ports (domain/speech.ts). Voice
 * turns over the API speak Deepgram (speech to text) and OpenAI (text to speech); an adapter is
 * made once per container for each provider, address and key, and reused by later turns.
 *
 * Where the providers are: `DEEPGRAM_URL` and `OPENAI_SPEECH_URL` (their public APIs unless set;
 * the local stack points them at its speech stand-in), each call bounded by `SPEECH_TIMEOUT_MS`.
 */
import * as z from 'zod/mini';
import type { AgentKeys, AgentState } from '../domain/agents';
import { type SttPort, speechRefusals, type TtsPort } from '../domain/speech';
import { deepgramStt } from './stt-deepgram';
import { openAiTts } from './tts-openai';

const SpeechEnv = z.object({
  DEEPGRAM_URL: z._default(z.string().check(z.url()), 'https://api.deepgram.com'),
  OPENAI_SPEECH_URL: z._default(z.string().check(z.url()), 'https://api.openai.com'),
  SPEECH_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.minimum(100)), 15_000),
});

export interface SpeechSettings {
  deepgramUrl: string;
  openAiSpeechUrl: string;
  timeoutMs: number;
}

let settings: SpeechSettings | undefined;

/** Read once per container, like lib/config.ts. */
export function speechSettings(): SpeechSettings {
  if (!settings) {
    const env = SpeechEnv.parse(process.env);
    settings = {
      deepgramUrl: env.DEEPGRAM_URL,
      openAiSpeechUrl: env.OPENAI_SPEECH_URL,
      timeoutMs: env.SPEECH_TIMEOUT_MS,
    };
  }
  return settings;
}

/** For tests that move the providers between files' runs. */
export function resetSpeechAdapters(): void {
  settings = undefined;
  made.clear();
}

const made = new Map<string, SttPort | TtsPort>();
const maxAdapters = 64;

function once<T extends SttPort | TtsPort>(key: string, make: () => T): T {
  const existing = made.get(key);
  if (existing) return existing as T;
  if (made.size >= maxAdapters) made.delete(made.keys().next().value!);
  const adapter = make();
  made.set(key, adapter);
  return adapter;
}

export const supportedStt = 'Deepgram';
export const supportedTts = 'OpenAI';

/** The agent's transcriber, or the refusal saying what is missing (nothing is stored before this). */
export function sttFor(agent: Pick<AgentState, 'sttConfig'>, keys: AgentKeys): SttPort {
  const stt = agent.sttConfig;
  if (!stt) throw speechRefusals.notConfigured('transcriber');
  if (stt.provider !== 'deepgram')
    throw speechRefusals.unsupported('transcriber', stt.provider, supportedStt);
  if (!keys.stt) throw speechRefusals.noKey(supportedStt, 'transcriber');
  const { deepgramUrl, timeoutMs } = speechSettings();
  const apiKey = keys.stt;
  return once(`stt deepgram ${deepgramUrl} ${apiKey}`, () =>
    deepgramStt({ baseUrl: deepgramUrl, apiKey, timeoutMs }),
  );
}

/** The agent's voice, or the refusal saying what is missing. */
export function ttsFor(agent: Pick<AgentState, 'ttsConfig'>, keys: AgentKeys): TtsPort {
  const tts = agent.ttsConfig;
  if (!tts) throw speechRefusals.notConfigured('voice');
  if (tts.provider !== 'openai') throw speechRefusals.unsupported('voice', tts.provider, supportedTts);
  if (!keys.tts) throw speechRefusals.noKey(supportedTts, 'voice');
  const { openAiSpeechUrl, timeoutMs } = speechSettings();
  const apiKey = keys.tts;
  return once(`tts openai ${openAiSpeechUrl} ${apiKey}`, () =>
    openAiTts({ baseUrl: openAiSpeechUrl, apiKey, timeoutMs }),
  );
}
