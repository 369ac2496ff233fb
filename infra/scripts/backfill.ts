/**
 * What the one-off backfill scripts share: the Scan over one item type (the only Scans in the
 * project, off any request path, paged; README "Single table") and the command-line wrapper.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../functions/data/client';

/** Every item of `type` (except those with `exceptStatus`), with the named attributes only. */
export async function* itemsOfType(
  type: string,
  attributes: readonly string[],
  exceptStatus?: string,
): AsyncGenerator<Record<string, unknown>> {
  // Every attribute by a placeholder: several (name, status, type) are DynamoDB reserved words.
  const projected = Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name]));
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: exceptStatus ? '#type = :type AND #status <> :status' : '#type = :type',
        ExpressionAttributeNames: {
          ...projected,
          '#type': 'type',
          ...(exceptStatus ? { '#status': 'status' } : {}),
        },
        ExpressionAttributeValues: { ':type': type, ...(exceptStatus ? { ':status': exceptStatus } : {}) },
        ProjectionExpression: Object.keys(projected).join(', '),
        ExclusiveStartKey: start,
      }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Runs a backfill when its module is the command (`npx tsx infra/scripts/…`), printing its counts. */
export function runAsCommand<T>(
  moduleUrl: string,
  backfill: () => Promise<T>,
  report: (counts: T) => string,
) {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  backfill().then(
    (counts) => process.stdout.write(`${report(counts)}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
