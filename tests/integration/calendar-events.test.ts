import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSubject } from '../../infra/local/dev-identity';
import { call, countRoundTrips } from '../support/api';
import {
  calendarItems,
  connectAndSync,
  fault,
  google,
  runQueuedSyncs,
  timedEvent,
} from '../support/calendar';
import { seedOrg, seedProfile } from '../support/seed';

afterAll(() => google.stop());

const member = 'ev-member@example.com';
const manager = 'ev-manager@example.com';
const other = 'ev-other@example.com';
const planner = 'ev-planner@example.com';
let orgId: string;

const day = 86_400_000;
const tomorrow = new Date(Math.ceil(Date.now() / day) * day + day);
const at = (hours: number) => new Date(tomorrow.getTime() + hours * 3_600_000);
const range = (from: Date, to: Date) => `from=${from.toISOString()}&to=${to.toISOString()}`;
/** An all-day event from `tomorrow` + `first` days to + `end` days (end exclusive), as Google has it. */
const allDayEvent = (summary: string, first: number, end: number) => ({
  summary,
  start: {
    date: at(24 * first)
      .toISOString()
      .slice(0, 10),
  },
  end: {
    date: at(24 * end)
      .toISOString()
      .slice(0, 10),
  },
});

beforeAll(async () => {
  orgId = await seedOrg({ [member]: 'member', [manager]: 'manager', [other]: 'member', [planner]: 'member' });
  google.emulator.addEvents(member, [timedEvent('Member meeting', at(10), 60)]);
  google.emulator.addEvents(other, [timedEvent('Other meeting', at(11), 60)]);
  google.emulator.addEvents(planner, [
    allDayEvent('All day 1', 1, 2),
    timedEvent('Day 2 morning', at(24 * 2 + 8), 60),
    timedEvent('Day 0 afternoon', at(15), 60),
    allDayEvent('All day 2-3', 2, 4),
    timedEvent('Day 0 late', at(23.5), 60),
    allDayEvent('All day 3', 3, 4),
    timedEvent('Day 1 morning', at(24 + 9), 60),
    timedEvent('Day 3 noon', at(24 * 3 + 12), 60),
  ]);
  for (const email of [member, manager, other, planner]) await connectAndSync(orgId, email);
});

async function snapshot(email: string) {
  return {
    google: JSON.stringify(google.emulator.events(email)),
    store: JSON.stringify(await calendarItems(orgId, devSubject(email))),
  };
}

