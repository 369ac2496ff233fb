/**
 * A voice preview (README "Voices and languages"): the settings a sample is spoken with and what
 * it says. An admin hears a draft before saving it, so the request's voice, model, language and
 * speed stand in for the saved ones; the provider (and with it the key) is always the saved one,
 * since a key typed into a draft is not stored until it is saved.
 */
import { type TtsProvider, ttsProviders } from '../api/providers';
import type { VoicePreviewBody } from '../api/schemas/voice';
import { type Refusal, refuse } from './refusal';

export interface PreviewVoice {
  provider: TtsProvider;
  voiceId: string;
  model: string;
  language: string;
  speed: number;
}

/**
 * The voice a sample is spoken in, or the refusal naming the field the saved provider does not
 * offer (the same rule as saving the voice, so a sample never plays what could not be saved).
 */
export function previewVoice(saved: PreviewVoice, asked: VoicePreviewBody): PreviewVoice | Refusal {
  const voice = {
    provider: saved.provider,
    voiceId: asked.voiceId ?? saved.voiceId,
    model: asked.model ?? saved.model,
    language: asked.language ?? saved.language,
    speed: asked.speed ?? saved.speed,
  };
  const offered = ttsProviders[voice.provider];
  const models: readonly string[] = offered.models;
  if (!models.includes(voice.model)) return refuse('invalid', `must be one of ${models.join(', ')}`, 'model');
  const voices: readonly string[] = offered.voices;
  if (voices.length > 0 && !voices.includes(voice.voiceId))
    return refuse('invalid', `must be one of ${voices.join(', ')}`, 'voiceId');
  return voice;
}

/** A greeting per language (its primary subtag); languages without one are greeted in English. */
const greetings: Record<string, (name: string) => string> = {
  en: (name) => `Hello, this is ${name}. How can I help you today?`,
  es: (name) => `Hola, soy ${name}. ¿En qué puedo ayudarle hoy?`,
  fr: (name) => `Bonjour, ici ${name}. Comment puis-je vous aider aujourd’hui ?`,
  de: (name) => `Hallo, hier ist ${name}. Wie kann ich Ihnen heute helfen?`,
  it: (name) => `Buongiorno, sono ${name}. Come posso aiutarla oggi?`,
  pt: (name) => `Olá, aqui é ${name}. Como posso ajudar hoje?`,
  nl: (name) => `Hallo, u spreekt met ${name}. Waarmee kan ik u helpen?`,
};

/** What a sample says when the request gives no text: the agent greeting in the voice's language. */
export function sampleText(agentName: string, language: string): string {
  const primary = language.split('-')[0]!.toLowerCase();
  return (greetings[primary] ?? greetings.en!)(agentName);
}
