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
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { restoreAgentRef } from '../../functions/data/agents';
import { ddb, tableName } from '../../functions/data/client';

export async function backfillAgentRefs(): Promise<{ written: number; present: number; gone: number }> {
  const counts = { written: 0, present: 0, gone: 0 };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: '#type = :agent AND #status <> :deleted',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: { ':agent': 'AGENT', ':deleted': 'deleted' },
        ProjectionExpression: 'orgId, id',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) counts[await restoreAgentRef(String(item.orgId), String(item.id))]++;
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  backfillAgentRefs().then(
    ({ written, present, gone }) =>
      process.stdout.write(
        `agent lookups: ${written} written, ${present} already there, ${gone} agents deleted meanwhile\n`,
      ),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
