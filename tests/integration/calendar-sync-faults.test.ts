/**
 * Google failing in the middle of a 10,000-event full sync (500 and 429 on a given page) and Google
 * answering slowly: the sync retries and completes, or hands the message back for SQS to redeliver;
 * it never loses a page and stores a sync token only after the last page. After the fault and the
 * retry, the stored events are exactly the emulator's.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GoogleCalendar, googleCalendar } from '../../functions/adapters/google-calendar';
import { localQueue } from '../../functions/adapters/queue';
import { ddb } from '../../functions/data/client';
import { syncConnection } from '../../functions/jobs/sync-connection';
import { handler as worker } from '../../functions/jobs/sync-worker';
import { devSubject } from '../../infra/local/dev-identity';
import { countRoundTrips } from '../support/api';
import {
  calendarItems,
  connectCalendar,
  fault,
  google,
  googleControl,
  stats,
  timedEvent,
} from '../support/calendar';
import { seedOrg } from '../support/seed';

// Read when the Google clients are first created (below, after the environment is set): a slow
// response is abandoned after 1 s, so 4 attempts of a page take about 4 s, not a hung Lambda.
process.env.GOOGLE_TIMEOUT_MS = '1000';

afterAll(() => google.stop());

const eventCount = 10_000;
/** Google's largest page, which the adapter asks for: 10,000 events are 4 pages. */
const pageSize = 2500;

/** Connects `as` to a calendar of 10,000 events at Google, with the first sync still queued. */
async function connectedWithEvents(as: string, count = eventCount) {
  const orgId = await seedOrg({ [as]: 'member' });
  const base = Date.now() - 10 * 86_400_000;
  google.emulator.addEvents(
    as,
    Array.from({ length: count }, (_, i) => timedEvent(`Event ${i}`, new Date(base + i * 20 * 60_000), 15)),
  );
  const callback = await connectCalendar(orgId, as);
  expect(callback.status, JSON.stringify(callback.body)).toBe(302);
  localQueue.receive(100);
  return { orgId, userId: devSubject(as) };
}

/** The stored events as (Google id, start) pairs, sorted, and the connection item. */
async function stored(orgId: string, userId: string) {
  const items = await calendarItems(orgId, userId);
  const events = items
    .filter((i) => i.type === 'CALENDAR_EVENT')
    .map((i) => `${i.googleEventId} ${i.start}`)
    .sort();
  const refs = items.filter((i) => i.type === 'CALENDAR_EVENT_REF').length;
  const { partition } = await import('../support/tenancy');
  const [connection] = (await partition(`ORG#${orgId}`)).filter((i) => i.type === 'CALENDAR_CONNECTION');
  return { events, refs, connection: connection! };
}

/** What Google holds for `as`, in the same form. */
function atGoogle(as: string) {
  return google.emulator
    .events(as)
    .map((e) => `${e.id} ${new Date(e.start!.dateTime!).toISOString()}`)
    .sort();
}

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

/** One SQS delivery of a sync message to the worker; true when it reports the message failed. */
async function deliver(orgId: string, userId: string): Promise<boolean> {
  const event = {
    Records: [{ messageId: 'sync-1', body: JSON.stringify({ kind: 'sync', orgId, userId }) }],
  } as unknown as SQSEvent;
  const { batchItemFailures } = await worker(event);
  return batchItemFailures.length > 0;
}

describe('a 500 on page 3 of a 10,000-event full sync', () => {
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

describe('a slow Google', () => {
  const as = 'slow@example.com';
  let orgId: string;
  let userId: string;

  beforeAll(async () => {
    // 50 events in pages of 10: five pages, so the slowness lands mid-listing.
    ({ orgId, userId } = await connectedWithEvents(as, 50));
    google.emulator.capPageSize(10);
  });
  afterAll(() => google.emulator.capPageSize(pageSize));

  it('abandons a response slower than the timeout and retries it within the run', async () => {
    await fault('slow', 1, 3000, 2);
    const before = await stats();
    const started = Date.now();
    const result = await syncConnection(orgId, userId);
    expect(result).toMatchObject({ outcome: 'synced', mode: 'full', pages: 5, eventCount: 50 });
    // The slow page was given up after the 1 s timeout, not awaited for its 3 s.
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await stats()).eventsListCalls - before.eventsListCalls).toBe(6);
    expect((await stored(orgId, userId)).events).toEqual(atGoogle(as));
  }, 30_000);

  it('hands the message back when every attempt times out, keeping the previous sync token', async () => {
    const { connection: synced } = await stored(orgId, userId);
    google.emulator.addEvents(as, [timedEvent('Later', new Date(Date.now() + 86_400_000), 30)]);
    await fault('slow', 4, 3000);
    expect(await deliver(orgId, userId)).toBe(true);
    const failed = await stored(orgId, userId);
    expect(failed.connection).toMatchObject({ status: 'error', syncToken: synced.syncToken });
    expect(failed.connection.lastError).toMatch(/unavailable.*no response/);
    expect(failed.events).toHaveLength(50);

    expect(await deliver(orgId, userId)).toBe(false);
    const after = await stored(orgId, userId);
    expect(after.events).toEqual(atGoogle(as));
    expect(after.connection).toMatchObject({ status: 'connected', eventCount: 51 });
    expect(after.connection.syncToken).not.toBe(synced.syncToken);
  }, 30_000);
});
