/**
 * Agents: one item per agent in the org partition, holding its configuration and key hints (never
 * a key). The org item counts the agents that are not deleted, and that counter's condition is
 * what keeps concurrent creates within the plan's maxAgents.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { sttProviderNames, ttsProviderNames } from '../api/providers';
import { agentStatuses, agentTypes, LlmSettings } from '../api/schemas/agents';
import type { AuditEntry } from '../api/schemas/audit';
import { type AgentState, agentLimitRefusal } from '../domain/agents';
import { type Refusal, refusals, refuse } from '../domain/refusal';
import { auditPut } from './audit';
import { batchDelete, batchGet } from './batch';
import { ddb, tableName } from './client';
import { keys } from './keys';
import { type Page, queryEveryPage, queryPage } from './page';
import { unassignAgentNumbers } from './phone-numbers';
import { promptUseItems, promptUseRefusal } from './prompts';
import { type TxItem, transact } from './transact';

/**
 * The agent item as stored; `deleted` agents stay (their id is referenced by call records) but are
 * never shown. Its kind is `agentType`: `type` names what every item of the table is.
 */
const AgentItem = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  description: z.nullable(z.string()),
  agentType: z.enum(agentTypes),
  status: z.enum([...agentStatuses, 'deleted']),
  initialMessage: z.nullable(z.string()),
  chatbotEndpoint: z.nullable(z.string()),
  ttsConfig: z.nullable(
    z.object({
      provider: z.enum(ttsProviderNames),
      voiceId: z.string(),
      model: z.string(),
      speed: z.number(),
      language: z.string(),
    }),
  ),
  sttConfig: z.nullable(
    z.object({ provider: z.enum(sttProviderNames), model: z.string(), language: z.string() }),
  ),
  // Agents stored before prompts existed have none.
  prompt: z._default(
    z.nullable(
      z.object({ promptId: z.string(), version: z.union([z.number().check(z.int()), z.literal('latest')]) }),
    ),
    null,
  ),
  // Agents stored before LLMs were configurable answer with the default model.
  llm: z._default(z.nullable(LlmSettings), null),
  keyHints: z.object({
    chatbot: z.optional(z.string()),
    tts: z.optional(z.string()),
    stt: z.optional(z.string()),
    llm: z.optional(z.string()),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().check(z.int()),
});

/** In a target org's partition: another org's agent shared into it. */
const SharedAgentItem = z.object({
  type: z.literal('AGENT_SHARED'),
  agentId: z.string(),
  ownerOrgId: z.string(),
});

/** The one place a stored agent becomes what the rules work with; a deleted one is absent. */
function stateOf(item: Record<string, unknown>): AgentState | undefined {
  const { status, agentType, ...agent } = AgentItem.parse(item);
  return status === 'deleted' ? undefined : { ...agent, type: agentType, status };
}

function agentPut(agent: AgentState, condition: string, values: Record<string, unknown> = {}): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...AgentItem.parse({ ...agent, agentType: agent.type }),
        ...keys.agent(agent.orgId, agent.id),
        type: 'AGENT',
      },
      ConditionExpression: condition,
      ...(condition.includes('#status') ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
    },
  };
}

function agentCounter(orgId: string, delta: 1 | -1, maxAgents?: number): TxItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.org(orgId),
      UpdateExpression: 'SET agentCount = if_not_exists(agentCount, :zero) + :delta',
      ConditionExpression:
        delta > 0
          ? 'attribute_exists(pk) AND (attribute_not_exists(agentCount) OR agentCount < :max)'
          : 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':zero': 0, ':delta': delta, ...(delta > 0 ? { ':max': maxAgents } : {}) },
    },
  };
}

async function storedAgent(orgId: string, agentId: string) {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.agent(orgId, agentId) }),
  );
  return Item;
}

/** The org's agent, or another org's agent shared into it (marked `sharedFrom`). */
export async function getAgent(orgId: string, agentId: string): Promise<AgentState | undefined> {
  const item = await storedAgent(orgId, agentId);
  if (!item) return undefined;
  if (item.type !== 'AGENT_SHARED') return stateOf(item);
  const ref = SharedAgentItem.parse(item);
  const owned = await agentWithOwnerStatus(ref.ownerOrgId, ref.agentId);
  return owned && { ...owned, sharedFrom: ref.ownerOrgId };
}

/**
 * The org's agent with whether the org is suspended (`ownerSuspended`), in one BatchGetItem: the
 * reads made from outside the owning org (a shared-in agent, the runtime) learn of a suspension in
 * the round trip they make anyway.
 */
