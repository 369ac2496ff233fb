/**
 * Synced calendar events, one partition per (org, user). Each event is two items: the event under
 * EVENT#<startUtc>#<googleId> (range queries by time) and a small GEVENT#<googleId> reference
 * (find an event by id when Google reports a change or a deletion). Writes go in BatchWrite
 * chunks of 25, a few chunks at a time.
 */
import { BatchGetCommand, BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CalendarEvent } from '../api/schemas/calendar';
import type { EventRecord, PagePlan, StoredRef } from '../domain/calendar-sync';
import { ddb, tableName } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { keys } from './keys';

const writeChunk = 25;
const readChunk = 100;
const parallelChunks = 4;
/** Events that started this long before a range are still found if they overlap it. */
const longestEventMs = 31 * 86_400_000;

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function inParallel<T>(tasks: readonly T[], limit: number, run: (task: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await run(tasks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));

async function batchWrite(requests: WriteRequest[]): Promise<void> {
  await inParallel(chunks(requests, writeChunk), parallelChunks, async (chunk) => {
    let pending: WriteRequest[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept throttling a batch write');
      if (attempt > 0) await pause(attempt);
      const { UnprocessedItems } = await ddb().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }),
      );
      pending = (UnprocessedItems?.[tableName()] ?? []) as WriteRequest[];
    }
  });
}

function eventItem(orgId: string, userId: string, r: EventRecord) {
  return {
    ...keys.calendarEvent(orgId, userId, r.startUtc, r.event.googleEventId),
    type: 'CALENDAR_EVENT',
    ...r.event,
    startUtc: r.startUtc,
    endUtc: r.endUtc,
    etag: r.etag,
  };
}

function refItem(orgId: string, userId: string, r: EventRecord) {
  return {
    ...keys.calendarEventById(orgId, userId, r.event.googleEventId),
    type: 'CALENDAR_EVENT_REF',
    googleEventId: r.event.googleEventId,
    startUtc: r.startUtc,
    etag: r.etag,
  };
}

/** Applies one page's plan; returns how many write requests it took (0 when nothing changed). */
export async function applyPlan(orgId: string, userId: string, plan: PagePlan): Promise<number> {
  const requests: WriteRequest[] = [
    ...plan.puts.flatMap((r) => [
      { PutRequest: { Item: eventItem(orgId, userId, r) } },
      { PutRequest: { Item: refItem(orgId, userId, r) } },
    ]),
    ...plan.deleteEvents.map((ref) => ({
      DeleteRequest: { Key: keys.calendarEvent(orgId, userId, ref.startUtc, ref.googleEventId) },
    })),
    ...plan.deletePointers.map((id) => ({
      DeleteRequest: { Key: keys.calendarEventById(orgId, userId, id) },
    })),
  ];
  await batchWrite(requests);
  return requests.length;
}

function refFrom(item: Record<string, unknown>): StoredRef {
  return {
    googleEventId: String(item.googleEventId),
    startUtc: String(item.startUtc),
    etag: typeof item.etag === 'string' ? item.etag : null,
  };
}

/** What is stored for these Google ids (BatchGet of the references). */
export async function refsFor(orgId: string, userId: string, googleIds: readonly string[]) {
  const found = new Map<string, StoredRef>();
  await inParallel(chunks([...new Set(googleIds)], readChunk), parallelChunks, async (ids) => {
    let pending: Record<string, unknown>[] = ids.map((id) => keys.calendarEventById(orgId, userId, id));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept throttling a batch read');
      if (attempt > 0) await pause(attempt);
      const { Responses, UnprocessedKeys } = await ddb().send(
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: { Keys: pending, ProjectionExpression: 'googleEventId, startUtc, etag' },
          },
        }),
      );
      for (const item of Responses?.[tableName()] ?? []) found.set(String(item.googleEventId), refFrom(item));
      pending = (UnprocessedKeys?.[tableName()]?.Keys ?? []) as Record<string, unknown>[];
    }
  });
  return found;
}

