/** Voice turns over the API: one recorded utterance in; its transcript, the cited reply and its audio out. */
import * as z from 'zod/mini';
import { ConversationMessage } from './conversations';

/** The most one utterance may be: 30 seconds of audio and 1 MB (README "Voice turns"). */
export const utteranceLimits = { seconds: 30, bytes: 1024 * 1024 } as const;

/** The media types an utterance may be sent as: a browser's MediaRecorder (WebM/Opus) or WAV. */
export const utteranceMediaTypes = ['audio/webm', 'audio/wav', 'audio/x-wav', 'audio/wave'] as const;

const Milliseconds = z.number().check(z.int(), z.minimum(0));

export const VoiceTurn = z
  .object({
    /** What the agent's transcriber heard: the question, as stored. */
    transcript: z.string(),
    /** The question, stored with `via: voice`. */
    message: ConversationMessage,
    /** The agent's reply with its citations, stored with `via: voice`. */
    reply: ConversationMessage,
    /** The reply spoken by the agent's voice. */
    audio: z.object({
      mediaType: z.string(),
      /** The audio's bytes, base64. */
      base64: z.string(),
    }),
    /** Where the turn's time went. */
    timings: z.object({
      /** Speech to text: the utterance sent, its transcript back. */
      sttMs: Milliseconds,
      /** From the question sent to the model to its first piece of text. */
      modelFirstTokenMs: z.nullable(Milliseconds),
      /** From the question sent to the model to its whole reply. */
      modelMs: Milliseconds,
      /** Text to speech: the reply sent, the first byte of its audio back. */
      ttsFirstByteMs: Milliseconds,
      ttsMs: Milliseconds,
      totalMs: Milliseconds,
    }),
  })
  .register(z.globalRegistry, { id: 'VoiceTurn' });
export type VoiceTurn = z.infer<typeof VoiceTurn>;
