/**
 * Ending people's calendar access is queued to the sync worker, which revokes their Google grants
 * and deletes their calendar data; the tenancy Lambdas stay free of Google and Secrets Manager.
 * Should a send fail, the worker still refuses to sync a former member and cleans up at the next
 * scheduled sync.
 */
import { syncQueue } from './queue';

export async function offboardCalendars(orgId: string, userIds: readonly string[], now: Date): Promise<void> {
  const requestedAt = now.toISOString();
  await syncQueue().send(
    userIds.map((userId) => ({ kind: 'offboard' as const, orgId, userId, requestedAt })),
  );
}