async function queryAll(
  input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>,
  onItems: (items: Record<string, unknown>[]) => void,
) {
  let start: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await ddb().send(
      new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey: start }),
    );
    onItems(Items);
    start = LastEvaluatedKey;
  } while (start);
}

/** Every stored reference of one user's calendar (a full sync compares against these). */
export async function allRefs(orgId: string, userId: string) {
  const found = new Map<string, StoredRef>();
  await queryAll(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.calendarPk(orgId, userId),
        ':prefix': keys.calendarEventByIdPrefix,
      },
      ProjectionExpression: 'googleEventId, startUtc, etag',
    },
    (items) => {
      for (const item of items) found.set(String(item.googleEventId), refFrom(item));
    },
  );
  return found;
}

function rangeQuery(orgId: string, userId: string, from: string, to: string) {
  return {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
    FilterExpression: 'endUtc > :from',
    ExpressionAttributeValues: {
      ':pk': keys.calendarPk(orgId, userId),
      ':low': `${keys.calendarEventPrefix}${new Date(Date.parse(from) - longestEventMs).toISOString()}`,
      // Events starting exactly at `to` sort after `EVENT#<to>` (more key follows), so they stay out.
      ':high': `${keys.calendarEventPrefix}${to}`,
      ':from': from,
    },
  };
}

function eventFrom(item: Record<string, unknown>): CalendarEvent {
  return CalendarEvent.parse(item);
}

/** One page of a user's events overlapping [from, to), oldest first. */
export async function listEvents(
  orgId: string,
  userId: string,
  range: { from: string; to: string; limit: number; cursor: string | undefined },
) {
  const partition = { attribute: 'pk', value: keys.calendarPk(orgId, userId) };
  const { Items = [], LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      ...rangeQuery(orgId, userId, range.from, range.to),
      Limit: range.limit,
      ExclusiveStartKey: await decodeCursor(partition, range.cursor),
    }),
  );
  const nextCursor = await encodeCursor(partition, LastEvaluatedKey);
  return { items: Items.map(eventFrom), ...(nextCursor ? { nextCursor } : {}) };
}

/** All of a user's events overlapping [from, to) (availability needs the whole range). */
export async function eventsInRange(orgId: string, userId: string, from: string, to: string) {
  const events: CalendarEvent[] = [];
  await queryAll(rangeQuery(orgId, userId, from, to), (items) => events.push(...items.map(eventFrom)));
  return events;
}

export async function getEvent(orgId: string, userId: string, googleEventId: string) {
  const { Item: ref } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.calendarEventById(orgId, userId, googleEventId) }),
  );
  if (!ref) return undefined;
  const { Item } = await ddb().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.calendarEvent(orgId, userId, String(ref.startUtc), googleEventId),
    }),
  );
  return Item ? { event: eventFrom(Item), ref: refFrom(ref) } : undefined;
}

/** Stores one event written through to Google, replacing its previous version if it moved. */
export async function storeEvent(orgId: string, userId: string, record: EventRecord, previous?: StoredRef) {
  const moved = previous && previous.startUtc !== record.startUtc;
  await applyPlan(orgId, userId, {
    puts: [record],
    deleteEvents: moved ? [previous] : [],
    deletePointers: [],
    added: previous ? 0 : 1,
    removed: 0,
  });
}

export async function removeEvent(orgId: string, userId: string, ref: StoredRef) {
  await applyPlan(orgId, userId, {
    puts: [],
    deleteEvents: [ref],
    deletePointers: [ref.googleEventId],
    added: 0,
    removed: 1,
  });
}

/** Empties a user's calendar partition (disconnect). */
export async function deleteAllEvents(orgId: string, userId: string): Promise<void> {
  const doomed: WriteRequest[] = [];
  await queryAll(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.calendarPk(orgId, userId) },
      ProjectionExpression: 'pk, sk',
    },
    (items) => {
      for (const item of items) doomed.push({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } });
    },
  );
  await batchWrite(doomed);
}
