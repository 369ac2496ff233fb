/**
 * STT and TTS from the agent's own configuration and keys. Providers of the platform's allow-list
 * without a LiveKit Agents plugin for Node (Azure, Google speech, AssemblyAI) are refused here with a
 * sentence naming them, before the call is answered.
 */
import type { stt, tts } from '@livekit/agents';
import * as cartesia from '@livekit/agents-plugin-cartesia';
import * as deepgram from '@livekit/agents-plugin-deepgram';
import * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import * as openai from '@livekit/agents-plugin-openai';
import type { RuntimeAgentRead } from './platform';

/** Where each provider is reached; unset means the provider's own endpoint. */
export interface SpeechEndpoints {
  deepgram?: string;
  openai?: string;
  elevenlabs?: string;
  cartesia?: string;
}

export class UnsupportedSpeech extends Error {}

export function buildStt({ agent, keys }: RuntimeAgentRead, endpoints: SpeechEndpoints = {}): stt.STT {
  const config = agent.sttConfig;
  if (!config) throw new UnsupportedSpeech('The agent has no transcriber (speech to text) configured.');
  if (!keys.stt) throw new UnsupportedSpeech(`The agent's ${config.provider} transcriber has no key.`);
  switch (config.provider) {
    case 'deepgram':
      return new deepgram.STT({
        apiKey: keys.stt,
        model: config.model,
        language: config.language,
        ...(endpoints.deepgram ? { baseUrl: endpoints.deepgram } : {}),
      });
    case 'openai':
      return new openai.STT({
        apiKey: keys.stt,
        model: config.model,
        language: config.language.split('-')[0]!,
        ...(endpoints.openai ? { baseURL: endpoints.openai } : {}),
      });
    default:
      throw new UnsupportedSpeech(`The voice worker has no ${config.provider} transcriber.`);
  }
}

export function buildTts({ agent, keys }: RuntimeAgentRead, endpoints: SpeechEndpoints = {}): tts.TTS {
  const config = agent.ttsConfig;
  if (!config) throw new UnsupportedSpeech('The agent has no voice (text to speech) configured.');
  if (!keys.tts) throw new UnsupportedSpeech(`The agent's ${config.provider} voice has no key.`);
  switch (config.provider) {
    case 'openai':
      return new openai.TTS({
        apiKey: keys.tts,
        model: config.model,
        voice: config.voiceId as openai.TTSVoices,
        speed: config.speed,
        ...(endpoints.openai ? { baseURL: endpoints.openai } : {}),
      });
    case 'elevenlabs':
      return new elevenlabs.TTS({
        apiKey: keys.tts,
        voiceId: config.voiceId,
        model: config.model,
        language: config.language.split('-')[0]!,
        voiceSettings: { stability: 0.5, similarity_boost: 0.75, speed: config.speed },
        ...(endpoints.elevenlabs ? { baseURL: endpoints.elevenlabs } : {}),
      });
    case 'cartesia':
      return new cartesia.TTS({
        apiKey: keys.tts,
        model: config.model,
        voice: config.voiceId,
        speed: config.speed,
        language: config.language.split('-')[0]!,
        ...(endpoints.cartesia ? { baseUrl: endpoints.cartesia } : {}),
      });
    default:
      throw new UnsupportedSpeech(`The voice worker has no ${config.provider} voice.`);
  }
}
