/**
 * Voice turns over the API: talking to an agent without a LiveKit room (README "Voice turns"),
 * and a sample of an agent's voice.
 */
import { route } from '../route';
import { AgentParams } from '../schemas/agents';
import { ConversationParams } from '../schemas/conversations';
import {
  previewTextLimit,
  utteranceLimits,
  utteranceMediaTypes,
  VoicePreview,
  VoicePreviewBody,
  VoiceTurn,
} from '../schemas/voice';

export const sendVoiceTurn = route({
  operationId: 'sendVoiceTurn',
  method: 'POST',
  path: '/orgs/{orgId}/agents/{agentId}/conversations/{conversationId}/voice',
  module: 'voice',
  summary: `Say something to the agent: one recorded utterance (the raw body, audio/webm from a browser or audio/wav; at most ${utteranceLimits.seconds} s and 1 MB) is transcribed by the agent's transcriber (Deepgram), answered like a typed message (prompt, knowledge, budget, citations; both turns stored marked via voice) and the reply spoken by the agent's voice (OpenAI). 422 when nothing was heard or the agent's speech settings are missing; 502 naming the provider that failed (the question kept when it was heard)`,
  auth: { kind: 'org', permission: 'conversations:chat' },
  params: ConversationParams,
  rawBody: { mediaTypes: utteranceMediaTypes },
  maxBodyBytes: utteranceLimits.bytes,
  response: VoiceTurn,
  successStatus: 201,
  errors: [413, 415, 422, 429, 502],
});

export const previewAgentVoice = route({
  operationId: 'previewAgentVoice',
  method: 'POST',
  path: '/orgs/{orgId}/agents/{agentId}/voice-preview',
  module: 'voice',
  summary: `A short sample (at most ${previewTextLimit} characters; a greeting in the voice's language by default) spoken by the agent's text-to-speech provider with its saved key, in the voice, model, language and speed given or else saved, so a draft can be heard before it is saved. 422 when the agent has no voice or key, or a provider previews do not speak; 502 naming the provider when it fails`,
  // It spends the agent's provider account like a test call does, so read-only viewers do not.
  auth: { kind: 'org', permission: 'agents:call' },
  params: AgentParams,
  body: VoicePreviewBody,
  response: VoicePreview,
  successStatus: 200,
  errors: [422, 429, 502],
});
