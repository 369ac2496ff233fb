/**
 * Pure sync decisions: how a Google event becomes a stored event, which writes one page of
 * changes needs, what a full sync leaves behind, and what a failure does to the connection.
 */
import * as z from 'zod/mini';
import type { CalendarEvent } from '../api/schemas/calendar';

const GoogleTime = z.object({
  dateTime: z.optional(z.string()),
  date: z.optional(z.string()),
  timeZone: z.optional(z.string()),
});

/** The subset of a Calendar v3 event we read and write. */
export const GoogleEvent = z.object({
  id: z.string(),
  status: z.optional(z.enum(['confirmed', 'tentative', 'cancelled'])),
  etag: z.optional(z.string()),
  summary: z.optional(z.string()),
  description: z.optional(z.string()),
  location: z.optional(z.string()),
  start: z.optional(GoogleTime),
  end: z.optional(GoogleTime),
  transparency: z.optional(z.enum(['opaque', 'transparent'])),
  attendees: z.optional(
    z.array(
      z.object({
        email: z.string(),
        displayName: z.optional(z.string()),
        responseStatus: z.optional(z.string()),
      }),
    ),
  ),
});
export type GoogleEvent = z.infer<typeof GoogleEvent>;

const fullSyncDaysBack = 30;
const fullSyncDaysAhead = 180;
const day = 86_400_000;

export function fullSyncWindow(now: Date): { timeMin: string; timeMax: string } {
  return {
    timeMin: new Date(now.getTime() - fullSyncDaysBack * day).toISOString(),
    timeMax: new Date(now.getTime() + fullSyncDaysAhead * day).toISOString(),
  };
}

/**
 * A stored event plus its place in the list (`startUtc`, the instant its key sorts by) and the
 * latest instant it can end (`endUtc`), which range queries use.
 */
export interface EventRecord {
  event: CalendarEvent;
  etag: string | null;
  startUtc: string;
  endUtc: string;
}

/** Events keep Google's id inside ours, so sync and write-through land on the same item. */
export function eventIdFor(googleEventId: string): string {
  return `evt_${googleEventId}`;
}

export function googleIdOf(eventId: string): string {
  return eventId.slice('evt_'.length);
}

// An all-day date starts at 00:00 somewhere between UTC+14 and UTC-12. It sorts at 00:00 UTC of its
// date (how ISO 8601 compares a date with a date-time), so a list mixing all-day and timed events
// is in start order; a range query reaches this far past its end to find the dates that have begun
// in the earliest zone. Availability turns dates into the owner's local day.
export const allDayLeadMs = 14 * 3_600_000;
const latestOffsetMs = 12 * 3_600_000;

export function indexSpan(event: Pick<CalendarEvent, 'start' | 'end' | 'allDay'>) {
  if (!event.allDay) return { startUtc: event.start, endUtc: event.end };
  return {
    startUtc: new Date(Date.parse(event.start)).toISOString(),
    endUtc: new Date(Date.parse(event.end) + latestOffsetMs).toISOString(),
  };
}

function utc(dateTime: string): string | null {
  const ms = Date.parse(dateTime);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Null for cancelled events and for events without usable times (nothing to store). */
export function recordFromGoogle(g: GoogleEvent): EventRecord | null {
  if (g.status === 'cancelled' || !g.start || !g.end) return null;
  const allDay = Boolean(g.start.date && g.end.date);
  const start = allDay ? g.start.date! : g.start.dateTime && utc(g.start.dateTime);
  const end = allDay ? g.end.date! : g.end.dateTime && utc(g.end.dateTime);
  if (!start || !end) return null;
  const event: CalendarEvent = {
    id: eventIdFor(g.id),
    googleEventId: g.id,
    title: g.summary ?? '(no title)',
    description: g.description ?? null,
    location: g.location ?? null,
    start,
    end,
    allDay,
    timezone: g.start.timeZone ?? null,
    attendees: (g.attendees ?? []).map((a) => ({
      email: a.email,
      displayName: a.displayName ?? null,
      responseStatus: a.responseStatus ?? null,
    })),
    transparent: g.transparency === 'transparent',
  };
  return { event, etag: g.etag ?? null, ...indexSpan(event) };
}

/** What the store knows about one event: enough to find and compare it without reading it. */
export interface StoredRef {
  googleEventId: string;
  startUtc: string;
  etag: string | null;
}

export interface PagePlan {
  puts: EventRecord[];
  /** Event items to remove (the event was cancelled or moved to another start). */
  deleteEvents: StoredRef[];
  /** Id lookups to remove (the event is gone). */
  deletePointers: string[];
  added: number;
  removed: number;
}

/** The writes for one page of changes against what is stored; unchanged events cost nothing. */
export function planPage(
  existing: ReadonlyMap<string, StoredRef>,
  changes: readonly GoogleEvent[],
): PagePlan {
  const latest = new Map(changes.map((g) => [g.id, g]));
  const plan: PagePlan = { puts: [], deleteEvents: [], deletePointers: [], added: 0, removed: 0 };
  for (const g of latest.values()) {
    const stored = existing.get(g.id);
    const record = recordFromGoogle(g);
    if (!record) {
      if (stored) {
        plan.deleteEvents.push(stored);
        plan.deletePointers.push(g.id);
        plan.removed++;
      }
      continue;
    }
    // An unchanged event stored under another start (all-day events before they sorted by their
    // date) is written again, so the listing that sees it moves it to its place.
    if (stored && stored.etag !== null && stored.etag === record.etag && stored.startUtc === record.startUtc)
      continue;
    plan.puts.push(record);
    if (!stored) plan.added++;
    else if (stored.startUtc !== record.startUtc) plan.deleteEvents.push(stored);
  }
  return plan;
}

/** After a full listing, whatever is stored but was not listed is gone at Google. */
export function leftovers(existing: ReadonlyMap<string, StoredRef>, seen: ReadonlySet<string>): PagePlan {
  const gone = [...existing.values()].filter((ref) => !seen.has(ref.googleEventId));
  return {
    puts: [],
    deleteEvents: gone,
    deletePointers: gone.map((ref) => ref.googleEventId),
    added: 0,
    removed: gone.length,
  };
}

export type SyncFailureKind = 'invalid_grant' | 'unavailable' | 'rejected';

export interface FailureOutcome {
  status: 'needs_reauth' | 'error';
  lastError: string;
  /** Keep the connection on the schedule (false: only reconnecting helps). */
  keepScheduled: boolean;
  /** Report the message as failed so the queue redelivers it. */
  retryMessage: boolean;
}

export function failureOutcome(kind: SyncFailureKind, detail: string): FailureOutcome {
  switch (kind) {
    case 'invalid_grant':
      return {
        status: 'needs_reauth',
        lastError: 'Google access was revoked or has expired; reconnect the calendar.',
        keepScheduled: false,
        retryMessage: false,
      };
    case 'unavailable':
      return { status: 'error', lastError: detail, keepScheduled: true, retryMessage: true };
    case 'rejected':
      return { status: 'error', lastError: detail, keepScheduled: true, retryMessage: false };
  }
}