async function agentWithOwnerStatus(orgId: string, agentId: string): Promise<AgentState | undefined> {
  const agentKey = keys.agent(orgId, agentId);
  const items = await batchGet([agentKey, keys.org(orgId)]);
  const agent = items.find((item) => item.sk === agentKey.sk);
  const org = items.find((item) => item.sk !== agentKey.sk);
  const state = agent?.type === 'AGENT' ? stateOf(agent) : undefined;
  return state && { ...state, ownerSuspended: org?.status === 'suspended' };
}

/**
 * An agent by its id alone, for the voice runtime: the platform-wide `AGENTREF#<agentId>` names its
 * owning org (written with the agent, deleted with it and with the org), then the agent item and
 * the org's status.
 */
export async function findAgentById(agentId: string): Promise<AgentState | undefined> {
  const { Item: ref } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.agentRef(agentId) }),
  );
  if (!ref) return undefined;
  return agentWithOwnerStatus(String(ref.orgId), agentId);
}

/** The agent's platform-wide lookup by id (`AGENTREF#<agentId>` → its org). */
function agentRefPut(agent: { orgId: string; id: string }, condition?: string): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.agentRef(agent.id), type: 'AGENT_REF', orgId: agent.orgId, agentId: agent.id },
      ...(condition ? { ConditionExpression: condition } : {}),
    },
  };
}

/**
 * Gives an agent stored before the lookup existed its `AGENTREF#` item (infra/scripts/backfill-agent-refs.ts):
 * written only while the agent is still there and not deleted (deleting it removes the lookup), and
 * never over an existing one, so running it again changes nothing.
 */
export async function restoreAgentRef(
  orgId: string,
  agentId: string,
): Promise<'written' | 'present' | 'gone'> {
  const outcome = await transact([
    agentRefPut({ orgId, id: agentId }, 'attribute_not_exists(pk)'),
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.agent(orgId, agentId),
        ConditionExpression: '#type = :agent AND #status <> :deleted',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: { ':agent': 'AGENT', ':deleted': 'deleted' },
      },
    },
  ]);
  if (outcome.ok) return 'written';
  return outcome.failed.includes(0) ? 'present' : 'gone';
}

/** The agent, its lookup by id, its place under the plan's limit and the audit entry, all or nothing. */
export async function createAgent(agent: AgentState, maxAgents: number, audit: AuditEntry): Promise<void> {
  const promptUse = promptUseItems(agent.orgId, agent.id, null, agent.prompt);
  const outcome = await transact([
    agentPut(agent, 'attribute_not_exists(pk)'),
    agentCounter(agent.orgId, 1, maxAgents),
    auditPut(audit),
    ...promptUse,
    agentRefPut(agent),
  ]);
  if (outcome.ok) return;
  if (promptUse.length > 0 && outcome.failed.includes(3)) throw promptUseRefusal(outcome.old[3]);
  throw outcome.failed.includes(1)
    ? agentLimitRefusal(maxAgents)
    : new Error(`agent id ${agent.id} collided`);
}

/**
 * Replaces the agent if it is still the version that was read (and not deleted meanwhile); when
 * its prompt changed from `promptBefore`, it joins the new prompt and leaves the old one.
 */
export async function saveAgent(
  agent: AgentState,
  expectedVersion: number,
  audit: AuditEntry,
  ifChanged: () => Refusal,
  promptBefore: AgentState['prompt'],
): Promise<void> {
  const promptChanged = JSON.stringify(promptBefore) !== JSON.stringify(agent.prompt);
  const promptUse = promptChanged ? promptUseItems(agent.orgId, agent.id, promptBefore, agent.prompt) : [];
  const outcome = await transact([
    agentPut(agent, 'version = :expected AND #status <> :deleted', {
      ':expected': expectedVersion,
      ':deleted': 'deleted',
    }),
    auditPut(audit),
    ...promptUse,
  ]);
  if (outcome.ok) return;
  if (agent.prompt && promptUse.length > 0 && outcome.failed.includes(2))
    throw promptUseRefusal(outcome.old[2]);
  throw ifChanged();
}

/** Marks the agent deleted, frees its place under the limit, then unassigns its phone numbers. */
export async function deleteAgent(
  agent: AgentState,
  audit: AuditEntry,
  ifChanged: () => Refusal,
): Promise<void> {
  const outcome = await transact([
    {
      Update: {
        TableName: tableName(),
        Key: keys.agent(agent.orgId, agent.id),
        UpdateExpression: 'SET #status = :deleted, updatedAt = :at, version = version + :one',
        ConditionExpression: 'version = :expected AND #status <> :deleted',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':deleted': 'deleted',
          ':at': audit.at,
          ':one': 1,
          ':expected': agent.version,
        },
      },
    },
    agentCounter(agent.orgId, -1),
    auditPut(audit),
    ...promptUseItems(agent.orgId, agent.id, agent.prompt, null),
    { Delete: { TableName: tableName(), Key: keys.agentRef(agent.id) } },
  ]);
  if (!outcome.ok) throw ifChanged();
  await unassignAgentNumbers(agent.orgId, agent.id, audit);
}

