/**
 * The two ports a voice turn speaks through (adapters/stt-deepgram.ts, adapters/tts-openai.ts):
 * speech to text (one recorded utterance in, its transcript out) and text to speech (the reply's
 * text in, audio out). Failures are Refusals naming the provider, so the caller learns which of the
 * two failed: 'upstream' (502) when it failed, timed out or sent something unreadable.
 */

import { utteranceLimits } from '../api/schemas/voice';
import { type Refusal, refuse } from './refusal';

export interface Utterance {
  bytes: Uint8Array;
  /** The media type it was sent as (`audio/webm`, `audio/wav`). */
  mediaType: string;
}

export interface Transcript {
  text: string;
  /** The audio's length in seconds, as the provider measured it (0 when it did not say). */
  durationSeconds: number;
}

export interface SttPort {
  /** Which provider transcribes, for messages: `Deepgram`. */
  readonly provider: string;
  transcribe(utterance: Utterance, options: { model: string; language: string }): Promise<Transcript>;
}

export interface SpokenReply {
  audio: Uint8Array;
  mediaType: string;
  /** From the request sent to the first of its answer (the response's head). */
  firstByteMs: number;
}

/** What is said aloud of a reply: its text without the `[entry:<id>]` citation markers. */
export function speakable(reply: string): string {
  return reply
    .replace(/\s*\[entry:[^\]\s]*\]/g, '')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface TtsPort {
  /** Which provider speaks, for messages: `OpenAI`. */
  readonly provider: string;
  synthesize(text: string, options: { model: string; voiceId: string; speed: number }): Promise<SpokenReply>;
}

/**
 * A WAV file's length in seconds from its header (RIFF `fmt ` byte rate and `data` size), or
 * undefined when the bytes are not a WAV file this can read.
 */
export function wavSeconds(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= bytes.byteLength; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ' && at + 16 <= bytes.byteLength) byteRate = view.getUint32(at + 16, true);
    if (id === 'data') {
      if (!byteRate) return undefined;
      // A streamed WAV may say 0 or 0xFFFFFFFF: then the bytes that came are the data.
      const data = size === 0 || size === 0xffffffff ? bytes.byteLength - at - 8 : size;
      return Math.min(data, bytes.byteLength - at - 8) / byteRate;
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

export const speechRefusals = {
  tooLong: (seconds: number): Refusal =>
    refuse(
      'invalid',
      `must be at most ${utteranceLimits.seconds} seconds of audio, got ${Math.round(seconds * 10) / 10} s`,
      'body',
    ),
  unreadable: (): Refusal => refuse('invalid', 'is not audio of the type its Content-Type names', 'body'),
  nothingHeard: (): Refusal =>
    refuse(
      'refused',
      'Nothing was heard in the recording: no words were recognized. Hold the button while you speak, closer to the microphone.',
      'body',
    ),
  notConfigured: (what: 'transcriber' | 'voice'): Refusal =>
    refuse(
      'refused',
      what === 'transcriber'
        ? 'The agent has no transcriber (speech to text) configured; set one on its Transcriber tab.'
        : 'The agent has no voice (text to speech) configured; set one on its Voice tab.',
    ),
  unsupported: (what: 'transcriber' | 'voice', provider: string, supported: string): Refusal =>
    refuse(
      'refused',
      `${what === 'voice' ? 'Voice turns and voice samples' : 'Voice turns'} over the API support ${supported} as the ${what}; this agent uses ${provider}.`,
    ),
  noKey: (provider: string, what: 'transcriber' | 'voice'): Refusal =>
    refuse('refused', `The agent has no ${provider} key for its ${what}; add one to the agent.`),
  failed: (provider: string, role: 'speech-to-text' | 'text-to-speech', what: string): Refusal =>
    refuse('upstream', `The ${role} provider (${provider}) failed: ${what}.`),
  timedOut: (provider: string, role: 'speech-to-text' | 'text-to-speech', ms: number): Refusal =>
    refuse(
      'upstream',
      `The ${role} provider (${provider}) did not answer within ${Math.round(ms / 100) / 10} s.`,
    ),
};
