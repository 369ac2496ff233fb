/**
 * The speech providers an agent may use, with the models (and voices, where they are a fixed set)
 * each offers: the one allow-list the API validates against and the admin site offers
 * (GET /agent-providers). Voice ids of providers with custom voices are free-form.
 */
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
    voices: ['alloy', 'ash', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer'],
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
