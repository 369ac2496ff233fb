import * as z from 'zod';
import { IsoDateTime, ListQuery, page, TimeZone } from './common';
import { UserId } from './members';
import { OrgParams } from './orgs';

export const IsoDate = z.iso.date();

export const EventParams = OrgParams.extend({ eventId: z.string().regex(/^evt_[a-z0-9_-]{1,1024}$/i) });

export const CalendarStatus = z.enum(['connected', 'syncing', 'needs_reauth', 'error', 'not_connected']);

export const CalendarConnectionView = z
  .object({
    status: CalendarStatus,
    /** The connected Google account; null when not connected or connected before it was kept. */
    accountEmail: z.string().nullable(),
    lastSyncedAt: IsoDateTime.nullable(),
    lastError: z.string().nullable(),
    eventCount: z.number().int(),
  })
  .meta({ id: 'CalendarConnection' });
export type CalendarConnectionView = z.infer<typeof CalendarConnectionView>;

/** ok; failing: the last sync failed or Google wants a new consent; stale: no sync for too long. */
export const SyncHealth = z.enum(['ok', 'failing', 'stale']);
export type SyncHealth = z.infer<typeof SyncHealth>;

/** A member's connection as managers see it on the org's dashboard: sync state, never a token. */
export const OrgCalendarConnection = z
  .object({
    userId: z.string(),
    accountEmail: z.string().nullable(),
    status: CalendarStatus.exclude(['not_connected']),
    lastSyncedAt: IsoDateTime.nullable(),
    /** The last sync's error: its first line, at most 200 characters. */
    lastError: z.string().nullable(),
    health: SyncHealth,
  })
  .meta({ id: 'OrgCalendarConnection' });
export type OrgCalendarConnection = z.infer<typeof OrgCalendarConnection>;
export const OrgCalendarConnectionPage = page(OrgCalendarConnection);

export const AuthorizeResponse = z.object({ url: z.url() });
export const SyncAccepted = z.object({ status: z.literal('queued') });

/** Google appends scope, authuser, prompt... to the redirect; only these matter, the rest is dropped. */
export const OAuthCallbackQuery = z.object({
  state: z.string().min(1).max(2048),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().max(200).optional(),
});

/** Timed events are UTC instants; all-day events are dates (end exclusive), as Google has them. */
export const EventTime = z.union([IsoDateTime, IsoDate]);

export const Attendee = z.object({
  email: z.string(),
  displayName: z.string().nullable(),
  responseStatus: z.string().nullable(),
});

export const CalendarEvent = z
  .object({
    id: z.string(),
    googleEventId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    location: z.string().nullable(),
    start: EventTime,
    end: EventTime,
    allDay: z.boolean(),
    timezone: z.string().nullable(),
    attendees: z.array(Attendee),
    transparent: z.boolean(),
  })
  .meta({ id: 'CalendarEvent' });
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

export const EventsQuery = ListQuery.extend({ from: IsoDateTime, to: IsoDateTime, userId: UserId.optional() })
  .refine(rangeRules[0][0], { path: ['to'], message: rangeRules[0][1] })
  .refine(rangeRules[1][0], { path: ['to'], message: rangeRules[1][1] });

const NewAttendee = z.strictObject({ email: z.email().max(254) });
const Title = z.string().trim().min(1).max(500);

export const CreateEventBody = z
  .strictObject({
    title: Title,
    description: z.string().max(8000).optional(),
    location: z.string().max(1000).optional(),
    start: EventTime,
    end: EventTime,
    timezone: TimeZone.optional(),
    attendees: z.array(NewAttendee).max(100).optional(),
    transparent: z.boolean().optional(),
  })
  .refine((b) => IsoDate.safeParse(b.start).success === IsoDate.safeParse(b.end).success, {
    path: ['end'],
    message: 'must be a date when start is a date (all-day), or a date-time when start is one',
  })
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { path: ['end'], message: 'must be after start' });
export type CreateEventBody = z.infer<typeof CreateEventBody>;

export const UpdateEventBody = z
  .strictObject({
    title: Title.optional(),
    description: z.string().max(8000).optional(),
    location: z.string().max(1000).optional(),
    start: EventTime.optional(),
    end: EventTime.optional(),
    transparent: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { path: ['body'], message: 'must change at least one field' });
export type UpdateEventBody = z.infer<typeof UpdateEventBody>;

const WorkingHours = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must look like 09:00-17:00')
  .refine((v) => v.slice(0, 5) < v.slice(6), 'must end after it starts');

export const AvailabilityQuery = z
  .strictObject({
    userIds: z
      .string()
      .max(2000)
      .transform((v) => [...new Set(v.split(',').map((s) => s.trim()))])
      .pipe(z.array(UserId).min(1).max(20)),
    from: IsoDateTime,
    to: IsoDateTime,
    durationMinutes: z.coerce.number().int().min(5).max(480),
    workingHours: WorkingHours.default('09:00-17:00'),
  })
  .refine(rangeRules[0][0], { path: ['to'], message: rangeRules[0][1] })
  .refine(rangeRules[1][0], { path: ['to'], message: rangeRules[1][1] });
export type AvailabilityQuery = z.infer<typeof AvailabilityQuery>;

export const Slot = z.object({ start: IsoDateTime, end: IsoDateTime });
export const AvailabilityResponse = z.object({ slots: z.array(Slot) }).meta({ id: 'Availability' });
