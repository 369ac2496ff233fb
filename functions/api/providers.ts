/**
 * The speech providers an agent may use, with the models (and voices, where they are a fixed set)
 * each offers: the one allow-list the API validates against and the admin site offers
 * (GET /agent-providers). Voice ids of providers with custom voices are free-form.
 */

/** A voice the console offers by name; `language` is a BCP 47 tag, `mul` for a multilingual voice. */
export interface KnownVoice {
  id: string;
  name: string;
  language: string;
  gender: 'female' | 'male' | 'neutral';
  /** The models it belongs to, when not every model of its provider has it (Google's voice families). */
  models?: readonly string[];
}

const v = (id: string, name: string, language: string, gender: KnownVoice['gender'], models?: string[]) =>
  models ? { id, name, language, gender, models } : { id, name, language, gender };

/** OpenAI's voices are its whole set (the allow-list below is their ids); all speak many languages. */
const openAiVoices = [
  v('alloy', 'Alloy', 'mul', 'neutral'),
  v('ash', 'Ash', 'mul', 'male'),
  v('coral', 'Coral', 'mul', 'female'),
  v('echo', 'Echo', 'mul', 'male'),
  v('fable', 'Fable', 'mul', 'neutral'),
  v('nova', 'Nova', 'mul', 'female'),
  v('onyx', 'Onyx', 'mul', 'male'),
  v('sage', 'Sage', 'mul', 'female'),
  v('shimmer', 'Shimmer', 'mul', 'female'),
] as const satisfies readonly KnownVoice[];

/**
 * The voices the console lists per text-to-speech provider, in one place: OpenAI's fixed set, and
 * for the others their stock voices (their accounts hold more, and their own ids stay allowed).
 */
