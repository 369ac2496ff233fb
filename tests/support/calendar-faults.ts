/**
 * Shared by the Google fault tests (calendar-sync-faults, calendar-sync-slow): a member connected to
 * a calendar at the emulator with the first sync still queued, what is stored of it, what Google
 * holds, and one SQS delivery to the worker.
 */
import type { SQSEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { localQueue } from '../../functions/adapters/queue';
import { handler as worker } from '../../functions/jobs/sync-worker';
import { devSubject } from '../../infra/local/dev-identity';
import { calendarItems, connectCalendar, google, timedEvent } from './calendar';
import { seedOrg } from './seed';
import { partition } from './tenancy';

/** The size of the calendars the fault tests connect: four pages of 2,500, so a fault lands mid-sync. */
export const eventCount = 10_000;
/** The page size the emulator is capped to for these calendars (Google's own maximum). */
export const pageSize = 2_500;

/** Connects `as` to a calendar of `count` events at Google, with the first sync still queued. */
export async function connectedWithEvents(as: string, count = eventCount) {
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
export async function stored(orgId: string, userId: string) {
  const items = await calendarItems(orgId, userId);
  const events = items
    .filter((i) => i.type === 'CALENDAR_EVENT')
    .map((i) => `${i.googleEventId} ${i.start}`)
    .sort();
  const refs = items.filter((i) => i.type === 'CALENDAR_EVENT_REF').length;
  const [connection] = (await partition(`ORG#${orgId}`)).filter((i) => i.type === 'CALENDAR_CONNECTION');
  return { events, refs, connection: connection! };
}

/** What Google holds for `as`, in the same form. */
export function atGoogle(as: string) {
  return google.emulator
    .events(as)
    .map((e) => `${e.id} ${new Date(e.start!.dateTime!).toISOString()}`)
    .sort();
}

/** One SQS delivery of a sync message to the worker; true when it reports the message failed. */
export async function deliver(orgId: string, userId: string): Promise<boolean> {
  const event = {
    Records: [{ messageId: 'sync-1', body: JSON.stringify({ kind: 'sync', orgId, userId }) }],
  } as unknown as SQSEvent;
  const { batchItemFailures } = await worker(event);
  return batchItemFailures.length > 0;
}
