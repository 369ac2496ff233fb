/** Voice turns over the API: talking to an agent without a LiveKit room (README "Voice turns"). */
import { route } from '../route';
import { ConversationParams } from '../schemas/conversations';
import { utteranceLimits, utteranceMediaTypes, VoiceTurn } from '../schemas/voice';

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
