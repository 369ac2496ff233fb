/**
 * Offboarding: when a membership or the org ends, the sync worker revokes the Google grant and
 * deletes the tokens, the synced events and the connection (with its sync-due index entry).
 */
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenSecretName } from '../../functions/adapters/calendar-tokens';
import { localQueue } from '../../functions/adapters/queue';
import { encryptedFileStore } from '../../functions/adapters/secrets';
import { keys } from '../../functions/data/keys';
import { config } from '../../functions/lib/config';
import { devSubject } from '../../infra/local/dev-identity';
import { call } from '../support/api';
import {
  calendarItems,
  connectAndSync,
  google,
  runQueuedSyncs,
  secretsDir,
  timedEvent,
} from '../support/calendar';
import { tableName, testDb } from '../support/env';
import { addMember, createOrg } from '../support/tenancy';

afterAll(() => google.stop());

const soon = (hours: number) => new Date(Date.now() + hours * 3_600_000);

/** The person's entries in the sync-due index, over every shard. */
async function dueEntries(orgId: string, userId: string) {
  const found = [];
  for (let shard = 0; shard < config().sync.shards; shard++) {
    const { Items = [] } = await testDb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        FilterExpression: 'orgId = :orgId AND userId = :userId',
        ExpressionAttributeValues: { ':pk': keys.syncDuePk(shard), ':orgId': orgId, ':userId': userId },
      }),
    );
    found.push(...Items);
  }
  return found;
}

async function calendarOf(orgId: string, email: string) {
  const userId = devSubject(email);
  return {
    secret: await encryptedFileStore(secretsDir).get(tokenSecretName(orgId, userId)),
    due: await dueEntries(orgId, userId),
    items: await calendarItems(orgId, userId),
    granted: google.emulator.grantedAccounts().includes(email),
  };
}

/** An org whose member has connected and synced a calendar with one event. */
async function orgWithConnectedMember(owner: string, member: string) {
  const org = await createOrg(owner);
  await addMember(org.id, owner, member);
  google.emulator.addEvents(member, [timedEvent('Standup', soon(2), 15)]);
  await connectAndSync(org.id, member);
  const before = await calendarOf(org.id, member);
  expect(before.secret).toBeDefined();
  expect(before.due).toHaveLength(1);
  expect(before.items).toHaveLength(2);
  expect(before.granted).toBe(true);
  return org.id;
}

async function expectOffboarded(orgId: string, email: string) {
  const revokedBefore = google.emulator.revocations().filter((e) => e === email).length;
  const run = await runQueuedSyncs();
  expect(run.failures).toBe(0);
  expect(run.processed).toBeGreaterThan(0);
  expect(google.emulator.revocations().filter((e) => e === email)).toHaveLength(revokedBefore + 1);
  expect(await calendarOf(orgId, email)).toEqual({ secret: undefined, due: [], items: [], granted: false });
}

describe('offboarding a calendar', () => {
  it('revokes and deletes everything when an admin removes the member', async () => {
    const owner = 'off-owner-1@example.com';
    const member = 'removed@example.com';
    const orgId = await orgWithConnectedMember(owner, member);
    const res = await call('DELETE', `/orgs/${orgId}/members/${devSubject(member)}`, { as: owner });
    expect(res.status).toBe(204);
    await expectOffboarded(orgId, member);
  });

  it('revokes and deletes everything when the member leaves', async () => {
    const owner = 'off-owner-2@example.com';
    const member = 'leaver@example.com';
    const orgId = await orgWithConnectedMember(owner, member);
    expect((await call('POST', `/orgs/${orgId}/leave`, { as: member })).status).toBe(204);
    await expectOffboarded(orgId, member);
  });

  it('revokes and deletes every connection of a deleted org', async () => {
    const owner = 'off-owner-3@example.com';
    const member = 'dissolved@example.com';
    const orgId = await orgWithConnectedMember(owner, member);
    await connectAndSync(orgId, owner);
    expect((await call('DELETE', `/orgs/${orgId}`, { as: owner })).status).toBe(204);
    const revokedBefore = google.emulator.revocations().length;
    expect((await runQueuedSyncs()).failures).toBe(0);
    expect(google.emulator.revocations().slice(revokedBefore).sort()).toEqual([member, owner].sort());
    for (const email of [member, owner])
      expect(await calendarOf(orgId, email)).toEqual({
        secret: undefined,
        due: [],
        items: [],
        granted: false,
      });
  });

  it('a sync for someone no longer a member syncs nothing and cleans up', async () => {
    const owner = 'off-owner-4@example.com';
    const member = 'vanished@example.com';
    const orgId = await orgWithConnectedMember(owner, member);
    // The membership ends without an offboarding message (lost, or not yet run).
    await testDb.send(
      new DeleteCommand({ TableName: tableName, Key: keys.membership(orgId, devSubject(member)) }),
    );
    google.emulator.addEvents(member, [timedEvent('Not for us', soon(3), 30)]);
    const listCalls = google.emulator.stats().eventsListCalls;
    await localQueue.send([{ kind: 'sync', orgId, userId: devSubject(member) }]);
    await expectOffboarded(orgId, member);
    expect(google.emulator.stats().eventsListCalls).toBe(listCalls);
  });

  it('leaves alone a connection made after the offboarding was requested', async () => {
    const owner = 'off-owner-5@example.com';
    const member = 'rejoined@example.com';
    const orgId = await orgWithConnectedMember(owner, member);
    const requestedAt = new Date(Date.now() - 60_000).toISOString();
    await localQueue.send([{ kind: 'offboard', orgId, userId: devSubject(member), requestedAt }]);
    expect((await runQueuedSyncs()).failures).toBe(0);
    const after = await calendarOf(orgId, member);
    expect(after.secret).toBeDefined();
    expect(after.due).toHaveLength(1);
    expect(after.granted).toBe(true);
  });
});
