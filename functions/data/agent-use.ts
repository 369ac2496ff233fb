/**
 * The condition an org's write checks when it names an agent (a task's agent, the agents a
 * knowledge entry is limited to): the org's own agent, not deleted, or one shared into the org.
 * Here once, so every write that names an agent refuses the same ones; a small module of its own
 * so naming an agent does not pull the agents store into other bundles.
 */
import { tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

export function usableAgentCheck(orgId: string, agentId: string): TxItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.agent(orgId, agentId),
      ConditionExpression: '(#type = :agent AND #status <> :deleted) OR #type = :shared',
      ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
      ExpressionAttributeValues: { ':agent': 'AGENT', ':deleted': 'deleted', ':shared': 'AGENT_SHARED' },
    },
  };
}
