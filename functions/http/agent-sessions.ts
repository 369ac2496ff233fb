import { createTestCallSession } from '../adapters/livekit';
import { createAgentSession } from '../api/routes/agent-sessions';
import * as agents from '../data/agents';
import { callRefusal, sharedUseRefusal } from '../domain/agents';
import { enforce } from '../domain/refusal';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

export const handler = httpHandler([
  // Own and shared-in agents alike: calling one changes nothing of it. The room and the dispatch
  // name the org the call is made from, so its records land there.
  implement(createAgentSession, async ({ params, caller }) => {
    const agent = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(sharedUseRefusal(agent));
    enforce(callRefusal(agent));
    const session = await createTestCallSession({
      orgId: params.orgId,
      agentId: agent.id,
      identity: caller.profile.id,
      name: caller.profile.name ?? caller.profile.email,
    });
    return { body: { ...session, expiresAt: session.expiresAt.toISOString() } };
  }),
]);
