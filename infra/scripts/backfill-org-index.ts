/**
 * Platform-operator command, run once after deploying platform administration: gives every org
 * stored before then its search keys (name on gsi1, domain on gsi2; functions/data/keys.ts), so the
 * admin console's org search finds it. New and changed orgs get them on every write already.
 *
 *   TABLE_NAME=acp-prod-table npx tsx infra/scripts/backfill-org-index.ts
 *
 * A Scan, on purpose (the backfills are the only ones in the code base; ./backfill.ts): the org items have no index to list them by until this
 * has run (that index is what it writes), and it runs once, off any request path, filtered to org
 * items and paged. Idempotent: running it again rewrites the same keys.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../functions/data/client';
import { keys } from '../../functions/data/keys';
import { searchName } from '../../functions/domain/orgs';
import { itemsOfType, runAsCommand } from './backfill';

export async function backfillOrgIndex(): Promise<number> {
  let updated = 0;
  for await (const item of itemsOfType('ORG', ['pk', 'sk', 'id', 'name', 'domain'])) {
    const search = keys.orgSearchIndexes({
      id: String(item.id),
      searchName: searchName(String(item.name)),
      domain: typeof item.domain === 'string' ? item.domain : null,
    });
    const names = Object.keys(search);
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: `SET ${names.map((n) => `${n} = :${n}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: Object.fromEntries(
          names.map((n) => [`:${n}`, (search as Record<string, unknown>)[n]]),
        ),
      }),
    );
    updated++;
  }
  return updated;
}

runAsCommand(import.meta.url, backfillOrgIndex, (n) => `search keys written on ${n} organizations`);
