import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSecretName } from '../../functions/adapters/calendar-tokens';
import { type GoogleCalendar, GoogleError, googleCalendar } from '../../functions/adapters/google-calendar';
import { localQueue } from '../../functions/adapters/queue';
import { encryptedFileStore } from '../../functions/adapters/secrets';
import { putConnection } from '../../functions/data/calendar-connections';
import { syncConnection } from '../../functions/jobs/sync-connection';
import { handler as dispatch } from '../../functions/jobs/sync-dispatcher';
import { devSubject } from '../../infra/local/dev-identity';
import { call, countRoundTrips } from '../support/api';
import {
  calendarItems,
  connectAndSync,
  endSyncCooldown,
  fault,
  google,
  googleControl,
  runQueuedSyncs,
  secretsDir,
  stats,
  timedEvent,
} from '../support/calendar';
import { seedOrg } from '../support/seed';
import { createOrg } from '../support/tenancy';

afterAll(() => google.stop());

const soon = (hours: number) => new Date(Date.now() + hours * 3_600_000);

async function syncNow(orgId: string, as: string) {
  await endSyncCooldown(orgId, devSubject(as));
  const res = await call('POST', `/orgs/${orgId}/calendar/sync`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return runQueuedSyncs();
}

async function status(orgId: string, as: string) {
  const res = await call('GET', `/orgs/${orgId}/calendar`, { as });
  expect(res.status).toBe(200);
  return res.body;
}

describe('first full sync', () => {
  it('stores 5,000 events spread over pages, and lists them back page by page', async () => {
    const as = 'bulk@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const base = Date.now() - 20 * 86_400_000;
    google.emulator.addEvents(
      as,
      Array.from({ length: 5000 }, (_, i) =>
        timedEvent(`Meeting ${i}`, new Date(base + i * 15 * 60_000), 10),
      ),
    );
    const before = await stats();
    await connectAndSync(orgId, as);
    const after = await stats();
    expect(after.eventsListCalls - before.eventsListCalls).toBe(2);

    expect(await status(orgId, as)).toMatchObject({ status: 'connected', eventCount: 5000, lastError: null });
    const items = await calendarItems(orgId, devSubject(as));
    expect(items.filter((i) => i.type === 'CALENDAR_EVENT')).toHaveLength(5000);

    const from = new Date(base).toISOString();
    const to = new Date(base + 5000 * 15 * 60_000).toISOString();
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ from, to, limit: '100', ...(cursor ? { cursor } : {}) });
      const page = await call('GET', `/orgs/${orgId}/calendar/events?${q}`, { as });
      expect(page.status).toBe(200);
      for (const e of page.body.items) seen.add(e.id);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(5000);
  }, 60_000);
});

