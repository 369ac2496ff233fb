/** Test calls: a LiveKit participant token for a browser to talk to an agent. */
import { route } from '../route';
import { AgentParams, AgentSession } from '../schemas/agents';

export const createAgentSession = route({
  operationId: 'createAgentSession',
  method: 'POST',
  path: '/orgs/{orgId}/agents/{agentId}/sessions',
  module: 'agent-sessions',
  summary:
    'A 10-minute LiveKit token for a browser test call with the agent (own or shared-in), in a room of its own',
  auth: { kind: 'org', permission: 'agents:call' },
  params: AgentParams,
  response: AgentSession,
  successStatus: 201,
  // 429: the org's or the caller's test calls for this minute are spent (Retry-After).
  errors: [422, 429, 503],
});
