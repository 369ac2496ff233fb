/**
 * The org's calendar connections for managers (GET /orgs/{orgId}/calendar/connections): connected
 * through the real OAuth redirect and synced by the worker against the Google emulator, one grant
 * revoked at Google (failing), one whose last sync is long ago (stale). Paged with one Query, no
 * token or secret name in any answer, bad input named, members and viewers refused.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { devSubject } from '../../infra/local/dev-identity';
import { readCommands } from '../bench/round-trip-budgets';
import { call, roundTripLog } from '../support/api';
import { connectAndSync, endSyncCooldown, fault, google, runQueuedSyncs } from '../support/calendar';
import { tableName, testDb } from '../support/env';
import { seedOrg } from '../support/seed';

afterAll(() => google.stop());

const owner = 'owner@cal-health.test';
const manager = 'manager@cal-health.test';
const revoked = 'revoked@cal-health.test';
const idle = 'idle@cal-health.test';
const member = 'member@cal-health.test';
const viewer = 'viewer@cal-health.test';

const orgId = await seedOrg({
  [owner]: 'owner',
  [manager]: 'manager',
  [revoked]: 'member',
  [idle]: 'member',
  [member]: 'member',
  [viewer]: 'viewer',
});
for (const as of [owner, revoked, idle]) await connectAndSync(orgId, as);

// Google refuses the grant on the next sync: the worker marks the connection needs_reauth.
await fault('invalid_grant', 1);
await endSyncCooldown(orgId, devSubject(revoked));
expect((await call('POST', `/orgs/${orgId}/calendar/sync`, { as: revoked })).status).toBe(202);
expect((await runQueuedSyncs()).failures).toBe(0);
// The idle one last synced two hours ago: its schedule was lost, nothing says so but the clock.
const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
await testDb.send(
  new UpdateCommand({
    TableName: tableName,
    Key: keys.calendarConnection(orgId, devSubject(idle)),
    UpdateExpression: 'SET lastSyncedAt = :at, connectedAt = :at',
    ExpressionAttributeValues: { ':at': twoHoursAgo },
  }),
);

const path = `/orgs/${orgId}/calendar/connections`;

describe('the org’s calendar connections', () => {
  it('lists every connection with its health, one Query a page, and never a token', async () => {
    const seen: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call(
        'GET',
        `${path}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        {
          as: manager,
        },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const { commands } = roundTripLog.at(-1)!;
      // Authorization's reads, then the one Query of the page.
      const reads = commands.filter((c) => readCommands.has(c));
      expect(reads.at(-1)).toBe('Query');
      expect(reads.filter((c) => c === 'Query')).toHaveLength(1);
      expect(reads.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);

    const byUser = Object.fromEntries(seen.map((c) => [c.userId, c]));
    expect(Object.keys(byUser).sort()).toEqual([owner, revoked, idle].map(devSubject).sort());
    expect(byUser[devSubject(owner)]).toMatchObject({
      accountEmail: owner,
      status: 'connected',
      lastError: null,
      health: 'ok',
    });
    expect(byUser[devSubject(revoked)]).toMatchObject({ status: 'needs_reauth', health: 'failing' });
    expect(byUser[devSubject(revoked)]!.lastError).toMatch(/reconnect/);
    expect(byUser[devSubject(idle)]).toMatchObject({
      status: 'connected',
      lastSyncedAt: twoHoursAgo,
      health: 'stale',
    });
    for (const connection of seen) {
      expect(Object.keys(connection).sort()).toEqual(
        ['accountEmail', 'health', 'lastError', 'lastSyncedAt', 'status', 'userId'].sort(),
      );
    }
    const text = JSON.stringify(seen);
    for (const secret of ['secretName', 'syncToken', 'leaseOwner']) expect(text).not.toContain(secret);
  });

  it('cuts a long, many-line error to its first line of 200 characters', async () => {
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.calendarConnection(orgId, devSubject(idle)),
        UpdateExpression: 'SET #status = :error, lastError = :text',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':error': 'error', ':text': `${'x'.repeat(300)}\nsecond line` },
      }),
    );
    const res = await call('GET', `${path}?limit=100`, { as: owner });
    const idleOne = res.body.items.find((c: { userId: string }) => c.userId === devSubject(idle));
    expect(idleOne).toMatchObject({ status: 'error', health: 'failing' });
    expect(idleOne.lastError).toHaveLength(200);
    expect(idleOne.lastError).not.toContain('second line');
  });

  it('refuses members and viewers, who see only their own connection', async () => {
    for (const as of [member, viewer, revoked]) {
      const res = await call('GET', path, { as });
      expect(res.status, as).toBe(403);
    }
    const own = await call('GET', `/orgs/${orgId}/calendar`, { as: revoked });
    expect([own.status, own.body.status]).toEqual([200, 'needs_reauth']);
  });

  it('refuses bad paging naming the field, and a cursor of another org', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['userId=usr_x', 'userId'],
    ];
    for (const [query, field] of cases) {
      const res = await call('GET', `${path}?${query}`, { as: owner });
      expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)], query).toEqual([
        400,
        [field],
      ]);
    }
    // A cursor of this org's list is refused on another org's.
    const first = await call('GET', `${path}?limit=1`, { as: owner });
    const otherOrg = await seedOrg({ [owner]: 'owner' });
    const foreign = await call(
      'GET',
      `/orgs/${otherOrg}/calendar/connections?cursor=${encodeURIComponent(first.body.nextCursor)}`,
      { as: owner },
    );
    expect([foreign.status, foreign.body.errors?.map((e: { field: string }) => e.field)]).toEqual([
      400,
      ['cursor'],
    ]);
  });
});