describe('incremental sync', () => {
  const as = 'incremental@example.com';
  let orgId: string;
  let userId: string;
  let first: { id: string };
  let second: { id: string };

  beforeAll(async () => {
    orgId = await seedOrg({ [as]: 'member' });
    userId = devSubject(as);
    [first, second] = google.emulator.addEvents(as, [
      timedEvent('Standup', soon(2), 15),
      timedEvent('Retro', soon(26), 60),
      timedEvent('Planning', soon(50), 60),
    ]) as [{ id: string }, { id: string }];
    await connectAndSync(orgId, as);
  });

  it('with no changes makes exactly one events.list call and writes no events', async () => {
    const itemsBefore = await calendarItems(orgId, userId);
    const before = await stats();
    const { calls } = await countRoundTrips(() => syncNow(orgId, as));
    // The only writes, all on the connection item: the sync-now cooldown, taking the lease and
    // recording the sync.
    expect(calls.filter((c) => !['GetItem', 'BatchGetItem', 'Query'].includes(c)).sort()).toEqual([
      'UpdateItem',
      'UpdateItem',
      'UpdateItem',
    ]);
    const after = await stats();
    expect(after.eventsListCalls - before.eventsListCalls).toBe(1);
    expect(after.tokenCalls - before.tokenCalls).toBe(0);
    expect(await calendarItems(orgId, userId)).toEqual(itemsBefore);
  });

  it('brings edits and deletions made at Google on the next sync', async () => {
    const moved = soon(30);
    const patched = await googleControl('PATCH', `/accounts/${as}/events/${first.id}`, {
      summary: 'Standup (moved)',
      start: { dateTime: moved.toISOString() },
      end: { dateTime: new Date(moved.getTime() + 15 * 60_000).toISOString() },
    });
    expect(patched.status).toBe(200);
    expect((await googleControl('DELETE', `/accounts/${as}/events/${second.id}`)).status).toBe(204);
    const added = await googleControl('POST', `/accounts/${as}/events`, timedEvent('New one', soon(5), 30));
    expect(added.status).toBe(201);

    const before = await stats();
    await syncNow(orgId, as);
    expect((await stats()).eventsListCalls - before.eventsListCalls).toBe(1);

    const q = new URLSearchParams({ from: new Date().toISOString(), to: soon(24 * 10).toISOString() });
    const list = await call('GET', `/orgs/${orgId}/calendar/events?${q}`, { as });
    const titles = list.body.items.map((e: { title: string }) => e.title);
    expect(titles).toEqual(['New one', 'Standup (moved)', 'Planning']);
    expect(list.body.items.find((e: { title: string }) => e.title === 'Standup (moved)').start).toBe(
      new Date(moved.getTime()).toISOString(),
    );
    // The moved event left no copy at its old start time; the deleted one left nothing.
    const stored = await calendarItems(orgId, userId);
    expect(stored.filter((i) => i.type === 'CALENDAR_EVENT')).toHaveLength(3);
    expect(stored.filter((i) => i.type === 'CALENDAR_EVENT_REF')).toHaveLength(3);
    expect(await status(orgId, as)).toMatchObject({ status: 'connected', eventCount: 3 });
  });

  it('answers 410 with exactly one full resync, which also drops what vanished meanwhile', async () => {
    const gone = google.emulator.events(as).find((e) => e.summary === 'Planning')!;
    await googleControl('DELETE', `/accounts/${as}/events/${gone.id}`);
    await fault('410', 1);
    const before = await stats();
    await syncNow(orgId, as);
    // One refused incremental call, then one full listing.
    expect((await stats()).eventsListCalls - before.eventsListCalls).toBe(2);
    const stored = await calendarItems(orgId, userId);
    expect(
      stored
        .filter((i) => i.type === 'CALENDAR_EVENT')
        .map((i) => i.title)
        .sort(),
    ).toEqual(['New one', 'Standup (moved)']);
    expect(await status(orgId, as)).toMatchObject({ status: 'connected', eventCount: 2 });

    const after = await stats();
    await syncNow(orgId, as);
    expect((await stats()).eventsListCalls - after.eventsListCalls).toBe(1);
  });

  it('retries 429 and 5xx with backoff inside one run', async () => {
    await fault('429', 1);
    await fault('500', 1);
    const run = await syncNow(orgId, as);
    expect(run.failures).toBe(0);
    expect(await status(orgId, as)).toMatchObject({ status: 'connected' });
  });

  it('reports the message as a batch failure when Google stays unavailable, and recovers later', async () => {
    await fault('500', 50);
    const run = await syncNow(orgId, as);
    expect(run.failures).toBe(1);
    const failed = await status(orgId, as);
    expect(failed.status).toBe('error');
    expect(failed.lastError).toMatch(/unavailable.*HTTP 500/);
    await fault('500', 0);
    expect((await syncNow(orgId, as)).failures).toBe(0);
    expect(await status(orgId, as)).toMatchObject({ status: 'connected', lastError: null });
  });
});

