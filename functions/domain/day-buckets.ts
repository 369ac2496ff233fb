/**
 * Counters kept per UTC quarter hour and folded into local days on read (the tasks and the
 * conversations summaries). Every zone's offset is a whole number of quarter hours (India +5:30,
 * Nepal +5:45, Chatham +12:45), so the buckets fold exactly into local days anywhere, and a
 * summary reads a few counter items instead of every task or message.
 */
import { addDays, instantOf, wallClock } from './zoned-time';

const bucketMs = 15 * 60_000;

/** The quarter hour `at` falls in, as its start: 2026-01-05T13:45Z (sorts as it reads). */
export function quarterHour(at: string | number): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return `${new Date(ms - (ms % bucketMs)).toISOString().slice(0, 16)}Z`;
}

/** The first and last quarter hour of the local days [from, to) in `tz`. */
export function bucketRange(from: string, to: string, tz: string): { first: string; last: string } {
  return {
    first: quarterHour(instantOf(tz, from, 0)),
    last: quarterHour(instantOf(tz, to, 0) - bucketMs),
  };
}

/** Counters by attribute name. */
export type Counts = Record<string, number>;

/** One quarter hour's counters. */
export interface BucketCounts {
  bucket: string;
  counts: Counts;
}

/**
 * The counters summed per local day of [from, to) in `tz`, in date order with empty days
 * included; buckets outside the range are left out.
 */
export function foldDays(
  from: string,
  to: string,
  tz: string,
  buckets: readonly BucketCounts[],
): { date: string; counts: Counts }[] {
  const days = new Map<string, Counts>();
  for (let date = from; date < to; date = addDays(date, 1)) days.set(date, {});
  for (const { bucket, counts } of buckets) {
    const day = days.get(wallClock(tz, Date.parse(bucket)).date);
    if (!day) continue;
    for (const [name, count] of Object.entries(counts)) day[name] = (day[name] ?? 0) + count;
  }
  return [...days].map(([date, counts]) => ({ date, counts }));
}

/**
 * Per-agent counters are named agent#<agentId>#<counter>. A summary keeps them bounded by counting
 * only a few per agent: DynamoDB items hold 400 KB, and every agent active in a quarter hour adds
 * its names to that quarter hour's item.
 */
export const agentCounterPrefix = 'agent#';
export const agentCounterName = (agentId: string, counter: string) =>
  `${agentCounterPrefix}${agentId}#${counter}`;

/** The per-agent counters of `days`, summed per agent over the whole range. */
export function agentTotals(days: readonly { counts: Counts }[]): Map<string, Counts> {
  const agents = new Map<string, Counts>();
  for (const { counts } of days) {
    for (const [name, count] of Object.entries(counts)) {
      if (!name.startsWith(agentCounterPrefix) || count === 0) continue;
      const at = name.lastIndexOf('#');
      const agentId = name.slice(agentCounterPrefix.length, at);
      const totals = agents.get(agentId) ?? {};
      const counter = name.slice(at + 1);
      totals[counter] = (totals[counter] ?? 0) + count;
      agents.set(agentId, totals);
    }
  }
  return agents;
}
