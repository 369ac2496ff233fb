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
  listOrgCalendarConnections,
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
  connectionView,
  getConnection,
  listConnections,
  markNeedsReauth,
  releaseLease,
} from '../data/calendar-connections';
import { eventsInRange, getEvent, listEvents, removeEvent, storeEvent } from '../data/calendar-events';
import { getMembership, type Membership } from '../data/memberships';
import { saveOAuthState } from '../data/oauth-states';
import { dynamoUserStore } from '../data/users';
import { freeSlots, parseWorkingHours } from '../domain/availability';
import { orgConnectionView } from '../domain/calendar-health';
import { type GoogleEvent, googleIdOf, recordFromGoogle } from '../domain/calendar-sync';
import { refusals, refuse } from '../domain/refusal';
import { forgetCalendar } from '../jobs/forget-calendar';
import { config } from '../lib/config';
import { type Caller, httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

/** Lease taken by a disconnect so no sync writes events while they are being deleted. */
const disconnectLeaseSeconds = 60;
/** Scheduled syncs run every few minutes anyway; "Sync now" must not become a way to hammer Google. */
const manualSyncCooldownSeconds = 60;

async function connected(orgId: string, userId: string): Promise<CalendarConnection> {
  const c = await getConnection(orgId, userId);
  if (!c) throw refusals.calendarNotConnected();
  if (c.status === 'needs_reauth') throw refusals.calendarNeedsReauth();
  return c;
}

/**
 * Runs a Google call for a route. Whatever Google refused (even when only unavailable) is a 502
 * saying nothing was changed, except an event Google no longer has; a revoked grant also marks
 * the connection as needing a reconnect.
 */
async function atGoogle<T>(c: CalendarConnection, run: (session: GoogleSession) => Promise<T>, now: Date) {
  try {
    return await run(await sessionFor(c));
  } catch (error) {
    if (!(error instanceof GoogleError)) throw error;
    if (error.reason === 'invalid_grant') await markNeedsReauth(c.orgId, c.userId, error.message, now);
    if (error.reason === 'not_found')
      throw refuse('not_found', 'The event no longer exists in Google Calendar.');
    throw refuse('upstream', `${error.message} Nothing was changed.`);
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
    throw refuse('forbidden', 'Only managers and up may read other members’ calendars.');
  }
  if (!(await getMembership(orgId, userId))) throw refusals.notFound();
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
    throw refuse(
      'invalid',
      'must be a date when the other is a date (all-day), or a date-time',
      body.end ? 'end' : 'start',
    );
  }
  if (Date.parse(end) <= Date.parse(start))
    throw refuse('invalid', 'must leave end after start', body.end ? 'end' : 'start');
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
  if (!record) throw refuse('upstream', 'Google returned the event without start and end times.');
  return record;
}

export const handler = httpHandler([
  implement(authorizeGoogleCalendar, async ({ params, caller, now }) => {
    if (!googleConfigured())
      throw refuse('unavailable', 'Google Calendar is not configured for this deployment.');
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

  implement(getCalendarConnection, async ({ params, caller }) => ({
    body: connectionView(await getConnection(params.orgId, caller.identity.sub)),
  })),

  implement(listOrgCalendarConnections, async ({ params, query, now }) => {
    const page = await listConnections(params.orgId, query);
    const { intervalMinutes } = config().sync;
    return { body: { ...page, items: page.items.map((c) => orgConnectionView(c, now, intervalMinutes)) } };
  }),

  implement(disconnectCalendar, async ({ params, caller, now }) => {
    const userId = caller.identity.sub;
    const owner = randomUUID();
    const c = await acquireLease(params.orgId, userId, owner, now, disconnectLeaseSeconds, {
      forSync: false,
    });
    if (!c) {
      if (await getConnection(params.orgId, userId))
        throw refuse('conflict', 'A sync is running; try again in a minute.');
      return {};
    }
    try {
      await forgetCalendar(params.orgId, userId);
    } catch (error) {
      await releaseLease(c, owner);
      // Google failed before anything was deleted; unavailable too stays a 502, as in atGoogle.
      if (error instanceof GoogleError)
        throw refuse('upstream', `${error.message} The calendar is still connected.`);
      throw error;
    }
    return {};
  }),

  implement(syncCalendarNow, async ({ params, caller, now }) => {
    await claimManualSync(params.orgId, caller.identity.sub, now, manualSyncCooldownSeconds);
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
    const current = found(await getEvent(c.orgId, c.userId, googleIdOf(params.eventId)));
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
    const current = found(await getEvent(c.orgId, c.userId, googleIdOf(params.eventId)));
    await atGoogle(c, (s) => googleCalendar().deleteEvent(s, current.event.googleEventId), now);
    await removeEvent(c.orgId, c.userId, current.ref);
    await adjustEventCount(c.orgId, c.userId, -1);
    return {};
  }),

  implement(getAvailability, async ({ params, query, caller, membership }) => {
    const others = query.userIds.filter((id) => id !== caller.identity.sub);
    if (others.length > 0 && !can(membership.role, 'calendar:readOthers')) {
      throw refuse('forbidden', 'Only managers and up may read other members’ availability.');
    }
    const people = await Promise.all(
      query.userIds.map(async (userId) => {
        const [member, user, events] = await Promise.all([
          userId === caller.identity.sub ? membership : getMembership(params.orgId, userId),
          userId === caller.identity.sub ? { profile: caller.profile } : dynamoUserStore.get(userId),
          eventsInRange(params.orgId, userId, query.from, query.to),
        ]);
        if (!member || !user)
          throw refuse('invalid', `${userId} is not a member of this organization`, 'userIds');
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