export async function listAgents(
  orgId: string,
  options: {
    status?: string | undefined;
    type?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<Page<AgentState>> {
  const conditions = ['#status <> :deleted'];
  const values: Record<string, unknown> = { ':deleted': 'deleted', ':shared': 'AGENT_SHARED' };
  if (options.status) {
    conditions.push('#status = :status');
    values[':status'] = options.status;
  }
  if (options.type) {
    conditions.push('agentType = :type');
    values[':type'] = options.type;
  }
  const page = await queryPage({
    partition: keys.org(orgId).pk,
    sortPrefix: keys.agentPrefix,
    limit: options.limit,
    cursor: options.cursor,
    // Shared-in agents carry no status or type of their own: they are read from their owner below.
    filter: {
      expression: `#type = :shared OR (${conditions.join(' AND ')})`,
      names: { '#status': 'status', '#type': 'type' },
      values,
    },
  });
  const refs = page.items
    .filter((item) => item.type === 'AGENT_SHARED')
    .map((item) => SharedAgentItem.parse(item));
  const owners = new Map(
    (await batchGet(refs.map((r) => keys.agent(r.ownerOrgId, r.agentId)))).flatMap((item) => {
      const state = stateOf(item);
      return state ? [[state.id, state] as const] : [];
    }),
  );
  const matches = (a: AgentState) =>
    (!options.status || a.status === options.status) && (!options.type || a.type === options.type);
  const items = page.items.flatMap((item): AgentState[] => {
    if (item.type !== 'AGENT_SHARED') {
      const own = stateOf(item);
      return own ? [own] : [];
    }
    const ref = SharedAgentItem.parse(item);
    const owned = owners.get(ref.agentId);
    return owned && matches(owned) ? [{ ...owned, sharedFrom: ref.ownerOrgId }] : [];
  });
  return { ...page, items };
}

/**
 * Shares the agent into another org: both sides of the share, the target still existing, the agent
 * not deleted, and an audit entry in each org's log (`audits`: the owner's and the target's).
 */
export async function shareAgent(
  agent: AgentState,
  targetOrgId: string,
  at: string,
  audits: readonly [AuditEntry, AuditEntry],
): Promise<void> {
  const outcome = await transact([
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.agentShare(agent.orgId, agent.id, targetOrgId),
          type: 'AGENT_SHARE',
          agentId: agent.id,
          targetOrgId,
          sharedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.sharedAgent(targetOrgId, agent.id),
          type: 'AGENT_SHARED',
          agentId: agent.id,
          ownerOrgId: agent.orgId,
          sharedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.org(targetOrgId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.agent(agent.orgId, agent.id),
        ConditionExpression: '#status <> :deleted',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deleted': 'deleted' },
      },
    },
    ...audits.map(auditPut),
  ]);
  if (outcome.ok) return;
  if (outcome.failed.includes(0))
    throw refuse('conflict', 'The agent is already shared with that organization.', 'targetOrgId');
  throw outcome.failed.includes(2)
    ? refuse('not_found', 'No such organization for you.', 'targetOrgId')
    : refusals.changedMeanwhile('agent');
}

/** Ends a share: both sides, with an audit entry in each org's log (the owner's and the target's). */
export async function unshareAgent(
  ownerOrgId: string,
  agentId: string,
  targetOrgId: string,
  audits: readonly [AuditEntry, AuditEntry],
) {
  const outcome = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.agentShare(ownerOrgId, agentId, targetOrgId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    { Delete: { TableName: tableName(), Key: keys.sharedAgent(targetOrgId, agentId) } },
    ...audits.map(auditPut),
  ]);
  if (!outcome.ok) throw refusals.notFound();
}

const AgentShareItem = z.object({ agentId: z.string(), targetOrgId: z.string(), sharedAt: z.string() });

/** The orgs an agent is shared into, with when (one Query of the owner's share items). */
export async function sharesOf(ownerOrgId: string, agentId: string) {
  const shares: z.infer<typeof AgentShareItem>[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.org(ownerOrgId).pk,
        ':prefix': keys.agentSharesPrefix(agentId),
      },
    },
    (page) => shares.push(...(page.Items ?? []).map((item) => AgentShareItem.parse(item))),
  );
  return shares;
}

/** Both sides of every share of a deleted agent. */
export async function removeShares(ownerOrgId: string, agentId: string): Promise<void> {
  const shares = await sharesOf(ownerOrgId, agentId);
  await batchDelete(
    shares.flatMap((s) => [
      keys.agentShare(ownerOrgId, agentId, s.targetOrgId),
      keys.sharedAgent(s.targetOrgId, agentId),
    ]),
  );
}
