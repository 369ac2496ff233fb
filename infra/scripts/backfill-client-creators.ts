/**
 * Platform-operator command, run once after deploying creator-bound API clients: copies each org
 * API client's creator onto its `APICLIENT#<clientId>` lookup (functions/data/keys.ts), which the
 * pipeline now reads to cap the client at its creator's current role. Until it has run, a client
 * created before that release is refused (401), never given more than its creator has.
 *
 *   TABLE_NAME=acp-prod-table npx tsx infra/scripts/backfill-client-creators.ts
 *
 * A Scan, on purpose, as in backfill-agent-refs.ts: lookups are listed by no index, and this runs
 * once, off any request path, filtered to the clients' org items and paged. Idempotent; a client
 * deleted meanwhile stays deleted.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { restoreClientCreator } from '../../functions/data/api-clients';
import { ddb, tableName } from '../../functions/data/client';

export async function backfillClientCreators(): Promise<{ written: number; gone: number }> {
  const counts = { written: 0, gone: 0 };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: '#type = :client',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':client': 'API_CLIENT' },
        ProjectionExpression: 'clientId, createdBy',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      counts[await restoreClientCreator(String(item.clientId), String(item.createdBy.userId))]++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  backfillClientCreators().then(
    ({ written, gone }) =>
      process.stdout.write(`API client lookups: ${written} given their creator, ${gone} deleted meanwhile\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
