/**
 * Google answering slowly: a response slower than the adapter's timeout is abandoned and the page
 * retried within the run, or, when every attempt is slow, the message is handed back for SQS with
 * the previous sync token kept. Small pages, so the short timeout is about the fault alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConnection } from '../../functions/jobs/sync-connection';
import { fault, google, stats, timedEvent } from '../support/calendar';
import { atGoogle, connectedWithEvents, deliver, stored } from '../support/calendar-faults';

// Read when the Google clients are first created: a slow response is abandoned after 1 s, so four
// attempts at a page take about 4 s, not a hung Lambda.
process.env.GOOGLE_TIMEOUT_MS = '1000';
/** How late the emulator's slow responses come: far beyond the timeout, so waiting would show. */
const slowMs = 15_000;
/** The page size the adapter asks for when the emulator does not cap it. */
const pageSize = 2500;

afterAll(() => google.stop());

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
    await fault('slow', 1, slowMs, 2);
    const before = await stats();
    const started = Date.now();
    const result = await syncConnection(orgId, userId);
    expect(result).toMatchObject({ outcome: 'synced', mode: 'full', pages: 5, eventCount: 50 });
    // The slow page was given up at the timeout, not awaited: the run ends before it would have come.
    expect(Date.now() - started).toBeLessThan(slowMs);
    expect((await stats()).eventsListCalls - before.eventsListCalls).toBe(6);
    expect((await stored(orgId, userId)).events).toEqual(atGoogle(as));
  }, 60_000);

  it('hands the message back when every attempt times out, keeping the previous sync token', async () => {
    const { connection: synced } = await stored(orgId, userId);
    google.emulator.addEvents(as, [timedEvent('Later', new Date(Date.now() + 86_400_000), 30)]);
    await fault('slow', 4, slowMs);
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
  }, 60_000);
});
