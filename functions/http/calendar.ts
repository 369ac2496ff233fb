/**
 * The caller's Google Calendar within an org: connect, status, disconnect, sync now, events
 * (writes go to Google first and are stored only when Google accepted them) and availability.
 */
import { randomUUID } from 'node:crypto';
import { sessionFor } from '../adapters/calendar-tokens';
import {
  GoogleError,
  type GoogleEventInput,
  type GoogleSession,
  googleCalendar,
  googleConfigured,
} from '../adapters/google-calendar';
import { bindingCookie, bindingHash, callbackUrl, issueState } from '../adapters/oauth-state';
import { syncQueue } from '../adapters/queue';
import { can } from '../api/permissions';
import {
  authorizeGoogleCalendar,
  createCalendarEvent,
  deleteCalendarEvent,
  disconnectCalendar,
  getAvailability,
  getCalendarConnection,
  listCalendarEvents,
  syncCalendarNow,
  updateCalendarEvent,
} from '../api/routes/calendar';
import {
  type CalendarEvent,
  type CreateEventBody,
  IsoDate,
  type UpdateEventBody,
} from '../api/schemas/calendar';
import {
  acquireLease,
  adjustEventCount,
  type CalendarConnection,
  claimManualSync,
  getConnection,
  markNeedsReauth,
  releaseLease,
} from '../data/calendar-connections';
import { eventsInRange, getEvent, listEvents, removeEvent, storeEvent } from '../data/calendar-events';
import { getMembership, type Membership } from '../data/memberships';
import { saveOAuthState } from '../data/oauth-states';
import { dynamoUserStore } from '../data/users';
import { freeSlots, parseWorkingHours } from '../domain/availability';
import { type GoogleEvent, googleIdOf, recordFromGoogle } from '../domain/calendar-sync';
import { forgetCalendar } from '../jobs/forget-calendar';
import { problems } from '../lib/problem';
import { type Caller, httpHandler, implement } from './pipeline/handler';

/** Lease taken by a disconnect so no sync writes events while they are being deleted. */
const disconnectLeaseSeconds = 60;
/** Scheduled syncs run every few minutes anyway; "Sync now" must not become a way to hammer Google. */
const manualSyncCooldownSeconds = 60;

const notConnected = () => problems.conflict('Connect your Google Calendar first.');
const needsReauth = () => problems.conflict('Google access has ended; reconnect your calendar.');

async function connected(orgId: string, userId: string): Promise<CalendarConnection> {
  const c = await getConnection(orgId, userId);
  if (!c) throw notConnected();
  if (c.status === 'needs_reauth') throw needsReauth();
  return c;
}

/** Runs a Google call for a route: a refusal becomes 502 with a message safe to show. */
async function atGoogle<T>(c: CalendarConnection, run: (session: GoogleSession) => Promise<T>, now: Date) {
  try {
    return await run(await sessionFor(c));
  } catch (error) {
    if (!(error instanceof GoogleError)) throw error;
    if (error.kind === 'invalid_grant') await markNeedsReauth(c.orgId, c.userId, error.message, now);
    if (error.kind === 'not_found') throw problems.notFound('The event no longer exists in Google Calendar.');
    throw problems.badGateway(`${error.message} Nothing was changed.`);
  }
}

/** Another member's calendar needs calendar:readOthers and that person's membership in this org. */
async function readableUser(
  orgId: string,
  membership: Membership,
  caller: Caller,
  userId: string | undefined,
) {
  if (userId === undefined || userId === caller.identity.sub) return caller.identity.sub;
  if (!can(membership.role, 'calendar:readOthers')) {
    throw problems.forbidden('Only managers and up may read other members’ calendars.');
  }
  if (!(await getMembership(orgId, userId))) throw problems.notFound();
  return userId;
}

function googleTime(value: string, timeZone: string | undefined) {
  if (IsoDate.safeParse(value).success) return { date: value };
  return { dateTime: value, ...(timeZone ? { timeZone } : {}) };
}

function newGoogleEvent(body: CreateEventBody): GoogleEventInput {
  return {
    summary: body.title,
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.location !== undefined ? { location: body.location } : {}),
    start: googleTime(body.start, body.timezone),
    end: googleTime(body.end, body.timezone),
    transparency: body.transparent ? 'transparent' : 'opaque',
    ...(body.attendees ? { attendees: body.attendees } : {}),
  };
}

function googlePatch(current: CalendarEvent, body: UpdateEventBody): Partial<GoogleEventInput> {
  const start = body.start ?? current.start;
  const end = body.end ?? current.end;
  if (IsoDate.safeParse(start).success !== IsoDate.safeParse(end).success) {
    throw problems.invalidField(
      body.end ? 'end' : 'start',
      'must be a date when the other is a date (all-day), or a date-time',
    );
  }
  if (Date.parse(end) <= Date.parse(start))
    throw problems.invalidField(body.end ? 'end' : 'start', 'must leave end after start');
  const timeZone = current.timezone ?? undefined;
  return {
    ...(body.title !== undefined ? { summary: body.title } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.location !== undefined ? { location: body.location } : {}),
    ...(body.start || body.end ? { start: googleTime(start, timeZone), end: googleTime(end, timeZone) } : {}),
    ...(body.transparent !== undefined ? { transparency: body.transparent ? 'transparent' : 'opaque' } : {}),
  };
}

function stored(g: GoogleEvent) {
  const record = recordFromGoogle(g);
  if (!record) throw problems.badGateway('Google returned the event without start and end times.');
  return record;
}