describe('sync now', () => {
  it('accepts one request a minute per connection; another is 429 with Retry-After', async () => {
    const as = 'impatient@example.com';
    const other = 'patient@example.com';
    const orgId = await seedOrg({ [as]: 'member', [other]: 'member' });
    await connectAndSync(orgId, as);
    await connectAndSync(orgId, other);
    const queued = localQueue.size;
    const first = await call('POST', `/orgs/${orgId}/calendar/sync`, { as });
    expect(first.status).toBe(202);
    const second = await call('POST', `/orgs/${orgId}/calendar/sync`, { as });
    expect(second.status).toBe(429);
    expect(second.headers['content-type']).toBe('application/problem+json');
    const retryAfter = Number(second.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(second.body).toMatchObject({ status: 429, detail: expect.stringMatching(/60 seconds/) });
    // The cooldown is per connection: another member's request in the same org goes through.
    expect((await call('POST', `/orgs/${orgId}/calendar/sync`, { as: other })).status).toBe(202);
    expect(localQueue.size).toBe(queued + 2);
    await runQueuedSyncs();
  });

  it('lets exactly one of concurrent requests through', async () => {
    const as = 'eager@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    await connectAndSync(orgId, as);
    const queued = localQueue.size;
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => call('POST', `/orgs/${orgId}/calendar/sync`, { as })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([202, 429, 429, 429, 429]);
    expect(localQueue.size).toBe(queued + 1);
    await runQueuedSyncs();
  });

  it('is 409 without a connection, and the route documents the 429', async () => {
    const as = 'unconnected@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    expect((await call('POST', `/orgs/${orgId}/calendar/sync`, { as })).status).toBe(409);
    const { syncCalendarNow } = await import('../../functions/api/routes/calendar');
    expect(syncCalendarNow.summary).toMatch(/429 with Retry-After/);
  });
});

describe('a sync that fails between pages', () => {
  it('keeps the old sync token, and the next run completes without duplicates', async () => {
    const as = 'midway@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const userId = devSubject(as);
    google.emulator.addEvents(
      as,
      Array.from({ length: 5 }, (_, i) => timedEvent(`E${i}`, soon(i + 1), 30)),
    );
    const { connectCalendar } = await import('../support/calendar');
    await connectCalendar(orgId, as);
    localQueue.receive(100);
    google.emulator.capPageSize(2);
    try {
      const real = googleCalendar();
      let pages = 0;
      const crashing: GoogleCalendar = {
        ...real,
        listEvents: async (session, query) => {
          if (++pages === 2) throw new GoogleError('unavailable', 'Google Calendar is unavailable (test)');
          return real.listEvents(session, query);
        },
      };
      const failed = await syncConnection(orgId, userId, new Date(), crashing);
      expect(failed).toMatchObject({ outcome: 'failed', retry: true });
      const [connection] = (await calendarItemsOfOrg(orgId)).filter((i) => i.type === 'CALENDAR_CONNECTION');
      expect(connection).toMatchObject({ syncToken: null, status: 'error', eventCount: 2 });
      expect((await calendarItems(orgId, userId)).filter((i) => i.type === 'CALENDAR_EVENT')).toHaveLength(2);

      const resumed = await syncConnection(orgId, userId);
      expect(resumed).toMatchObject({ outcome: 'synced', mode: 'full', pages: 3, eventCount: 5 });
      expect((await calendarItems(orgId, userId)).filter((i) => i.type === 'CALENDAR_EVENT')).toHaveLength(5);
      expect(await status(orgId, as)).toMatchObject({ status: 'connected', eventCount: 5 });
    } finally {
      google.emulator.capPageSize(2500);
    }
  });
});

describe('token refresh', () => {
  it('refreshes an expired access token before calling Google and persists the new one', async () => {
    const as = 'refresh@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    await connectAndSync(orgId, as);
    const store = encryptedFileStore(secretsDir);
    const name = tokenSecretName(orgId, devSubject(as));
    const original = JSON.parse((await store.get(name))!);
    await store.put(name, JSON.stringify({ ...original, expiresAt: Date.now() - 1000 }));

    const before = await stats();
    expect((await syncNow(orgId, as)).failures).toBe(0);
    expect((await stats()).tokenCalls - before.tokenCalls).toBe(1);
    const refreshed = JSON.parse((await store.get(name))!);
    expect(refreshed.refreshToken).toBe(original.refreshToken);
    expect(refreshed.accessToken).not.toBe(original.accessToken);
    expect(refreshed.expiresAt).toBeGreaterThan(Date.now());
  });
});

describe('invalid_grant', () => {
  it('marks the connection needs_reauth, stops retrying it and takes it off the schedule', async () => {
    const as = 'revoked@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    google.emulator.addEvents(as, [timedEvent('Kept', soon(3), 30)]);
    await connectAndSync(orgId, as);
    await fault('invalid_grant', 1);
    const run = await syncNow(orgId, as);
    expect(run.failures).toBe(0);
    const after = await status(orgId, as);
    expect(after).toMatchObject({ status: 'needs_reauth', eventCount: 1 });
    expect(after.lastError).toMatch(/reconnect/);
    const sync = await call('POST', `/orgs/${orgId}/calendar/sync`, { as });
    expect(sync.status).toBe(409);
    const [connection] = (await calendarItemsOfOrg(orgId)).filter((i) => i.type === 'CALENDAR_CONNECTION');
    expect(connection?.gsi2pk).toBeUndefined();
  });
});

async function calendarItemsOfOrg(orgId: string) {
  const { partition } = await import('../support/tenancy');
  return partition(`ORG#${orgId}`);
}

describe('dispatcher', () => {
  it('enqueues due connections once, then not again until they are due', async () => {
    const as = 'dispatch@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    await connectAndSync(orgId, as);
    // Make the connection due now, as if its interval had passed.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { testDb, tableName } = await import('../support/env');
    const [connection] = (await calendarItemsOfOrg(orgId)).filter((i) => i.type === 'CALENDAR_CONNECTION');
    const past = new Date(Date.now() - 60_000).toISOString();
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: connection!.pk, sk: connection!.sk },
        UpdateExpression: 'SET nextSyncAt = :t, gsi2sk = :sk',
        ExpressionAttributeValues: { ':t': past, ':sk': `${past}#${orgId}#${devSubject(as)}` },
      }),
    );
    const sizeBefore = localQueue.size;
    const first = await dispatch();
    expect(first.enqueued).toBeGreaterThanOrEqual(1);
    const second = await dispatch();
    expect(second.enqueued).toBe(0);
    expect(localQueue.size - sizeBefore).toBe(first.enqueued);
    const run = await runQueuedSyncs();
    expect(run.failures).toBe(0);
  });

  it('finds due connections in every shard and claims each exactly once', async () => {
    const orgId = await seedOrg({});
    const past = new Date(Date.now() - 60_000).toISOString();
    const userIds = Array.from({ length: 30 }, (_, i) => `usr_due${i}`);
    for (const userId of userIds) {
      await putConnection(
        {
          orgId,
          userId,
          secretName: `google-calendar/${orgId}/${userId}`,
          accountEmail: null,
          status: 'connected',
          syncToken: null,
          lastSyncedAt: null,
          lastError: null,
          eventCount: 0,
          nextSyncAt: past,
          connectedAt: past,
          updatedAt: past,
          version: 1,
        },
        8,
      );
    }
    localQueue.receive(1000);
    await Promise.all([dispatch(), dispatch()]);
    const sent = localQueue.receive(1000).map((m) => JSON.parse(m.body) as { orgId: string; userId: string });
    const ours = sent.filter((m) => m.orgId === orgId).map((m) => m.userId);
    expect(ours.sort()).toEqual([...userIds].sort());
  });

  it('never lets two workers sync the same user at once', async () => {
    const as = 'lease@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    await connectAndSync(orgId, as);
    await fault('slow', 1, 500);
    const results = await Promise.all([
      syncConnection(orgId, devSubject(as)),
      new Promise((r) => setTimeout(r, 100)).then(() => syncConnection(orgId, devSubject(as))),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['skipped', 'synced']);
  });
});

