/**
 * Calendar connections: one item per (org, user) holding sync state and the secret's name, never
 * a token. While a connection is scheduled it sits in the sharded sync-due index (gsi2); a lease
 * with an expiry makes sure one user is never synced by two workers at once. The item has its own
 * schema; `connectionView` is the one place it becomes what the API shows.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { CalendarConnectionView } from '../api/schemas/calendar';
import { Refusal, refusals } from '../domain/refusal';
import { ddb, tableName } from './client';
import { isConditionFailure } from './errors';
import { keys } from './keys';
import { type Page, queryPage } from './page';

export const CalendarConnection = z.object({
  orgId: z.string(),
  userId: z.string(),
  /** Name of the token secret in the secret store. */
  secretName: z.string(),
  /** The Google account's verified email, from the consent's id_token; absent on older connections. */
  accountEmail: z._default(z.nullable(z.string()), null),
  status: z.enum(['connected', 'syncing', 'needs_reauth', 'error']),
  syncToken: z.nullable(z.string()),
  lastSyncedAt: z.nullable(z.string()),
  lastError: z.nullable(z.string()),
  eventCount: z.number().check(z.int()),
  nextSyncAt: z.string(),
  connectedAt: z.string(),
  updatedAt: z.string(),
  version: z.number().check(z.int()),
  leaseOwner: z.optional(z.string()),
  leaseUntil: z.optional(z.string()),
  /** When the user last asked for a sync (the cooldown of "Sync now"). */
  lastManualSyncAt: z.optional(z.string()),
});
export type CalendarConnection = z.infer<typeof CalendarConnection>;

/** What the caller sees of their connection; no connection at all is `not_connected`. */
export function connectionView(c: CalendarConnection | undefined): CalendarConnectionView {
  if (!c)
    return {
      status: 'not_connected',
      accountEmail: null,
      lastSyncedAt: null,
      lastError: null,
      eventCount: 0,
    };
  return {
    status: c.status,
    accountEmail: c.accountEmail,
    lastSyncedAt: c.lastSyncedAt,
    lastError: c.lastError,
    eventCount: c.eventCount,
  };
}

function shardOf(orgId: string, userId: string, shards: number): number {
  return createHash('sha256').update(`${orgId}#${userId}`).digest().readUInt32BE(0) % shards;
}

function dueKeys(c: Pick<CalendarConnection, 'orgId' | 'userId' | 'nextSyncAt'>, shards: number) {
  return keys.syncDueIndex(shardOf(c.orgId, c.userId, shards), c.nextSyncAt, c.orgId, c.userId);
}

function fromItem(item: Record<string, unknown> | undefined): CalendarConnection | undefined {
  return item ? CalendarConnection.parse(item) : undefined;
}

export async function getConnection(orgId: string, userId: string) {
  const { Item } = await ddb().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.calendarConnection(orgId, userId),
      ConsistentRead: true,
    }),
  );
  return fromItem(Item);
}

/** Creates or replaces the connection (a reconnect starts over with a full sync). */
export async function putConnection(connection: CalendarConnection, shards: number): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.calendarConnection(connection.orgId, connection.userId),
        ...dueKeys(connection, shards),
        type: 'CALENDAR_CONNECTION',
        ...connection,
      },
    }),
  );
}

