import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AvailabilityInput, freeSlots, type Person } from '../../functions/domain/availability';
import { addDays, instantOf, wallClock } from '../../functions/domain/zoned-time';

const zones = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'Pacific/Kiritimati',
  'America/St_Johns',
];
const minute = 60_000;
const hour = 60 * minute;

/** Local time minus UTC at `t`, read off the wall clock. */
function offsetAt(timeZone: string, t: number): number {
  const { date, minutes } = wallClock(timeZone, t);
  return Date.parse(`${date}T00:00:00Z`) + minutes * minute - Math.floor(t / minute) * minute;
}

/**
 * Within three hours after clocks went back, a wall time repeats: someone working until 03:00 is
 * still at work while the clock shows 02:05 for the second time. Only there may a slot's wall time
 * read outside the working hours.
 */
function justAfterFallBack(timeZone: string, t: number): boolean {
  return offsetAt(timeZone, t) < offsetAt(timeZone, t - 3 * hour);
}
// A fixed week around a DST change in Europe and the US (2030-03-31 / 2030-03-10) keeps clocks honest.
const base = Date.UTC(2030, 2, 28);

const timedEvent = fc
  .record({
    startMin: fc.integer({ min: -600, max: 6 * 1440 }),
    length: fc.integer({ min: 5, max: 600 }),
    transparent: fc.boolean(),
  })
  .map(({ startMin, length, transparent }) => ({
    start: new Date(base + startMin * minute).toISOString(),
    end: new Date(base + (startMin + length) * minute).toISOString(),
    allDay: false,
    transparent,
  }));

const allDayEvent = fc
  .record({
    day: fc.integer({ min: -1, max: 6 }),
    days: fc.integer({ min: 1, max: 3 }),
    transparent: fc.boolean(),
  })
  .map(({ day, days, transparent }) => {
    const start = addDays('2030-03-28', day);
    return { start, end: addDays(start, days), allDay: true, transparent };
  });

const person: fc.Arbitrary<Person> = fc.record({
  timezone: fc.constantFrom(...zones),
  events: fc.array(fc.oneof(timedEvent, timedEvent, allDayEvent), { maxLength: 12 }),
});

const workingHours = fc
  .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
  .filter(([a, b]) => b > a)
  .map(([a, b]) => ({ start: a * 15, end: b * 15 }));

const input: fc.Arbitrary<AvailabilityInput> = fc
  .record({
    from: fc.integer({ min: 0, max: 2 * 1440 }).map((m) => base + m * minute),
    span: fc.integer({ min: 60, max: 4 * 1440 }),
    durationMinutes: fc.constantFrom(15, 30, 45, 60, 90),
    workingHours,
    people: fc.array(person, { minLength: 1, maxLength: 4 }),
  })
  .map(({ span, ...rest }) => ({ ...rest, to: rest.from + span * minute }));

function busyOf(p: Person) {
  return p.events.filter((e) => !e.transparent);
}