describe('GET events', () => {
  it('lists the caller’s own events in the range', async () => {
    const res = await call('GET', `/orgs/${orgId}/calendar/events?${range(at(0), at(24))}`, { as: member });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        id: expect.stringMatching(/^evt_/),
        googleEventId: expect.any(String),
        title: 'Member meeting',
        description: null,
        location: null,
        start: at(10).toISOString(),
        end: at(11).toISOString(),
        allDay: false,
        timezone: null,
        attendees: [],
        transparent: false,
      },
    ]);
  });

  it('lists all-day and timed events in start order, a date sorting at its midnight UTC', async () => {
    const titles: string[] = [];
    let cursor: string | undefined;
    do {
      const q = `${range(at(0), at(24 * 3))}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call('GET', `/orgs/${orgId}/calendar/events?${q}`, { as: planner });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      titles.push(...res.body.items.map((e: { title: string }) => e.title));
      cursor = res.body.nextCursor;
    } while (cursor);
    // "All day 3" has begun before `to` east of UTC, so it is in the range; "Day 3 noon" is not.
    expect(titles).toEqual([
      'Day 0 afternoon',
      'Day 0 late',
      'All day 1',
      'Day 1 morning',
      'All day 2-3',
      'Day 2 morning',
      'All day 3',
    ]);
  });

  it('refuses a cursor of another range', async () => {
    const first = await call('GET', `/orgs/${orgId}/calendar/events?${range(at(0), at(72))}&limit=1`, {
      as: planner,
    });
    const q = `${range(at(24), at(72))}&cursor=${encodeURIComponent(first.body.nextCursor)}`;
    const res = await call('GET', `/orgs/${orgId}/calendar/events?${q}`, { as: planner });
    expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'cursor']);
  });

  it('lets managers read a member’s events, but not members each other’s', async () => {
    const q = `${range(at(0), at(24))}&userId=${devSubject(other)}`;
    const asManager = await call('GET', `/orgs/${orgId}/calendar/events?${q}`, { as: manager });
    expect(asManager.status).toBe(200);
    expect(asManager.body.items.map((e: { title: string }) => e.title)).toEqual(['Other meeting']);
    expect((await call('GET', `/orgs/${orgId}/calendar/events?${q}`, { as: member })).status).toBe(403);
    const outsider = `${range(at(0), at(24))}&userId=${devSubject('nobody@example.com')}`;
    expect((await call('GET', `/orgs/${orgId}/calendar/events?${outsider}`, { as: manager })).status).toBe(
      404,
    );
  });

  it('reads one member’s events with a single Query', async () => {
    const q = `${range(at(0), at(24))}&userId=${devSubject(other)}`;
    const { result, calls } = await countRoundTrips(() =>
      call('GET', `/orgs/${orgId}/calendar/events?${q}`, { as: manager }),
    );
    expect(result.status).toBe(200);
    expect(calls.filter((c) => c === 'Query')).toHaveLength(1);
    expect(calls.filter((c) => c === 'Scan')).toHaveLength(0);
    expect(calls.length).toBeLessThanOrEqual(4);
  });

  it('does not show another org’s calendar to its members (404)', async () => {
    const elsewhere = await seedOrg({ 'elsewhere@example.com': 'owner' });
    const res = await call('GET', `/orgs/${elsewhere}/calendar/events?${range(at(0), at(24))}`, {
      as: member,
    });
    expect(res.status).toBe(404);
  });
});

describe('write-through', () => {
  it('creates at Google first, then stores; patch and delete follow the same path', async () => {
    const created = await call('POST', `/orgs/${orgId}/calendar/events`, {
      as: member,
      body: {
        title: 'Demo',
        start: at(14).toISOString(),
        end: at(15).toISOString(),
        attendees: [{ email: 'guest@example.com' }],
        location: 'Room 1',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ title: 'Demo', location: 'Room 1', transparent: false });
    expect(google.emulator.events(member).map((e) => e.summary)).toContain('Demo');
    expect((await call('GET', `/orgs/${orgId}/calendar`, { as: member })).body.eventCount).toBe(2);

    const patched = await call('PATCH', `/orgs/${orgId}/calendar/events/${created.body.id}`, {
      as: member,
      body: { title: 'Demo (moved)', start: at(16).toISOString(), end: at(17).toISOString() },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Demo (moved)', start: at(16).toISOString() });
    const listed = await call('GET', `/orgs/${orgId}/calendar/events?${range(at(0), at(24))}`, {
      as: member,
    });
    expect(listed.body.items.map((e: { title: string }) => e.title)).toEqual([
      'Member meeting',
      'Demo (moved)',
    ]);

    // A sync afterwards finds nothing new to write.
    await call('POST', `/orgs/${orgId}/calendar/sync`, { as: member });
    await runQueuedSyncs();
    const stored = await calendarItems(orgId, devSubject(member));
    expect(stored.filter((i) => i.type === 'CALENDAR_EVENT')).toHaveLength(2);

    const removed = await call('DELETE', `/orgs/${orgId}/calendar/events/${created.body.id}`, { as: member });
    expect(removed.status).toBe(204);
    expect(google.emulator.events(member).map((e) => e.summary)).not.toContain('Demo (moved)');
    expect(await calendarItems(orgId, devSubject(member))).toHaveLength(2);
    expect((await call('GET', `/orgs/${orgId}/calendar`, { as: member })).body.eventCount).toBe(1);
  });

  it('creates all-day events as dates', async () => {
    const res = await call('POST', `/orgs/${orgId}/calendar/events`, {
      as: manager,
      body: { title: 'Offsite', start: '2030-05-01', end: '2030-05-03', transparent: true },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      allDay: true,
      start: '2030-05-01',
      end: '2030-05-03',
      transparent: true,
    });
  });

  it.each([
    ['500', 'POST'],
    ['429', 'PATCH'],
    ['500', 'DELETE'],
  ])('answers 502 on Google %s during %s and leaves Google and the store unchanged', async (mode, method) => {
    const existing = await call('GET', `/orgs/${orgId}/calendar/events?${range(at(0), at(24))}`, {
      as: member,
    });
    const id = existing.body.items[0].id;
    const before = await snapshot(member);
    await fault(mode, 10);
    const path =
      method === 'POST' ? `/orgs/${orgId}/calendar/events` : `/orgs/${orgId}/calendar/events/${id}`;
    const body =
      method === 'POST'
        ? { title: 'Never', start: at(18).toISOString(), end: at(19).toISOString() }
        : method === 'PATCH'
          ? { title: 'Never' }
          : undefined;
    const res = await call(method, path, { as: member, body });
    await fault(mode, 0);
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body.detail).toMatch(/Google Calendar is unavailable.*Nothing was changed/);
    expect(await snapshot(member)).toEqual(before);
  });

  it('answers 409 when the caller has no calendar connected', async () => {
    const orgOfLoner = await seedOrg({ 'loner@example.com': 'member' });
    const res = await call('POST', `/orgs/${orgOfLoner}/calendar/events`, {
      as: 'loner@example.com',
      body: { title: 'x', start: at(1).toISOString(), end: at(2).toISOString() },
    });
    expect(res.status).toBe(409);
  });

  it('answers 404 for an event that is not the caller’s', async () => {
    const theirs = await call('GET', `/orgs/${orgId}/calendar/events?${range(at(0), at(24))}`, { as: other });
    const id = theirs.body.items[0].id;
    const res = await call('PATCH', `/orgs/${orgId}/calendar/events/${id}`, {
      as: member,
      body: { title: 'Mine now' },
    });
    expect(res.status).toBe(404);
    expect(google.emulator.events(other)[0]?.summary).toBe('Other meeting');
  });
});

describe('availability', () => {
  it('returns the common free slots within working hours in each member’s time zone', async () => {
    await seedProfile(member, 'UTC');
    await seedProfile(other, 'Europe/Berlin');
    const q = new URLSearchParams({
      userIds: `${devSubject(member)},${devSubject(other)}`,
      from: at(0).toISOString(),
      to: at(24).toISOString(),
      durationMinutes: '60',
      workingHours: '09:00-17:00',
    });
    const res = await call('GET', `/orgs/${orgId}/availability?${q}`, { as: manager });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const berlinOffset = new Date(at(12)).toLocaleString('en-US', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    const offsetHours = Number(berlinOffset) - 12;
    // Overlap of 09-17 UTC and 09-17 Berlin is 09:00 UTC to (17 - offset):00 UTC, minus the two meetings.
    const starts = res.body.slots.map((s: { start: string }) => new Date(s.start).getUTCHours());
    const expected = [9, 12, 13, 14, 15, 16].filter((h) => h + 1 <= 17 - offsetHours);
    expect(starts).toEqual(expected);
  });

  it('refuses other members’ availability to a member (403)', async () => {
    const q = `userIds=${devSubject(other)}&${range(at(0), at(24))}&durationMinutes=30`;
    expect((await call('GET', `/orgs/${orgId}/availability?${q}`, { as: member })).status).toBe(403);
  });
});

describe('bad input', () => {
  const ev = () => `/orgs/${orgId}/calendar/events`;
  const cases: [string, string, () => string, unknown, string][] = [
    ['authorize with a body', 'POST', () => `/orgs/${orgId}/calendar/google/authorize`, { x: 1 }, 'body'],
    ['disconnect with a body', 'DELETE', () => `/orgs/${orgId}/calendar`, { x: 1 }, 'body'],
    ['sync with a body', 'POST', () => `/orgs/${orgId}/calendar/sync`, { x: 1 }, 'body'],
    ['events without from', 'GET', () => `${ev()}?to=${at(1).toISOString()}`, undefined, 'from'],
    ['events with to before from', 'GET', () => `${ev()}?${range(at(5), at(1))}`, undefined, 'to'],
    ['events over 62 days', 'GET', () => `${ev()}?${range(at(0), at(24 * 70))}`, undefined, 'to'],
    ['events with limit 0', 'GET', () => `${ev()}?${range(at(0), at(5))}&limit=0`, undefined, 'limit'],
    [
      'events with a forged cursor',
      'GET',
      () => `${ev()}?${range(at(0), at(5))}&cursor=abc.def`,
      undefined,
      'cursor',
    ],
    [
      'events with a bad userId',
      'GET',
      () => `${ev()}?${range(at(0), at(5))}&userId=bob%40example.com`,
      undefined,
      'userId',
    ],
    [
      'events with an unknown parameter',
      'GET',
      () => `${ev()}?${range(at(0), at(5))}&color=red`,
      undefined,
      'color',
    ],
    ['create without a title', 'POST', ev, { start: at(1).toISOString(), end: at(2).toISOString() }, 'title'],
    [
      'create ending before it starts',
      'POST',
      ev,
      { title: 'x', start: at(2).toISOString(), end: at(1).toISOString() },
      'end',
    ],
    [
      'create mixing a date and a time',
      'POST',
      ev,
      { title: 'x', start: '2030-01-01', end: at(1).toISOString() },
      'end',
    ],
    [
      'create with a bad attendee',
      'POST',
      ev,
      { title: 'x', start: at(1).toISOString(), end: at(2).toISOString(), attendees: [{ email: 'no' }] },
      'attendees.0.email',
    ],
    [
      'create with a bad time zone',
      'POST',
      ev,
      { title: 'x', start: at(1).toISOString(), end: at(2).toISOString(), timezone: 'Mars/Base' },
      'timezone',
    ],
    [
      'create with an unknown field',
      'POST',
      ev,
      { title: 'x', start: at(1).toISOString(), end: at(2).toISOString(), colour: 'red' },
      'colour',
    ],
    ['patch with nothing to change', 'PATCH', () => `${ev()}/evt_abc`, {}, 'body'],
    ['patch with a malformed event id', 'PATCH', () => `${ev()}/not-an-event`, { title: 'x' }, 'eventId'],
    ['delete with a malformed event id', 'DELETE', () => `${ev()}/not-an-event`, undefined, 'eventId'],
    [
      'availability without userIds',
      'GET',
      () => `/orgs/${orgId}/availability?${range(at(0), at(5))}&durationMinutes=30`,
      undefined,
      'userIds',
    ],
    [
      'availability with a bad user id',
      'GET',
      () => `/orgs/${orgId}/availability?userIds=a%2Fb&${range(at(0), at(5))}&durationMinutes=30`,
      undefined,
      'userIds.0',
    ],
    [
      'availability with duration 0',
      'GET',
      () =>
        `/orgs/${orgId}/availability?userIds=${devSubject(member)}&${range(at(0), at(5))}&durationMinutes=0`,
      undefined,
      'durationMinutes',
    ],
    [
      'availability with inverted working hours',
      'GET',
      () =>
        `/orgs/${orgId}/availability?userIds=${devSubject(member)}&${range(at(0), at(5))}&durationMinutes=30&workingHours=17:00-09:00`,
      undefined,
      'workingHours',
    ],
    [
      'availability of a non-member',
      'GET',
      () =>
        `/orgs/${orgId}/availability?userIds=${devSubject('ghost@example.com')}&${range(at(0), at(5))}&durationMinutes=30`,
      undefined,
      'userIds',
    ],
  ];

  it.each(cases)(
    'refuses %s with 400 naming the field and changes nothing',
    async (_n, method, path, body, field) => {
      const before = await snapshot(member);
      const res = await call(method, path(), {
        as: method === 'GET' && path().includes('availability') ? manager : member,
        body,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshot(member)).toEqual(before);
    },
  );

  it('refuses a patch that would end before it starts (400), leaving Google and the store alone', async () => {
    const existing = await call('GET', `/orgs/${orgId}/calendar/events?${range(at(0), at(24))}`, {
      as: member,
    });
    const before = await snapshot(member);
    const res = await call('PATCH', `${ev()}/${existing.body.items[0].id}`, {
      as: member,
      body: { start: at(30).toISOString() },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('start');
    expect(await snapshot(member)).toEqual(before);
  });
});
