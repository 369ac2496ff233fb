import { createTestCallSession } from '../adapters/livekit';
import { createAgentSession } from '../api/routes/agent-sessions';
import { actorIdOf } from '../api/schemas/audit';
import * as agents from '../data/agents';
import { countCall } from '../data/rate-limits';
import { callRefusal, sharedUseRefusal } from '../domain/agents';
import { perMinute } from '../domain/rate-limits';
import { enforce } from '../domain/refusal';
import { config } from '../lib/config';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

export const handler = httpHandler([
  // Own and shared-in agents alike: calling one changes nothing of it. The room and the dispatch
  // name the org the call is made from, so its records land there.
  implement(createAgentSession, async ({ params, caller, actor, now }) => {
    const agent = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(sharedUseRefusal(agent));
    enforce(callRefusal(agent));
    // Counted before LiveKit is asked for anything: a refused call costs nothing and signs nothing.
    const { perOrg, perCaller } = config().callLimits.testCalls;
    await countCall(
      params.orgId,
      actorIdOf(actor),
      perMinute('test-call', 'test calls', perOrg, perCaller),
      now,
    );
    const session = await createTestCallSession({
      orgId: params.orgId,
      agentId: agent.id,
      identity: caller.profile.id,
      name: caller.profile.name ?? caller.profile.email,
    });
    return { body: { ...session, expiresAt: session.expiresAt.toISOString() } };
  }),
]);
