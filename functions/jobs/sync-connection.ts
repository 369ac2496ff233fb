/**
 * One sync of one connection, under its lease: incremental with the stored syncToken, or full
 * (window from 30 days back to 180 ahead) on first run and after Google answers 410. Every page
 * is written before the next is read, and the new syncToken is stored only after the last page,
 * so a crash anywhere resumes from the previous token and rewrites idempotently.
 */
import { randomUUID } from 'node:crypto';
import { sessionFor } from '../adapters/calendar-tokens';
import {
  type GoogleCalendar,
  GoogleError,
  type GoogleSession,
  googleCalendar,
} from '../adapters/google-calendar';
import { acquireLease, type CalendarConnection, completeSync, failSync } from '../data/calendar-connections';
import { allRefs, applyPlan, refsFor } from '../data/calendar-events';
import { getMembershipWithOrgStatus } from '../data/memberships';
import {
  failureOutcome,
  fullSyncWindow,
  leftovers,
  type PagePlan,
  planPage,
  type StoredRef,
} from '../domain/calendar-sync';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { offboardConnection } from './offboard-connection';

export type SyncResult =
  | { outcome: 'synced'; mode: 'full' | 'incremental'; pages: number; writes: number; eventCount: number }
  | { outcome: 'skipped'; reason: 'leased_or_missing' | 'not_a_member' | 'org_suspended' }
  | { outcome: 'failed'; kind: string; retry: boolean };

interface Progress {
  pages: number;
  writes: number;
  eventCount: number;
}

async function incremental(
  google: GoogleCalendar,
  c: CalendarConnection,
  session: GoogleSession,
  syncToken: string,
  progress: Progress,
): Promise<string> {
  let pageToken: string | undefined;
  for (;;) {
    const page = await google.listEvents(session, { syncToken, pageToken });
    progress.pages++;
    const existing = await refsFor(
      c.orgId,
      c.userId,
      page.items.map((e) => e.id),
    );
    const plan = planPage(existing, page.items);
    progress.writes += await applyPlan(c.orgId, c.userId, plan);
    progress.eventCount += plan.added - plan.removed;
    logger.debug('calendar page synced', {
      mode: 'incremental',
      items: page.items.length,
      puts: plan.puts.length,
    });
    if (page.nextSyncToken) return page.nextSyncToken;
    if (!page.nextPageToken)
      throw new GoogleError('rejected', 'Google ended the listing without a sync token.');
    pageToken = page.nextPageToken;
  }
}

function remember(existing: Map<string, StoredRef>, plan: PagePlan): void {
  for (const r of plan.puts) {
    existing.set(r.event.googleEventId, {
      googleEventId: r.event.googleEventId,
      startUtc: r.startUtc,
      etag: r.etag,
    });
  }
  for (const id of plan.deletePointers) existing.delete(id);
}

async function full(
  google: GoogleCalendar,
  c: CalendarConnection,
  session: GoogleSession,
  now: Date,
  progress: Progress,
): Promise<string> {
  const existing = await allRefs(c.orgId, c.userId);
  const seen = new Set<string>();
  const window = fullSyncWindow(now);
  let pageToken: string | undefined;
  for (;;) {
    const page = await google.listEvents(session, { window, pageToken });
    progress.pages++;
    const plan = planPage(existing, page.items);
    progress.writes += await applyPlan(c.orgId, c.userId, plan);
    remember(existing, plan);
    progress.eventCount = existing.size;
    logger.debug('calendar page synced', { mode: 'full', items: page.items.length, puts: plan.puts.length });
    for (const e of page.items) if (existing.has(e.id)) seen.add(e.id);
    if (page.nextSyncToken) {
      const gone = leftovers(existing, seen);
      progress.writes += await applyPlan(c.orgId, c.userId, gone);
      remember(existing, gone);
      progress.eventCount = existing.size;
      return page.nextSyncToken;
    }
    if (!page.nextPageToken)
      throw new GoogleError('rejected', 'Google ended the listing without a sync token.');
    pageToken = page.nextPageToken;
  }
}

export async function syncConnection(
  orgId: string,
  userId: string,
  now = new Date(),
  google: GoogleCalendar = googleCalendar(),
): Promise<SyncResult> {
  // An offboarding message may have been lost or not yet run; a former member is never synced.
  const { membership, suspended } = await getMembershipWithOrgStatus(orgId, userId);
  if (!membership) {
    const offboarded = await offboardConnection(orgId, userId, now, now);
    if (offboarded.outcome === 'failed') return { outcome: 'failed', kind: 'offboarding', retry: true };
    return { outcome: 'skipped', reason: 'not_a_member' };
  }
  // A suspended org's data is kept as it stands: nothing is fetched from Google for it. The
  // connection stays on the schedule, so its syncs resume with the next due time after reactivation.
  if (suspended) return { outcome: 'skipped', reason: 'org_suspended' };
  const { leaseSeconds, intervalMinutes, shards } = config().sync;
  const owner = randomUUID();
  const c = await acquireLease(orgId, userId, owner, now, leaseSeconds, { forSync: true });
  // Someone else holds the lease (their sync covers this request), or the user disconnected.
  if (!c) return { outcome: 'skipped', reason: 'leased_or_missing' };
  const progress: Progress = { pages: 0, writes: 0, eventCount: c.eventCount };
  let mode: 'full' | 'incremental' = c.syncToken ? 'incremental' : 'full';
  try {
    const session = await sessionFor(c);
    let syncToken: string;
    try {
      syncToken = c.syncToken
        ? await incremental(google, c, session, c.syncToken, progress)
        : await full(google, c, session, now, progress);
    } catch (error) {
      if (!(error instanceof GoogleError && error.reason === 'sync_token_expired') || mode === 'full')
        throw error;
      mode = 'full';
      syncToken = await full(google, c, session, now, progress);
    }
    const at = new Date();
    const recorded = await completeSync(
      c,
      owner,
      {
        syncToken,
        eventCount: progress.eventCount,
        at,
        nextSyncAt: new Date(at.getTime() + intervalMinutes * 60_000),
      },
      shards,
    );
    // Only a reconnect or an expired lease takes it away; the newer holder's sync stores its own token.
    if (!recorded) logger.warn('calendar sync finished after losing its lease', { orgId, userId });
    logger.info('calendar synced', { orgId, userId, mode, pages: progress.pages, writes: progress.writes });
    return { outcome: 'synced', mode, ...progress };
  } catch (error) {
    const kind = error instanceof GoogleError ? error.reason : 'internal';
    const outcome =
      error instanceof GoogleError && error.reason !== 'sync_token_expired' && error.reason !== 'not_found'
        ? failureOutcome(error.reason, error.message)
        : failureOutcome('unavailable', 'The sync failed on our side; it will be retried.');
    logger.warn('calendar sync failed', { orgId, userId, mode, kind, error });
    await failSync(c, owner, { ...outcome, at: new Date(), eventCount: progress.eventCount });
    return { outcome: 'failed', kind, retry: outcome.retryMessage };
  }
}