/** Independent of the implementation: does the slot touch the event, judged by wall clocks? */
function overlaps(slot: { start: number; end: number }, timezone: string, e: Person['events'][number]) {
  if (!e.allDay) return slot.start < Date.parse(e.end) && Date.parse(e.start) < slot.end;
  // Slots are shorter than a day, so checking both ends' local dates is enough.
  const dates = [wallClock(timezone, slot.start).date, wallClock(timezone, slot.end - 1).date];
  return dates.some((d) => d >= e.start && d < e.end);
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('freeSlots (properties)', () => {
  it('never returns a slot that overlaps a busy event of anyone', () => {
    fc.assert(
      fc.property(input, (req) => {
        for (const slot of freeSlots(req)) {
          for (const p of req.people)
            for (const e of busyOf(p)) expect(overlaps(slot, p.timezone, e)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every slot inside everyone’s working hours, in their own time zone, and inside the range', () => {
    fc.assert(
      fc.property(input, (req) => {
        for (const slot of freeSlots(req)) {
          expect(slot.start).toBeGreaterThanOrEqual(req.from);
          expect(slot.end).toBeLessThanOrEqual(req.to);
          expect(slot.end - slot.start).toBe(req.durationMinutes * minute);
          for (const p of req.people) {
            // Every minute of the slot falls within that day's working hours on the person's clock.
            for (let t = slot.start; t < slot.end; t += 5 * minute) {
              const { minutes } = wallClock(p.timezone, t);
              const outside = minutes < req.workingHours.start || minutes >= req.workingHours.end;
              if (outside && !justAfterFallBack(p.timezone, t)) {
                expect.fail(`${new Date(t).toISOString()} is outside working hours in ${p.timezone}`);
              }
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of people or events', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 1_000_000 }), (req, seed) => {
        const reordered = {
          ...req,
          people: shuffle(req.people, seed).map((p) => ({ ...p, events: shuffle(p.events, seed + 1) })),
        };
        expect(freeSlots(reordered)).toEqual(freeSlots(req));
      }),
      { numRuns: 200 },
    );
  });

  it('treats transparent events as free', () => {
    fc.assert(
      fc.property(input, (req) => {
        const opaqueOnly = { ...req, people: req.people.map((p) => ({ ...p, events: busyOf(p) })) };
        expect(freeSlots(req)).toEqual(freeSlots(opaqueOnly));
      }),
      { numRuns: 200 },
    );
  });
});

describe('freeSlots (examples)', () => {
  const day = '2030-06-03';
  const utc = (h: number, m = 0) => Date.UTC(2030, 5, 3, h, m);

  it('ends working hours that end inside a spring-forward gap when the clocks jump', () => {
    // Berlin, 2030-03-31: 02:00 local jumps to 03:00 (01:00Z). Hours 00:00-02:15 end at the jump.
    const slots = freeSlots({
      from: Date.UTC(2030, 2, 30, 22, 50),
      to: Date.UTC(2030, 2, 31, 12),
      durationMinutes: 15,
      workingHours: { start: 0, end: 135 },
      people: [{ timezone: 'Europe/Berlin', events: [] }],
    });
    expect(slots.length).toBeGreaterThan(0);
    expect(Math.max(...slots.map((s) => s.end))).toBe(Date.UTC(2030, 2, 31, 1));
  });

  it('cuts meetings out of a working day', () => {
    const slots = freeSlots({
      from: utc(0),
      to: utc(24),
      durationMinutes: 60,
      workingHours: { start: 9 * 60, end: 13 * 60 },
      people: [
        {
          timezone: 'UTC',
          events: [
            {
              start: new Date(utc(10)).toISOString(),
              end: new Date(utc(10, 30)).toISOString(),
              allDay: false,
              transparent: false,
            },
          ],
        },
      ],
    });
    expect(slots.map((s) => new Date(s.start).toISOString().slice(11, 16))).toEqual([
      '09:00',
      '10:30',
      '11:30',
    ]);
  });

  it('blocks the whole local day of an opaque all-day event, in the owner’s zone', () => {
    const slots = freeSlots({
      from: utc(0) - 86_400_000,
      to: utc(0) + 2 * 86_400_000,
      durationMinutes: 60,
      workingHours: { start: 9 * 60, end: 10 * 60 },
      people: [
        {
          timezone: 'Asia/Tokyo',
          events: [{ start: day, end: addDays(day, 1), allDay: true, transparent: false }],
        },
      ],
    });
    const localDays = slots.map((s) => wallClock('Asia/Tokyo', s.start).date);
    expect(localDays).toEqual(['2030-06-02', '2030-06-04']);
  });

  it('finds the overlap of two zones’ working hours', () => {
    const slots = freeSlots({
      from: utc(0),
      to: utc(24),
      durationMinutes: 60,
      workingHours: { start: 9 * 60, end: 17 * 60 },
      people: [
        { timezone: 'Europe/London', events: [] },
        { timezone: 'America/New_York', events: [] },
      ],
    });
    // London 09-17 is 08-16 UTC in June; New York 09-17 is 13-21 UTC.
    expect(slots.map((s) => new Date(s.start).getUTCHours())).toEqual([13, 14, 15]);
  });
});

describe('instantOf', () => {
  it('maps wall clocks back to instants, across DST changes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 60 * 24 * 10 }), (zone, m) => {
        const at = base + m * minute;
        const clock = wallClock(zone, at);
        const back = instantOf(zone, clock.date, clock.minutes);
        // Same wall clock; in a repeated hour we answer its first occurrence.
        expect(wallClock(zone, back)).toEqual(clock);
        expect(back).toBeLessThanOrEqual(at);
      }),
    );
  });

  it('answers the first of a repeated time, and the moment the clocks jump for a skipped one', () => {
    expect(new Date(instantOf('Europe/Berlin', '2030-10-27', 150)).toISOString()).toBe(
      '2030-10-27T00:30:00.000Z',
    );
    expect(new Date(instantOf('Europe/Berlin', '2030-03-31', 150)).toISOString()).toBe(
      '2030-03-31T01:00:00.000Z',
    );
    // A zone whose clocks jump at midnight: the skipped midnight starts the day at 01:00 local.
    expect(new Date(instantOf('America/Santiago', '2030-09-08', 0)).toISOString()).toBe(
      new Date(Date.UTC(2030, 8, 8, 4, 0)).toISOString(),
    );
    expect(new Date(instantOf('Europe/Berlin', '2030-03-31', 60)).toISOString()).toBe(
      '2030-03-31T00:00:00.000Z',
    );
  });
});
