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

import { restoreClientCreator } from '../../functions/data/api-clients';
import { itemsOfType, runAsCommand } from './backfill';

export async function backfillClientCreators(): Promise<{ written: number; gone: number }> {
  const counts = { written: 0, gone: 0 };
  for await (const item of itemsOfType('API_CLIENT', ['clientId', 'createdBy']))
    counts[
      await restoreClientCreator(String(item.clientId), String((item.createdBy as { userId: string }).userId))
    ]++;
  return counts;
}

runAsCommand(
  import.meta.url,
  backfillClientCreators,
  (counts) => `API client lookups: ${counts.written} given their creator, ${counts.gone} deleted meanwhile`,
);
