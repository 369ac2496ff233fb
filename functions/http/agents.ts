import { readAgentKeys, scheduleAgentKeysDeletion, writeAgentKeys } from '../adapters/agent-keys';
import { SecretVersionTaken } from '../adapters/secrets';
import { sttProviders, ttsProviders } from '../api/providers';
import {
  configureAgent,
  createAgent,
  deleteAgent,
  getAgent,
  listAgentProviders,
  listAgentShares,
  listAgents,
  shareAgent,
  unshareAgent,
  updateAgent,
} from '../api/routes/agents';
import * as agents from '../data/agents';
import { batchGetOrgs, getMembership } from '../data/memberships';
import * as orgs from '../data/orgs';
import {
  type AgentKeys,
  type AgentState,
  agentView,
  applyAgentConfig,
  applyAgentUpdate,
  applyKeyChanges,
  endpointRefusal,
  hintsOf,
  type KeyChanges,
  type KeyHints,
  keyChangesOf,
  keyMoveRefusal,
  llmEndpointRefusal,
  llmKeyChange,
  newAgent,
  ownerOnlyRefusal,
  shareRefusal,
  workerPluginRefusal,
} from '../domain/agents';
import { enforce } from '../domain/refusal';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { type HandlerRequest, httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found, lostRace } from './pipeline/refusals';

const agentTarget = (agent: AgentState) => ({ type: 'agent', id: agent.id, name: agent.name });

/**
 * Saves a change to an agent with its audit entry. Changed keys go to the agent's secret first; if
 * saving is refused, the previous keys are put back, so the secret never holds keys of a change
 * that did not happen. `change` builds the new agent from the key hints it will show.
 */
async function saveChange(
  current: AgentState,
  changes: KeyChanges,
  change: (keyHints: KeyHints) => AgentState,
  {
    action,
    audit,
    ifMatch,
  }: { action: string; audit: HandlerRequest<typeof updateAgent>['audit']; ifMatch: number | undefined },
): Promise<AgentState> {
  const asked = keyChangesOf(changes);
  const keysChange = Object.keys(asked).length > 0;
  const before = keysChange ? await readAgentKeys(current.orgId, current.id) : {};
  const after = applyKeyChanges(before, asked);
  const updated = change(keysChange ? hintsOf(after) : current.keyHints);
  const lost = lostRace(ifMatch, 'agent');
  if (keysChange) {
    // Claimed for the version this change makes: a concurrent change from the same version loses
    // here, before it can overwrite the winner's keys (and later "restore" the ones it read).
    await writeAgentKeys(current.orgId, current.id, after, updated.version).catch((error: unknown) => {
      throw error instanceof SecretVersionTaken ? lost() : error;
    });
  }
  try {
    await agents.saveAgent(
      updated,
      current.version,
      audit({ action, target: agentTarget(updated), before: agentView(current), after: agentView(updated) }),
      lost,
      current.prompt,
    );
  } catch (error) {
    if (keysChange) await writeAgentKeys(current.orgId, current.id, before);
    throw error;
  }
  return updated;
}

