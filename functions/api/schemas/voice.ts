/** Voice turns over the API (one recorded utterance in; its transcript, the cited reply and its audio out) and voice previews. */
import * as z from 'zod/mini';
import { Language } from './agents';
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

/** The longest sample a voice preview speaks: a sentence or two, enough to judge a voice. */
export const previewTextLimit = 300;

/**
 * A voice preview: every field optional, each defaulting to the agent's saved voice, so an admin
 * can hear a draft before saving it. The provider and its key are always the saved ones.
 */
export const VoicePreviewBody = z.strictObject({
  voiceId: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
  model: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
  language: z.optional(Language),
  speed: z.optional(z.number().check(z.gte(0.5), z.lte(2))),
  /** What to say; a short greeting in the voice's language when not given. */
  text: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(previewTextLimit))),
});
export type VoicePreviewBody = z.infer<typeof VoicePreviewBody>;

export const VoicePreview = z
  .object({
    /** What was spoken. */
    text: z.string(),
    /** The settings it was spoken with (the request's, else the agent's saved ones). */
    provider: z.string(),
    voiceId: z.string(),
    model: z.string(),
    language: z.string(),
    speed: z.number(),
    audio: z.object({
      mediaType: z.string(),
      /** The audio's bytes, base64. */
      base64: z.string(),
    }),
  })
  .register(z.globalRegistry, { id: 'VoicePreview' });
export type VoicePreview = z.infer<typeof VoicePreview>;
