/**
 * The conditions an org's write checks when it names an agent, here once so every write refuses
 * the same ones; a small module of its own so naming an agent does not pull the agents store into
 * other bundles. A task or a knowledge entry may name the org's own agent (not deleted) or one
 * shared into the org; a phone number only the org's own, since its calls run on the agent's keys.
 */
import { tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

const ownAgent = {
  condition: '#type = :agent AND #status <> :deleted',
  names: { '#type': 'type', '#status': 'status' },
  values: { ':agent': 'AGENT', ':deleted': 'deleted' },
};

/** True for an agent item (read with at least type and status) the org owns and has not deleted. */
export const isOwnAgent = (item: Record<string, unknown> | undefined) =>
  item?.type === 'AGENT' && item.status !== 'deleted';

export function ownAgentCheck(orgId: string, agentId: string): TxItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.agent(orgId, agentId),
      ConditionExpression: ownAgent.condition,
      ExpressionAttributeNames: ownAgent.names,
      ExpressionAttributeValues: ownAgent.values,
    },
  };
}

export function usableAgentCheck(orgId: string, agentId: string): TxItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.agent(orgId, agentId),
      ConditionExpression: `(${ownAgent.condition}) OR #type = :shared`,
      ExpressionAttributeNames: ownAgent.names,
      ExpressionAttributeValues: { ...ownAgent.values, ':shared': 'AGENT_SHARED' },
    },
  };
}
