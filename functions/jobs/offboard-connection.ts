/**
 * Offboarding a person's calendar in an org after their membership (or the org) ended: the Google
 * grant is revoked and the tokens, synced events and connection are deleted, so no sync runs for
 * them again. The members and orgs Lambdas only queue the request; this runs in the sync worker,
 * which already holds the Google client and the secret-store permissions.
 */
import { randomUUID } from 'node:crypto';
import { GoogleError } from '../adapters/google-calendar';
import { acquireLease, getConnection, releaseLease } from '../data/calendar-connections';
import { logger } from '../lib/logger';
import { forgetCalendar } from './forget-calendar';

/** Long enough for a revoke and the deletes; a sync that finds the lease taken skips its run. */
const leaseSeconds = 60;

export type OffboardResult =
  | { outcome: 'offboarded' }
  | { outcome: 'skipped'; reason: 'reconnected' }
  | { outcome: 'failed'; retry: true };

export async function offboardConnection(
  orgId: string,
  userId: string,
  requestedAt: Date,
  now = new Date(),
): Promise<OffboardResult> {
  const owner = randomUUID();
  const leased = await acquireLease(orgId, userId, owner, now, leaseSeconds, { forSync: false });
  const connection = leased ?? (await getConnection(orgId, userId));
  // Made after the request: the person rejoined and connected again; that calendar is theirs to keep.
  if (connection && Date.parse(connection.connectedAt) > requestedAt.getTime()) {
    if (leased) await releaseLease(leased, owner);
    return { outcome: 'skipped', reason: 'reconnected' };
  }
  // A running sync holds the lease; deleting under it would let it write events back.
  if (connection && !leased) return { outcome: 'failed', retry: true };
  try {
    await forgetCalendar(orgId, userId);
  } catch (error) {
    if (leased) await releaseLease(leased, owner);
    if (!(error instanceof GoogleError)) throw error;
    logger.warn('calendar offboarding failed at Google', { orgId, userId, reason: error.reason, error });
    return { outcome: 'failed', retry: true };
  }
  logger.info('calendar offboarded', { orgId, userId });
  return { outcome: 'offboarded' };
}