/** The org's connections, a page at a time: one Query of the org partition's CALENDAR# items. */
export async function listConnections(
  orgId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<CalendarConnection>> {
  const page = await queryPage({
    partition: keys.org(orgId).pk,
    sortPrefix: keys.calendarConnectionPrefix,
    limit: options.limit,
    cursor: options.cursor,
  });
  return { ...page, items: page.items.map((item) => CalendarConnection.parse(item)) };
}

export async function deleteConnectionItem(orgId: string, userId: string): Promise<void> {
  await ddb().send(
    new DeleteCommand({ TableName: tableName(), Key: keys.calendarConnection(orgId, userId) }),
  );
}

/**
 * Takes the lease unless another holder's lease is still running or the connection waits for
 * the user to reconnect. Returns the connection as leased, or undefined.
 */
export async function acquireLease(
  orgId: string,
  userId: string,
  owner: string,
  now: Date,
  leaseSeconds: number,
  options: { forSync: boolean },
): Promise<CalendarConnection | undefined> {
  try {
    const { Attributes } = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.calendarConnection(orgId, userId),
        UpdateExpression: `SET leaseOwner = :owner, leaseUntil = :until${options.forSync ? ', #status = :syncing' : ''}`,
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)' +
          (options.forSync ? ' AND #status <> :reauth' : ''),
        ExpressionAttributeNames: options.forSync ? { '#status': 'status' } : undefined,
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
          ':now': now.toISOString(),
          ...(options.forSync ? { ':syncing': 'syncing', ':reauth': 'needs_reauth' } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(Attributes);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export interface SyncSuccess {
  syncToken: string;
  eventCount: number;
  at: Date;
  nextSyncAt: Date;
}

/** Records a finished sync and releases the lease; false if the lease was lost (disconnect, reconnect). */
export async function completeSync(c: CalendarConnection, owner: string, done: SyncSuccess, shards: number) {
  const nextSyncAt = done.nextSyncAt.toISOString();
  const due = dueKeys({ ...c, nextSyncAt }, shards);
  return conditionalUpdate(c, owner, {
    UpdateExpression:
      'SET #status = :connected, syncToken = :syncToken, lastSyncedAt = :at, lastError = :null, ' +
      'eventCount = :count, nextSyncAt = :next, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk, updatedAt = :at, ' +
      'version = version + :one REMOVE leaseOwner, leaseUntil',
    values: {
      ':connected': 'connected',
      ':syncToken': done.syncToken,
      ':at': done.at.toISOString(),
      ':null': null,
      ':count': done.eventCount,
      ':next': nextSyncAt,
      ':gsi2pk': due.gsi2pk,
      ':gsi2sk': due.gsi2sk,
      ':one': 1,
    },
  });
}

export interface SyncFailure {
  status: 'needs_reauth' | 'error';
  lastError: string;
  keepScheduled: boolean;
  at: Date;
  /** Events written before the failure still count. */
  eventCount: number;
}

export async function failSync(c: CalendarConnection, owner: string, failure: SyncFailure) {
  return conditionalUpdate(c, owner, {
    UpdateExpression:
      'SET #status = :status, lastError = :error, eventCount = :count, updatedAt = :at, version = version + :one ' +
      // Off the schedule: nothing would change until the user reconnects.
      `REMOVE leaseOwner, leaseUntil${failure.keepScheduled ? '' : ', gsi2pk, gsi2sk'}`,
    values: {
      ':status': failure.status,
      ':error': failure.lastError,
      ':count': failure.eventCount,
      ':at': failure.at.toISOString(),
      ':one': 1,
    },
  });
}

/** Releases a lease taken for a non-sync purpose (disconnect gave up). */
export async function releaseLease(c: CalendarConnection, owner: string) {
  return conditionalUpdate(c, owner, { UpdateExpression: 'REMOVE leaseOwner, leaseUntil', values: {} });
}

/**
 * Records a manual sync request unless the last one is younger than the cooldown. One conditional
 * update decides, so two concurrent requests cannot both pass; the item as it was explains the
 * refusal (no connection, one waiting for reconnect, or throttled until the cooldown ends).
 */
export async function claimManualSync(
  orgId: string,
  userId: string,
  now: Date,
  cooldownSeconds: number,
): Promise<void> {
  const cutoff = new Date(now.getTime() - cooldownSeconds * 1000).toISOString();
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.calendarConnection(orgId, userId),
        UpdateExpression: 'SET lastManualSyncAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND #status <> :reauth AND ' +
          '(attribute_not_exists(lastManualSyncAt) OR lastManualSyncAt <= :cutoff)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':reauth': 'needs_reauth',
          ':cutoff': cutoff,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = error.Item;
    if (!old) throw refusals.calendarNotConnected();
    if (old.status?.S === 'needs_reauth') throw refusals.calendarNeedsReauth();
    const last = Date.parse(old.lastManualSyncAt?.S ?? '');
    const waitMs = last + cooldownSeconds * 1000 - now.getTime();
    throw new Refusal(
      'throttled',
      `A sync was requested less than ${cooldownSeconds} seconds ago; try again later.`,
      undefined,
      Math.max(1, Math.ceil(waitMs / 1000)),
    );
  }
}

/** Write-through adds or removes one event without a sync; the count follows. */
export async function adjustEventCount(orgId: string, userId: string, delta: number): Promise<void> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.calendarConnection(orgId, userId),
        UpdateExpression: 'ADD eventCount :delta',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':delta': delta },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Marks the connection as needing the user to reconnect and takes it off the schedule. */
export async function markNeedsReauth(orgId: string, userId: string, lastError: string, at: Date) {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.calendarConnection(orgId, userId),
        UpdateExpression:
          'SET #status = :status, lastError = :error, updatedAt = :at, version = version + :one REMOVE gsi2pk, gsi2sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': 'needs_reauth',
          ':error': lastError,
          ':at': at.toISOString(),
          ':one': 1,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

async function conditionalUpdate(
  c: CalendarConnection,
  owner: string,
  update: { UpdateExpression: string; values: Record<string, unknown> },
): Promise<boolean> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.calendarConnection(c.orgId, c.userId),
        UpdateExpression: update.UpdateExpression,
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeNames: update.UpdateExpression.includes('#status')
          ? { '#status': 'status' }
          : undefined,
        ExpressionAttributeValues: { ':owner': owner, ...update.values },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export interface DueConnection {
  orgId: string;
  userId: string;
}

/**
 * Claims up to `limit` connections of one shard whose next sync is due, by moving their due time
 * forward first: a second dispatcher run (or a slow one) cannot enqueue the same connection.
 */
export async function claimDue(
  shard: number,
  now: Date,
  nextSyncAt: Date,
  limit: number,
  shards: number,
): Promise<DueConnection[]> {
  const { Items = [] } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      // ISO times sort as strings; '~' sorts after the '#' that follows the time in the key.
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :bound',
      ExpressionAttributeValues: { ':pk': keys.syncDuePk(shard), ':bound': `${now.toISOString()}~` },
      ProjectionExpression: 'orgId, userId, gsi2sk',
      Limit: limit,
    }),
  );
  const next = nextSyncAt.toISOString();
  const claimed = await Promise.all(
    Items.map(async (item) => {
      const orgId = String(item.orgId);
      const userId = String(item.userId);
      const due = dueKeys({ orgId, userId, nextSyncAt: next }, shards);
      try {
        await ddb().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: keys.calendarConnection(orgId, userId),
            UpdateExpression: 'SET nextSyncAt = :next, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
            ConditionExpression: 'gsi2sk = :seen',
            ExpressionAttributeValues: {
              ':next': next,
              ':gsi2pk': due.gsi2pk,
              ':gsi2sk': due.gsi2sk,
              ':seen': item.gsi2sk,
            },
          }),
        );
        return { orgId, userId };
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    }),
  );
  return claimed.filter((c): c is DueConnection => c !== undefined);
}
