/**
 * The voice runtime's read of an agent: the one route that returns provider keys in clear, and
 * only to the platform's runtime client (README "Machine callers"). The body is never logged.
 */
import { readAgentKeys } from '../adapters/agent-keys';
import { getRuntimeAgent } from '../api/routes/api-clients';
import { findAgentById } from '../data/agents';
import { agentView, runtimeRefusal } from '../domain/agents';
import { enforce } from '../domain/refusal';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

export const handler = httpHandler([
  implement(getRuntimeAgent, async ({ params }) => {
    const agent = found(await findAgentById(params.agentId));
    enforce(runtimeRefusal(agent));
    const keys = await readAgentKeys(agent.orgId, agent.id);
    return {
      body: {
        agent: agentView(agent),
        keys: { chatbot: keys.chatbot ?? null, tts: keys.tts ?? null, stt: keys.stt ?? null },
      },
    };
  }),
]);
