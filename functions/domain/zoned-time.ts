/** Wall-clock time in IANA time zones, with Intl only (no time zone database of our own). */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

export interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
}

function parts(timeZone: string, at: number) {
  const out: Record<string, number> = {};
  for (const p of format(timeZone).formatToParts(new Date(at)))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

export function wallClock(timeZone: string, at: number): WallClock {
  const p = parts(timeZone, at);
  const date = `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  return { date, minutes: p.hour * 60 + p.minute };
}

/** Local time minus UTC at instant `at`, in milliseconds. */
function offsetAt(timeZone: string, at: number): number {
  const p = parts(timeZone, at);
  const whole = at - (((at % 1000) + 1000) % 1000);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant a wall-clock time happens in a zone. A repeated time (clocks going back) answers its
 * first occurrence; a skipped time (clocks going forward) answers the moment the clocks jump, the
 * first time that exists after it, so a local period (working hours, an all-day event) whose
 * boundary falls in the gap never reaches past that boundary on the wall clock. Offsets a day
 * either side are the only candidates: zones never change offset twice within a day.
 */
export function instantOf(timeZone: string, date: string, minutes: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d) + minutes * 60_000;
  const before = naive - offsetAt(timeZone, naive - 86_400_000);
  const after = naive - offsetAt(timeZone, naive + 86_400_000);
  const valid = [before, after].filter((candidate) => naive - offsetAt(timeZone, candidate) === candidate);
  return valid.length > 0 ? Math.min(...valid) : jumpBetween(timeZone, after, before);
}

/** The first second at or after `from` whose offset is already the one in force at `to`. */
function jumpBetween(timeZone: string, from: number, to: number): number {
  const target = offsetAt(timeZone, to);
  let [lo, hi] = [from, to];
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(timeZone, mid) === target) hi = mid;
    else lo = mid;
  }
  return hi;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
