import * as z from 'zod/mini';
import { IsoDateTime, ListQuery, page, TimeZone } from './common';
import { UserId } from './members';
import { OrgParams } from './orgs';

export const IsoDate = z.iso.date();

export const EventParams = z.extend(OrgParams, {
  eventId: z.string().check(z.regex(/^evt_[a-z0-9_-]{1,1024}$/i)),
});

export const CalendarStatus = z.enum(['connected', 'syncing', 'needs_reauth', 'error', 'not_connected']);

export const CalendarConnectionView = z
  .object({
    status: CalendarStatus,
    /** The connected Google account; null when not connected or connected before it was kept. */
    accountEmail: z.nullable(z.string()),
    lastSyncedAt: z.nullable(IsoDateTime),
    lastError: z.nullable(z.string()),
    eventCount: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'CalendarConnection' });
export type CalendarConnectionView = z.infer<typeof CalendarConnectionView>;

/** ok; failing: the last sync failed or Google wants a new consent; stale: no sync for too long. */
export const SyncHealth = z.enum(['ok', 'failing', 'stale']);
export type SyncHealth = z.infer<typeof SyncHealth>;

/** A member's connection as managers see it on the org's dashboard: sync state, never a token. */
export const OrgCalendarConnection = z
  .object({
    userId: z.string(),
    accountEmail: z.nullable(z.string()),
    status: z.enum(['connected', 'syncing', 'needs_reauth', 'error']),
    lastSyncedAt: z.nullable(IsoDateTime),
    /** The last sync's error: its first line, at most 200 characters. */
    lastError: z.nullable(z.string()),
    health: SyncHealth,
  })
  .register(z.globalRegistry, { id: 'OrgCalendarConnection' });
export type OrgCalendarConnection = z.infer<typeof OrgCalendarConnection>;
export const OrgCalendarConnectionPage = page(OrgCalendarConnection);

export const AuthorizeResponse = z.object({ url: z.url() });
export const SyncAccepted = z.object({ status: z.literal('queued') });

/** Google appends scope, authuser, prompt... to the redirect; only these matter, the rest is dropped. */
export const OAuthCallbackQuery = z.object({
  state: z.string().check(z.minLength(1), z.maxLength(2048)),
  code: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  error: z.optional(z.string().check(z.maxLength(200))),
});

/** Timed events are UTC instants; all-day events are dates (end exclusive), as Google has them. */
export const EventTime = z.union([IsoDateTime, IsoDate]);

export const Attendee = z.object({
  email: z.string(),
  displayName: z.nullable(z.string()),
  responseStatus: z.nullable(z.string()),
});

export const CalendarEvent = z
  .object({
    id: z.string(),
    googleEventId: z.string(),
    title: z.string(),
    description: z.nullable(z.string()),
    location: z.nullable(z.string()),
    start: EventTime,
    end: EventTime,
    allDay: z.boolean(),
    timezone: z.nullable(z.string()),
    attendees: z.array(Attendee),
    transparent: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'CalendarEvent' });
export type CalendarEvent = z.infer<typeof CalendarEvent>;

export const EventPage = page(CalendarEvent);

const maxRangeDays = 62;
const rangeMs = maxRangeDays * 86_400_000;

const rangeRules = [
  [(q: { from: string; to: string }) => Date.parse(q.to) > Date.parse(q.from), 'must be after from'],
  [
    (q: { from: string; to: string }) => Date.parse(q.to) - Date.parse(q.from) <= rangeMs,
    `must be at most ${maxRangeDays} days after from`,
  ],
] as const;

export const EventsQuery = z
  .extend(ListQuery, { from: IsoDateTime, to: IsoDateTime, userId: z.optional(UserId) })
  .check(
    z.refine(rangeRules[0][0], { path: ['to'], message: rangeRules[0][1] }),
    z.refine(rangeRules[1][0], { path: ['to'], message: rangeRules[1][1] }),
  );

const NewAttendee = z.strictObject({ email: z.email().check(z.maxLength(254)) });
const Title = z.string().check(z.trim(), z.minLength(1), z.maxLength(500));

export const CreateEventBody = z
  .strictObject({
    title: Title,
    description: z.optional(z.string().check(z.maxLength(8000))),
    location: z.optional(z.string().check(z.maxLength(1000))),
    start: EventTime,
    end: EventTime,
    timezone: z.optional(TimeZone),
    attendees: z.optional(z.array(NewAttendee).check(z.maxLength(100))),
    transparent: z.optional(z.boolean()),
  })
  .check(
    z.refine((b) => IsoDate.safeParse(b.start).success === IsoDate.safeParse(b.end).success, {
      path: ['end'],
      message: 'must be a date when start is a date (all-day), or a date-time when start is one',
    }),
    z.refine((b) => Date.parse(b.end) > Date.parse(b.start), {
      path: ['end'],
      message: 'must be after start',
    }),
  );
export type CreateEventBody = z.infer<typeof CreateEventBody>;

export const UpdateEventBody = z
  .strictObject({
    title: z.optional(Title),
    description: z.optional(z.string().check(z.maxLength(8000))),
    location: z.optional(z.string().check(z.maxLength(1000))),
    start: z.optional(EventTime),
    end: z.optional(EventTime),
    transparent: z.optional(z.boolean()),
  })
  .check(
    z.refine((b) => Object.keys(b).length > 0, { path: ['body'], message: 'must change at least one field' }),
  );
export type UpdateEventBody = z.infer<typeof UpdateEventBody>;

const WorkingHours = z.string().check(
  z.regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must look like 09:00-17:00'),
  z.refine((v) => v.slice(0, 5) < v.slice(6), 'must end after it starts'),
);

export const AvailabilityQuery = z
  .strictObject({
    userIds: z.pipe(
      z.pipe(
        z.string().check(z.maxLength(2000)),
        z.transform((v) => [...new Set(v.split(',').map((s) => s.trim()))]),
      ),
      z.array(UserId).check(z.minLength(1), z.maxLength(20)),
    ),
    from: IsoDateTime,
    to: IsoDateTime,
    durationMinutes: z.coerce.number().check(z.int(), z.gte(5), z.lte(480)),
    workingHours: z._default(WorkingHours, '09:00-17:00'),
  })
  .check(
    z.refine(rangeRules[0][0], { path: ['to'], message: rangeRules[0][1] }),
    z.refine(rangeRules[1][0], { path: ['to'], message: rangeRules[1][1] }),
  );
export type AvailabilityQuery = z.infer<typeof AvailabilityQuery>;

export const Slot = z.object({ start: IsoDateTime, end: IsoDateTime });
export const AvailabilityResponse = z
  .object({ slots: z.array(Slot) })
  .register(z.globalRegistry, { id: 'Availability' });
