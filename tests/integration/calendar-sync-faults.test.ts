/**
 * Google failing in the middle of a 10,000-event full sync of four pages (500 and 429 on page 3): the sync
 * retries and completes, or hands the message back for SQS to redeliver; it never loses a page and
 * stores a sync token only after the last page. After the fault and the retry, the stored events are
 * exactly the emulator's. (Google answering slowly: calendar-sync-slow.test.ts, with a short timeout
 * that would be too tight for 2,500-event pages on a busy machine.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GoogleCalendar, googleCalendar } from '../../functions/adapters/google-calendar';
import { ddb } from '../../functions/data/client';
import { syncConnection } from '../../functions/jobs/sync-connection';
import { countRoundTrips } from '../support/api';
import { fault, google, googleControl, stats, timedEvent } from '../support/calendar';
import {
  atGoogle,
  connectedWithEvents,
  deliver,
  eventCount,
  pageSize,
  stored,
} from '../support/calendar-faults';

afterAll(() => google.stop());

beforeAll(() => google.emulator.capPageSize(pageSize));

/**
 * The adapter with every listed page and every stored sync token written down in order, so a test
 * can say the token was stored once, after the page that carried it.
 */
function recording() {
  const log: string[] = [];
  const real = googleCalendar();
  const adapter: GoogleCalendar = {
    ...real,
    listEvents: async (session, query) => {
      const page = await real.listEvents(session, query);
      log.push(page.nextSyncToken ? 'last page' : 'page');
      return page;
    },
  };
  const name = `sync-token-writes-${Math.random()}`;
  ddb().middlewareStack.add(
    (next) => (args) => {
      const values = (args.input as { ExpressionAttributeValues?: Record<string, unknown> })
        .ExpressionAttributeValues;
      if (values?.[':syncToken']) log.push('token stored');
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { adapter, log, stop: () => ddb().middlewareStack.remove(name) };
}

describe('a 500 on page 3 of a four-page full sync', () => {
  const as = 'fault500@example.com';
  let orgId: string;
  let userId: string;

  beforeAll(async () => {
    ({ orgId, userId } = await connectedWithEvents(as));
  }, 60_000);

  it('is retried within the run: every event stored, the sync token stored once, after the last page', async () => {
    await fault('500', 1, undefined, 2);
    const before = await stats();
    const rec = recording();
    try {
      const result = await syncConnection(orgId, userId, new Date(), rec.adapter);
      expect(result).toMatchObject({ outcome: 'synced', mode: 'full', pages: 4, eventCount });
    } finally {
      rec.stop();
    }
    // 4 pages plus the refused attempt at page 3.
    expect((await stats()).eventsListCalls - before.eventsListCalls).toBe(5);
    expect(rec.log).toEqual(['page', 'page', 'page', 'last page', 'token stored']);
    const after = await stored(orgId, userId);
    expect(after.events).toEqual(atGoogle(as));
    expect(after.refs).toBe(eventCount);
    expect(after.connection).toMatchObject({ status: 'connected', eventCount, lastError: null });
    expect(after.connection.syncToken).toEqual(expect.any(String));
  }, 120_000);

  it('then an unchanged incremental sync is exactly one Google call and writes no event', async () => {
    const before = await stats();
    const { result, calls } = await countRoundTrips(() => syncConnection(orgId, userId));
    expect(result).toMatchObject({ outcome: 'synced', mode: 'incremental', pages: 1, writes: 0 });
    expect((await stats()).eventsListCalls - before.eventsListCalls).toBe(1);
    // Writes only on the connection item: taking the lease and recording the sync.
    expect(calls.filter((c) => !['GetItem', 'Query', 'BatchGetItem'].includes(c))).toEqual([
      'UpdateItem',
      'UpdateItem',
    ]);
  }, 60_000);
});

describe('a 429 on page 3 that outlasts the retries', () => {
  const as = 'fault429@example.com';
  let orgId: string;
  let userId: string;

  beforeAll(async () => {
    ({ orgId, userId } = await connectedWithEvents(as));
  }, 60_000);

  it('hands the message back with no sync token stored; the redelivery stores exactly what Google holds', async () => {
    // Every attempt at page 3 (GOOGLE_MAX_ATTEMPTS, 4 by default) is refused.
    await fault('429', 4, undefined, 2);
    expect(await deliver(orgId, userId)).toBe(true);
    const failed = await stored(orgId, userId);
    expect(failed.connection).toMatchObject({ status: 'error', syncToken: null });
    expect(failed.connection.lastError).toMatch(/unavailable.*HTTP 429/);
    // Pages 1 and 2 were written before the failure and count; nothing of pages 3 and 4.
    expect(failed.events).toHaveLength(2 * pageSize);
    expect(failed.connection.eventCount).toBe(2 * pageSize);

    // Meanwhile at Google: an event of page 1 is deleted, one of page 4 moved, one added.
    const [first] = google.emulator.events(as);
    expect((await googleControl('DELETE', `/accounts/${as}/events/${first!.id}`)).status).toBe(204);
    const last = google.emulator.events(as).at(-1)!;
    const moved = new Date(Date.now() + 3 * 86_400_000);
    expect(
      (await googleControl('PATCH', `/accounts/${as}/events/${last.id}`, timedEvent('Moved', moved, 30)))
        .status,
    ).toBe(200);
    expect(
      (await googleControl('POST', `/accounts/${as}/events`, timedEvent('Added', new Date(), 30))).status,
    ).toBe(201);

    const rec = recording();
    try {
      expect(await deliver(orgId, userId)).toBe(false);
    } finally {
      rec.stop();
    }
    const after = await stored(orgId, userId);
    expect(after.events).toEqual(atGoogle(as));
    expect(after.refs).toBe(eventCount);
    expect(after.connection).toMatchObject({ status: 'connected', eventCount, lastError: null });
    expect(after.connection.syncToken).toEqual(expect.any(String));
    expect(rec.log.filter((l) => l === 'token stored')).toHaveLength(1);
  }, 120_000);
});