describe('a suspended org', () => {
  it('is not synced: the worker calls Google for none of its connections until it is reactivated', async () => {
    const as = 'suspended-sync@example.com';
    // A whole org (seeded ones lack what the platform's suspension writes).
    const orgId = (await createOrg(as)).id;
    await connectAndSync(orgId, as);
    google.emulator.addEvents(as, [timedEvent('After the suspension', soon(2), 30)]);
    const root = 'root@platform.test';
    expect((await call('POST', `/admin/orgs/${orgId}/suspend`, { as: root })).status).toBe(200);

    const before = await stats();
    await localQueue.send([{ kind: 'sync', orgId, userId: devSubject(as) }]);
    expect(await runQueuedSyncs()).toEqual({ failures: 0, processed: 1 });
    expect(await stats()).toEqual(before);
    const stored = async () =>
      (await calendarItems(orgId, devSubject(as))).filter((i) => i.type === 'CALENDAR_EVENT').length;
    expect(await stored()).toBe(0);

    expect((await call('POST', `/admin/orgs/${orgId}/reactivate`, { as: root })).status).toBe(200);
    await localQueue.send([{ kind: 'sync', orgId, userId: devSubject(as) }]);
    expect(await runQueuedSyncs()).toEqual({ failures: 0, processed: 1 });
    expect(await stored()).toBe(1);
  });
});