export const knownVoices: Record<TtsProvider, readonly KnownVoice[]> = {
  elevenlabs: [
    v('21m00Tcm4TlvDq8ikWAM', 'Rachel', 'en-US', 'female'),
    v('EXAVITQu4vr4xnSDxMaL', 'Sarah', 'en-US', 'female'),
    v('FGY2WhTYpPnrIDTdsKH5', 'Laura', 'en-US', 'female'),
    v('cgSgspJ2msm6clMCkdW9', 'Jessica', 'en-US', 'female'),
    v('XrExE9yKIg1WjnnlVkGX', 'Matilda', 'en-US', 'female'),
    v('pNInz6obpgDQGcFmaJgB', 'Adam', 'en-US', 'male'),
    v('nPczCjzI2devNBz1zQrb', 'Brian', 'en-US', 'male'),
    v('TX3LPaxmHKxFdv7VOQHJ', 'Liam', 'en-US', 'male'),
    v('iP95p4xoKVk53GoZ742B', 'Chris', 'en-US', 'male'),
    v('SAz9YHcvj6GT2YYXdXww', 'River', 'en-US', 'neutral'),
    v('Xb7hH8MSUJpSbSDYk0k2', 'Alice', 'en-GB', 'female'),
    v('pFZP5JQG7iQjIQuC4Bku', 'Lily', 'en-GB', 'female'),
    v('JBFqnCBsd6RMkjVDRZzb', 'George', 'en-GB', 'male'),
    v('onwK4e9ZLuTAKqWW03F9', 'Daniel', 'en-GB', 'male'),
    v('IKne3meq5aSn9XLyUdCD', 'Charlie', 'en-AU', 'male'),
  ],
  cartesia: [],
  openai: openAiVoices,
  azure: [
    v('en-US-JennyNeural', 'Jenny', 'en-US', 'female'),
    v('en-US-AriaNeural', 'Aria', 'en-US', 'female'),
    v('en-US-GuyNeural', 'Guy', 'en-US', 'male'),
    v('en-US-DavisNeural', 'Davis', 'en-US', 'male'),
    v('en-GB-SoniaNeural', 'Sonia', 'en-GB', 'female'),
    v('en-GB-RyanNeural', 'Ryan', 'en-GB', 'male'),
    v('es-ES-ElviraNeural', 'Elvira', 'es-ES', 'female'),
    v('es-ES-AlvaroNeural', 'Álvaro', 'es-ES', 'male'),
    v('es-MX-DaliaNeural', 'Dalia', 'es-MX', 'female'),
    v('fr-FR-DeniseNeural', 'Denise', 'fr-FR', 'female'),
    v('fr-FR-HenriNeural', 'Henri', 'fr-FR', 'male'),
    v('de-DE-KatjaNeural', 'Katja', 'de-DE', 'female'),
    v('de-DE-ConradNeural', 'Conrad', 'de-DE', 'male'),
    v('it-IT-ElsaNeural', 'Elsa', 'it-IT', 'female'),
    v('it-IT-DiegoNeural', 'Diego', 'it-IT', 'male'),
    v('pt-BR-FranciscaNeural', 'Francisca', 'pt-BR', 'female'),
    v('pt-BR-AntonioNeural', 'Antônio', 'pt-BR', 'male'),
    v('ja-JP-NanamiNeural', 'Nanami', 'ja-JP', 'female'),
    v('ja-JP-KeitaNeural', 'Keita', 'ja-JP', 'male'),
  ],
  google: [
    v('en-US-Chirp3-HD-Aoede', 'Aoede', 'en-US', 'female', ['chirp3-hd']),
    v('en-US-Chirp3-HD-Kore', 'Kore', 'en-US', 'female', ['chirp3-hd']),
    v('en-US-Chirp3-HD-Charon', 'Charon', 'en-US', 'male', ['chirp3-hd']),
    v('en-US-Chirp3-HD-Puck', 'Puck', 'en-US', 'male', ['chirp3-hd']),
    v('en-GB-Chirp3-HD-Aoede', 'Aoede', 'en-GB', 'female', ['chirp3-hd']),
    v('en-US-Neural2-C', 'Neural2 C', 'en-US', 'female', ['neural2']),
    v('en-US-Neural2-D', 'Neural2 D', 'en-US', 'male', ['neural2']),
    v('en-US-Neural2-F', 'Neural2 F', 'en-US', 'female', ['neural2']),
    v('en-GB-Neural2-A', 'Neural2 A', 'en-GB', 'female', ['neural2']),
    v('en-GB-Neural2-B', 'Neural2 B', 'en-GB', 'male', ['neural2']),
    v('es-ES-Neural2-A', 'Neural2 A', 'es-ES', 'female', ['neural2']),
    v('fr-FR-Neural2-A', 'Neural2 A', 'fr-FR', 'female', ['neural2']),
    v('de-DE-Neural2-B', 'Neural2 B', 'de-DE', 'male', ['neural2']),
    v('en-US-Wavenet-D', 'WaveNet D', 'en-US', 'male', ['wavenet']),
    v('en-US-Wavenet-F', 'WaveNet F', 'en-US', 'female', ['wavenet']),
  ],
};
export const ttsProviders = {
  elevenlabs: {
    label: 'ElevenLabs',
    models: ['eleven_multilingual_v2', 'eleven_turbo_v2_5', 'eleven_flash_v2_5'],
    voices: [],
  },
  cartesia: { label: 'Cartesia', models: ['sonic-2', 'sonic-turbo'], voices: [] },
  openai: {
    label: 'OpenAI',
    models: ['gpt-4o-mini-tts', 'tts-1', 'tts-1-hd'],
    voices: openAiVoices.map((voice) => voice.id),
  },
  azure: { label: 'Azure AI Speech', models: ['neural'], voices: [] },
  google: { label: 'Google Cloud Text-to-Speech', models: ['chirp3-hd', 'neural2', 'wavenet'], voices: [] },
} as const satisfies Record<string, { label: string; models: readonly string[]; voices: readonly string[] }>;

export const sttProviders = {
  deepgram: { label: 'Deepgram', models: ['nova-3', 'nova-2'] },
  assemblyai: { label: 'AssemblyAI', models: ['universal', 'slam-1'] },
  openai: { label: 'OpenAI', models: ['gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'whisper-1'] },
  azure: { label: 'Azure AI Speech', models: ['standard'] },
  google: { label: 'Google Cloud Speech-to-Text', models: ['chirp_2', 'long', 'short'] },
} as const satisfies Record<string, { label: string; models: readonly string[] }>;

export type TtsProvider = keyof typeof ttsProviders;
export type SttProvider = keyof typeof sttProviders;
export const ttsProviderNames = Object.keys(ttsProviders) as [TtsProvider, ...TtsProvider[]];
export const sttProviderNames = Object.keys(sttProviders) as [SttProvider, ...SttProvider[]];
