/**
 * Platform-operator command, run once after deploying normalised task times: rewrites every task
 * stored with a time in another ISO 8601 form than Date.prototype.toISOString's (`…:34Z` rather
 * than `…:34.000Z`) in that form, with its by-status index key, so the by-status lists sort it by
 * time (as strings, `…:34Z` sorted after `…:34.500Z`). Tasks written since are stored normalised.
 *
 *   TABLE_NAME=acp-prod-table npx tsx infra/scripts/backfill-task-times.ts
 *
 * A Scan, on purpose: such tasks are in every org's partition and status index, and naming every org
 * would itself need a Scan; this runs once, off any request path, filtered to task items and paged.
 * Idempotent: a task already in the normal form is left as it is.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../functions/data/client';
import { normalizeTaskTimes } from '../../functions/data/tasks';

export async function backfillTaskTimes(): Promise<{ rewritten: number; normal: number; gone: number }> {
  const counts = { rewritten: 0, normal: 0, gone: 0 };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: '#type = :task',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':task': 'TASK' },
        ProjectionExpression: 'orgId, id',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? [])
      counts[await normalizeTaskTimes(String(item.orgId), String(item.id))]++;
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  backfillTaskTimes().then(
    ({ rewritten, normal, gone }) =>
      process.stdout.write(
        `task times: ${rewritten} tasks rewritten, ${normal} already normal, ${gone} deleted meanwhile\n`,
      ),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
