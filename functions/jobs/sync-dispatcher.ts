/**
 * EventBridge Scheduler target: finds the connections due for a sync with one Query per shard of
 * the sync-due index (never a Scan), moves their due time forward, and sends them to the queue.
 */
import { syncQueue } from '../adapters/queue';
import { claimDue } from '../data/calendar-connections';
import { config } from '../lib/config';
import { logger } from '../lib/logger';

/** Claims run in parallel within one Query's page; shards go one after another to bound that. */
const perQuery = 100;
/** Bounds one run; whatever is left stays due for the next run. */
const maxQueriesPerShard = 20;

export async function handler(): Promise<{ enqueued: number }> {
  logger.setContext({ job: 'calendar-sync-dispatcher' });
  const { shards, intervalMinutes } = config().sync;
  const now = new Date();
  const nextSyncAt = new Date(now.getTime() + intervalMinutes * 60_000);
  let enqueued = 0;
  for (let shard = 0; shard < shards; shard++) {
    for (let i = 0; i < maxQueriesPerShard; i++) {
      const due = await claimDue(shard, now, nextSyncAt, perQuery, shards);
      await syncQueue().send(due.map((c) => ({ kind: 'sync' as const, ...c })));
      enqueued += due.length;
      if (due.length < perQuery) break;
    }
  }
  logger.info('calendar syncs dispatched', { enqueued });
  return { enqueued };
}
