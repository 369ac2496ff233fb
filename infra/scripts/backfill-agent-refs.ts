/**
 * Platform-operator command, run once after deploying the voice runtime route: gives every agent
 * stored before the `AGENTREF#<agentId>` lookup existed its lookup item (functions/data/keys.ts), so
 * `GET /runtime/agents/{agentId}` finds it instead of answering 404. Agents created since get it in
 * their creating transaction.
 *
 *   TABLE_NAME=acp-prod-table npx tsx infra/scripts/backfill-agent-refs.ts
 *
 * A Scan, on purpose: an agent without its lookup is listed by no index (it is in its org's
 * partition, and naming every org would itself need a Scan), and this runs once, off any request
 * path, filtered to agent items and paged. Idempotent: an existing lookup is left as it is, and a
 * deleted agent (whose lookup deletion removed) gets none.
 */

import { restoreAgentRef } from '../../functions/data/agents';
import { itemsOfType, runAsCommand } from './backfill';

export async function backfillAgentRefs(): Promise<{ written: number; present: number; gone: number }> {
  const counts = { written: 0, present: 0, gone: 0 };
  for await (const item of itemsOfType('AGENT', ['orgId', 'id'], 'deleted'))
    counts[await restoreAgentRef(String(item.orgId), String(item.id))]++;
  return counts;
}

runAsCommand(
  import.meta.url,
  backfillAgentRefs,
  (counts) =>
    `agent lookups: ${counts.written} written, ${counts.present} already there, ${counts.gone} agents deleted meanwhile`,
);
