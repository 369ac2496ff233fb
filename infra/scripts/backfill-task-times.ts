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

import { normalizeTaskTimes } from '../../functions/data/tasks';
import { itemsOfType, runAsCommand } from './backfill';

export async function backfillTaskTimes(): Promise<{ rewritten: number; normal: number; gone: number }> {
  const counts = { rewritten: 0, normal: 0, gone: 0 };
  for await (const item of itemsOfType('TASK', ['orgId', 'id']))
    counts[await normalizeTaskTimes(String(item.orgId), String(item.id))]++;
  return counts;
}

runAsCommand(
  import.meta.url,
  backfillTaskTimes,
  (counts) =>
    `task times: ${counts.rewritten} tasks rewritten, ${counts.normal} already normal, ${counts.gone} deleted meanwhile`,
);