export const handler = httpHandler([
  implement(listAgentProviders, async () => ({
    body: {
      tts: Object.entries(ttsProviders).map(([id, p]) => ({
        id,
        label: p.label,
        models: [...p.models],
        voices: [...p.voices],
      })),
      stt: Object.entries(sttProviders).map(([id, p]) => ({ id, label: p.label, models: [...p.models] })),
    },
  })),

  implement(createAgent, async ({ params, body, audit, now }) => {
    enforce(endpointRefusal(body.chatbotEndpoint, config().agentEndpointsAllowPrivate));
    enforce(llmEndpointRefusal(body.llm, config().agentEndpointsAllowPrivate));
    const org = found(await orgs.getOrg(params.orgId));
    const llmKey = llmKeyChange(body.llm);
    const keys: AgentKeys = {
      ...(body.chatbotKey ? { chatbot: body.chatbotKey } : {}),
      ...(llmKey ? { llm: llmKey } : {}),
    };
    const agent = newAgent(params.orgId, body, hintsOf(keys), now);
    const hasKeys = Object.keys(keys).length > 0;
    if (hasKeys) await writeAgentKeys(agent.orgId, agent.id, keys);
    try {
      await agents.createAgent(
        agent,
        org.limits.maxAgents,
        audit({ action: 'agent.created', target: agentTarget(agent), after: agentView(agent) }),
      );
    } catch (error) {
      if (hasKeys) await writeAgentKeys(agent.orgId, agent.id, {});
      throw error;
    }
    return { body: agentView(agent) };
  }),

  implement(listAgents, async ({ params, query }) => {
    const page = await agents.listAgents(params.orgId, query);
    return { body: { ...page, items: page.items.map(agentView) } };
  }),

  implement(getAgent, async ({ params }) => ({
    body: agentView(found(await agents.getAgent(params.orgId, params.agentId))),
  })),

  implement(updateAgent, async ({ params, body, ifMatch, audit, now }) => {
    const current = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(ownerOnlyRefusal(current));
    checkIfMatch(ifMatch, current);
    enforce(endpointRefusal(body.chatbotEndpoint, config().agentEndpointsAllowPrivate));
    enforce(llmEndpointRefusal(body.llm, config().agentEndpointsAllowPrivate));
    enforce(keyMoveRefusal(current, body));
    enforce(workerPluginRefusal(body.type ?? current.type, current));
    const updated = await saveChange(
      current,
      { chatbot: body.chatbotKey, llm: llmKeyChange(body.llm) },
      (keyHints) => applyAgentUpdate(current, body, keyHints, now),
      { action: 'agent.updated', audit, ifMatch },
    );
    return { body: agentView(updated) };
  }),

  implement(configureAgent, async ({ params, body, ifMatch, audit, now }) => {
    const current = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(ownerOnlyRefusal(current));
    checkIfMatch(ifMatch, current);
    enforce(workerPluginRefusal(current.type, body));
    const configured = await saveChange(
      current,
      { tts: body.ttsConfig.apiKey, stt: body.sttConfig.apiKey },
      (keyHints) => applyAgentConfig(current, body, keyHints, now),
      { action: 'agent.configured', audit, ifMatch },
    );
    return { body: agentView(configured) };
  }),

  implement(deleteAgent, async ({ params, ifMatch, audit }) => {
    const current = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(ownerOnlyRefusal(current));
    checkIfMatch(ifMatch, current);
    await agents.deleteAgent(
      current,
      audit({ action: 'agent.deleted', target: agentTarget(current), before: agentView(current) }),
      lostRace(ifMatch, 'agent'),
    );
    await agents.removeShares(current.orgId, current.id);
    try {
      await scheduleAgentKeysDeletion(current.orgId, current.id);
    } catch (error) {
      // The agent is gone either way; its secret's name is derivable, so it can be removed later.
      logger.warn('agent keys not scheduled for deletion', {
        orgId: current.orgId,
        agentId: current.id,
        error,
      });
    }
    return {};
  }),

  implement(shareAgent, async ({ params, body, caller, audit, now }) => {
    const agent = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(ownerOnlyRefusal(agent));
    const inTarget = await getMembership(body.targetOrgId, caller.profile.id);
    enforce(shareRefusal(params.orgId, body.targetOrgId, inTarget?.role));
    const at = now.toISOString();
    // Recorded in the target's log too: its admins see what came in, and from where.
    await agents.shareAgent(agent, body.targetOrgId, at, [
      audit({ action: 'agent.shared', target: agentTarget(agent), after: { targetOrgId: body.targetOrgId } }),
      audit({
        orgId: body.targetOrgId,
        action: 'agent.shared_in',
        target: agentTarget(agent),
        after: { ownerOrgId: agent.orgId },
      }),
    ]);
    const target = (await batchGetOrgs([body.targetOrgId])).get(body.targetOrgId);
    return {
      body: {
        orgId: body.targetOrgId,
        name: target?.displayName ?? target?.name ?? body.targetOrgId,
        sharedAt: at,
      },
    };
  }),

  implement(listAgentShares, async ({ params }) => {
    const agent = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(ownerOnlyRefusal(agent));
    const shares = await agents.sharesOf(params.orgId, params.agentId);
    const names = await batchGetOrgs(shares.map((s) => s.targetOrgId));
    return {
      body: {
        items: shares.flatMap((s) => {
          const org = names.get(s.targetOrgId);
          return org
            ? [{ orgId: s.targetOrgId, name: org.displayName ?? org.name, sharedAt: s.sharedAt }]
            : [];
        }),
      },
    };
  }),

  implement(unshareAgent, async ({ params, audit }) => {
    const target = { type: 'agent', id: params.agentId };
    await agents.unshareAgent(params.orgId, params.agentId, params.targetOrgId, [
      audit({ action: 'agent.unshared', target, before: { targetOrgId: params.targetOrgId } }),
      audit({
        orgId: params.targetOrgId,
        action: 'agent.unshared_in',
        target,
        before: { ownerOrgId: params.orgId },
      }),
    ]);
    return {};
  }),
]);
