/**
 * Common free slots of several people: the range, cut to every person's working hours in their
 * own time zone, minus everybody's busy time. Transparent events are free; an all-day event is
 * busy from local midnight to local midnight in its owner's zone. Sorting before merging makes
 * the answer independent of the order of people and events.
 */
import type { CalendarEvent } from '../api/schemas/calendar';
import { addDays, instantOf, wallClock } from './zoned-time';

export interface Interval {
  start: number;
  end: number;
}

export interface Person {
  timezone: string;
  events: readonly Pick<CalendarEvent, 'start' | 'end' | 'allDay' | 'transparent'>[];
}

export interface AvailabilityInput {
  from: number;
  to: number;
  durationMinutes: number;
  /** Minutes since local midnight; end may be 1440. */
  workingHours: { start: number; end: number };
  people: readonly Person[];
}

/** Slot starts sit on this grid (UTC-aligned, which is also local-aligned in every real zone). */
const gridMs = 15 * 60_000;
const maxSlots = 1000;

export function parseWorkingHours(value: string): { start: number; end: number } {
  const [start, end] = value.split('-').map((hm) => {
    const [h, m] = hm.split(':').map(Number) as [number, number];
    return h * 60 + m;
  }) as [number, number];
  return { start, end };
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end > start) out.push({ start, end });
    }
  }
  return merge(out);
}

function subtract(free: Interval[], busy: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const f of free) {
    let cursor = f.start;
    for (const b of busy) {
      if (b.end <= cursor || b.start >= f.end) continue;
      if (b.start > cursor) out.push({ start: cursor, end: b.start });
      cursor = Math.max(cursor, b.end);
    }
    if (cursor < f.end) out.push({ start: cursor, end: f.end });
  }
  return out;
}

function workingWindows(person: Person, input: AvailabilityInput): Interval[] {
  const windows: Interval[] = [];
  const last = addDays(wallClock(person.timezone, input.to).date, 1);
  for (
    let day = addDays(wallClock(person.timezone, input.from).date, -1);
    day <= last;
    day = addDays(day, 1)
  ) {
    windows.push({
      start: instantOf(person.timezone, day, input.workingHours.start),
      end: instantOf(person.timezone, day, input.workingHours.end),
    });
  }
  return merge(windows);
}

function busyIntervals(person: Person): Interval[] {
  return person.events
    .filter((e) => !e.transparent)
    .map((e) =>
      e.allDay
        ? { start: instantOf(person.timezone, e.start, 0), end: instantOf(person.timezone, e.end, 0) }
        : { start: Date.parse(e.start), end: Date.parse(e.end) },
    );
}

export function freeSlots(input: AvailabilityInput): Interval[] {
  let free: Interval[] = [{ start: input.from, end: input.to }];
  for (const person of input.people) free = intersect(free, workingWindows(person, input));
  const busy = merge(input.people.flatMap(busyIntervals));
  const duration = input.durationMinutes * 60_000;
  const slots: Interval[] = [];
  for (const window of subtract(free, busy)) {
    for (
      let start = Math.ceil(window.start / gridMs) * gridMs;
      start + duration <= window.end;
      start += duration
    ) {
      slots.push({ start, end: start + duration });
      if (slots.length >= maxSlots) return slots;
    }
  }
  return slots;
}