export const handler = httpHandler([
  implement(authorizeGoogleCalendar, async ({ params, caller, now }) => {
    if (!googleConfigured())
      throw problems.unavailable('Google Calendar is not configured for this deployment.');
    const { claims, state, binding, codeChallenge } = await issueState(
      params.orgId,
      caller.identity.sub,
      now,
    );
    await saveOAuthState({ ...claims, bindingHash: bindingHash(binding) });
    const url = await googleCalendar().consentUrl({
      state,
      loginHint: caller.profile.email,
      redirectUri: callbackUrl(),
      codeChallenge,
    });
    return { body: { url }, headers: { 'set-cookie': bindingCookie(binding) } };
  }),

  implement(getCalendarConnection, async ({ params, caller }) => {
    const c = await getConnection(params.orgId, caller.identity.sub);
    if (!c)
      return {
        body: { status: 'not_connected' as const, lastSyncedAt: null, lastError: null, eventCount: 0 },
      };
    return { body: c };
  }),

  implement(disconnectCalendar, async ({ params, caller, now }) => {
    const userId = caller.identity.sub;
    const owner = randomUUID();
    const c = await acquireLease(params.orgId, userId, owner, now, disconnectLeaseSeconds, {
      forSync: false,
    });
    if (!c) {
      if (await getConnection(params.orgId, userId))
        throw problems.conflict('A sync is running; try again in a minute.');
      return {};
    }
    try {
      await forgetCalendar(params.orgId, userId);
    } catch (error) {
      await releaseLease(c, owner);
      if (error instanceof GoogleError)
        throw problems.badGateway(`${error.message} The calendar is still connected.`);
      throw error;
    }
    return {};
  }),

  implement(syncCalendarNow, async ({ params, caller, now }) => {
    const claim = await claimManualSync(params.orgId, caller.identity.sub, now, manualSyncCooldownSeconds);
    if (!claim.ok) {
      if (claim.reason === 'cooling_down')
        throw problems.tooManyRequests(
          `A sync was requested less than ${manualSyncCooldownSeconds} seconds ago; try again later.`,
          claim.retryAfterSeconds,
        );
      throw claim.reason === 'not_connected' ? notConnected() : needsReauth();
    }
    await syncQueue().send([{ kind: 'sync', orgId: params.orgId, userId: caller.identity.sub }]);
    return { body: { status: 'queued' as const } };
  }),

  implement(listCalendarEvents, async ({ params, query, caller, membership }) => {
    const userId = await readableUser(params.orgId, membership, caller, query.userId);
    const page = await listEvents(params.orgId, userId, {
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor,
    });
    return { body: page };
  }),

  implement(createCalendarEvent, async ({ params, body, caller, now }) => {
    const c = await connected(params.orgId, caller.identity.sub);
    const created = await atGoogle(c, (s) => googleCalendar().insertEvent(s, newGoogleEvent(body)), now);
    const record = stored(created);
    await storeEvent(c.orgId, c.userId, record);
    await adjustEventCount(c.orgId, c.userId, 1);
    return { body: record.event };
  }),

  implement(updateCalendarEvent, async ({ params, body, caller, now }) => {
    const c = await connected(params.orgId, caller.identity.sub);
    const current = await getEvent(c.orgId, c.userId, googleIdOf(params.eventId));
    if (!current) throw problems.notFound();
    const patch = googlePatch(current.event, body);
    const updated = await atGoogle(
      c,
      (s) => googleCalendar().patchEvent(s, current.event.googleEventId, patch),
      now,
    );
    const record = stored(updated);
    await storeEvent(c.orgId, c.userId, record, current.ref);
    return { body: record.event };
  }),

  implement(deleteCalendarEvent, async ({ params, caller, now }) => {
    const c = await connected(params.orgId, caller.identity.sub);
    const current = await getEvent(c.orgId, c.userId, googleIdOf(params.eventId));
    if (!current) throw problems.notFound();
    await atGoogle(c, (s) => googleCalendar().deleteEvent(s, current.event.googleEventId), now);
    await removeEvent(c.orgId, c.userId, current.ref);
    await adjustEventCount(c.orgId, c.userId, -1);
    return {};
  }),

  implement(getAvailability, async ({ params, query, caller, membership }) => {
    const others = query.userIds.filter((id) => id !== caller.identity.sub);
    if (others.length > 0 && !can(membership.role, 'calendar:readOthers')) {
      throw problems.forbidden('Only managers and up may read other members’ availability.');
    }
    const people = await Promise.all(
      query.userIds.map(async (userId) => {
        const [member, user, events] = await Promise.all([
          userId === caller.identity.sub ? membership : getMembership(params.orgId, userId),
          userId === caller.identity.sub ? { profile: caller.profile } : dynamoUserStore.get(userId),
          eventsInRange(params.orgId, userId, query.from, query.to),
        ]);
        if (!member || !user)
          throw problems.invalidField('userIds', `${userId} is not a member of this organization`);
        return { timezone: user.profile.timezone, events };
      }),
    );
    const slots = freeSlots({
      from: Date.parse(query.from),
      to: Date.parse(query.to),
      durationMinutes: query.durationMinutes,
      workingHours: parseWorkingHours(query.workingHours),
      people,
    });
    return {
      body: {
        slots: slots.map((s) => ({
          start: new Date(s.start).toISOString(),
          end: new Date(s.end).toISOString(),
        })),
      },
    };
  }),
]);
