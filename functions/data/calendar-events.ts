/**
 * Synced calendar events, one partition per (org, user). Each event is two items: the event under
 * EVENT#<startUtc>#<googleId> (range queries by time) and a small GEVENT#<googleId> reference
 * (find an event by id when Google reports a change or a deletion). The items have their own
 * schemas; `eventView` is the one place a stored event becomes the API's CalendarEvent.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { CalendarEvent } from '../api/schemas/calendar';
import { allDayLeadMs, type EventRecord, type PagePlan, type StoredRef } from '../domain/calendar-sync';
import { batchDelete, batchGet, batchWrite, type WriteRequest } from './batch';
import { ddb, tableName } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { keys } from './keys';
import { queryEveryPage } from './page';

/** Events that started this long before a range are still found if they overlap it. */
const longestEventMs = 31 * 86_400_000;

/** The GEVENT#<googleId> item's attributes (besides keys and type): where the event item sits and its version. */
const EventRefItem = z.object({
  googleEventId: z.string(),
  startUtc: z.string(),
  etag: z.nullable(z.string()),
});
type EventRefItem = z.infer<typeof EventRefItem>;
const refProjection = 'googleEventId, startUtc, etag';

/** The EVENT#<startUtc>#<googleId> item's attributes: the event plus its UTC index span and Google's etag. */
const EventItem = z.object({
  id: z.string(),
  googleEventId: z.string(),
  title: z.string(),
  description: z.nullable(z.string()),
  location: z.nullable(z.string()),
  /** A UTC date-time, or a date for all-day events (end exclusive). */
  start: z.string(),
  end: z.string(),
  allDay: z.boolean(),
  timezone: z.nullable(z.string()),
  attendees: z.array(
    z.object({
      email: z.string(),
      displayName: z.nullable(z.string()),
      responseStatus: z.nullable(z.string()),
    }),
  ),
  transparent: z.boolean(),
  startUtc: z.string(),
  endUtc: z.string(),
  etag: z.nullable(z.string()),
});
type EventItem = z.infer<typeof EventItem>;

/** What the API shows of a stored event: everything but the index span and the etag. */
function eventView(item: EventItem): CalendarEvent {
  return {
    id: item.id,
    googleEventId: item.googleEventId,
    title: item.title,
    description: item.description,
    location: item.location,
    start: item.start,
    end: item.end,
    allDay: item.allDay,
    timezone: item.timezone,
    attendees: item.attendees,
    transparent: item.transparent,
  };
}

function eventItem(orgId: string, userId: string, r: EventRecord) {
  const item: EventItem = { ...r.event, startUtc: r.startUtc, endUtc: r.endUtc, etag: r.etag };
  return {
    ...keys.calendarEvent(orgId, userId, r.startUtc, r.event.googleEventId),
    type: 'CALENDAR_EVENT',
    ...EventItem.parse(item),
  };
}

function refItem(orgId: string, userId: string, r: EventRecord) {
  const ref: EventRefItem = { googleEventId: r.event.googleEventId, startUtc: r.startUtc, etag: r.etag };
  return {
    ...keys.calendarEventById(orgId, userId, r.event.googleEventId),
    type: 'CALENDAR_EVENT_REF',
    ...ref,
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
  return EventRefItem.parse(item);
}

/** What is stored for these Google ids (BatchGet of the references). */
export async function refsFor(orgId: string, userId: string, googleIds: readonly string[]) {
  const refKeys = [...new Set(googleIds)].map((id) => keys.calendarEventById(orgId, userId, id));
  const refs = (await batchGet(refKeys, refProjection)).map(refFrom);
  return new Map(refs.map((ref) => [ref.googleEventId, ref]));
}

/** Every stored reference of one user's calendar (a full sync compares against these). */
export async function allRefs(orgId: string, userId: string) {
  const found = new Map<string, StoredRef>();
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.calendarPk(orgId, userId),
        ':prefix': keys.calendarEventByIdPrefix,
      },
      ProjectionExpression: refProjection,
    },
    ({ Items = [] }) => {
      for (const ref of Items.map(refFrom)) found.set(ref.googleEventId, ref);
    },
  );
  return found;
}

/**
 * Events overlapping [from, to), in start order. The key range reaches `allDayLeadMs` past `to` for
 * all-day events that have begun in the earliest zone; timed events in that stretch are filtered out.
 */
function rangeQuery(orgId: string, userId: string, from: string, to: string) {
  // Compared as strings with the stored times, so in their form (milliseconds included).
  const shifted = (iso: string, ms = 0) => new Date(Date.parse(iso) + ms).toISOString();
  const sortRange = {
    from: `${keys.calendarEventPrefix}${shifted(from, -longestEventMs)}`,
    // An all-day event sorting exactly at the bound sorts after `EVENT#<bound>` (its id follows), so it stays out.
    to: `${keys.calendarEventPrefix}${shifted(to, allDayLeadMs)}`,
  };
  return {
    sortRange,
    query: {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      FilterExpression: 'endUtc > :from AND (startUtc < :to OR allDay = :allDay)',
      ExpressionAttributeValues: {
        ':pk': keys.calendarPk(orgId, userId),
        ':low': sortRange.from,
        ':high': sortRange.to,
        ':from': shifted(from),
        ':to': shifted(to),
        ':allDay': true,
      },
    },
  };
}

function eventFrom(item: Record<string, unknown>): CalendarEvent {
  return eventView(EventItem.parse(item));
}

/** One page of a user's events overlapping [from, to), oldest first. */
export async function listEvents(
  orgId: string,
  userId: string,
  range: { from: string; to: string; limit: number; cursor: string | undefined },
) {
  const { sortRange, query } = rangeQuery(orgId, userId, range.from, range.to);
  // A cursor of another range would be a start key outside this one's key range.
  const partition = { attribute: 'pk', value: keys.calendarPk(orgId, userId), sortRange };
  const { Items = [], LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      ...query,
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
  await queryEveryPage(rangeQuery(orgId, userId, from, to).query, ({ Items = [] }) => {
    events.push(...Items.map(eventFrom));
  });
  return events;
}

export async function getEvent(orgId: string, userId: string, googleEventId: string) {
  const { Item: pointer } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.calendarEventById(orgId, userId, googleEventId) }),
  );
  if (!pointer) return undefined;
  const ref = refFrom(pointer);
  const { Item } = await ddb().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.calendarEvent(orgId, userId, ref.startUtc, googleEventId),
    }),
  );
  return Item ? { event: eventFrom(Item), ref } : undefined;
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
  const doomed: { pk: unknown; sk: unknown }[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.calendarPk(orgId, userId) },
      ProjectionExpression: 'pk, sk',
    },
    ({ Items = [] }) => {
      for (const { pk, sk } of Items) doomed.push({ pk, sk });
    },
  );
  await batchDelete(doomed);
}
