/**
 * The day-range query both summaries take (schemas/common DayRangeQuery): bad ranges and zones
 * are 400s naming the field, and the longest range is answered with a row per day.
 */
import { expect } from 'vitest';
import { call } from './api';

const refused: [string, string][] = [
  ['from=2026-03-01&to=2026-03-01', 'to'],
  ['from=2026-03-02&to=2026-03-01', 'to'],
  ['from=2026-01-01&to=2026-04-04', 'to'],
  ['from=2026-13-01&to=2026-03-01', 'from'],
  ['from=2026-03-01&to=2026-03-02&tz=Mars/Olympus', 'tz'],
  ['from=2026-03-01&to=2026-03-02&tz=%2B05:45', 'tz'],
  ['to=2026-03-02', 'from'],
  ['from=2026-03-01&to=2026-03-02&agent=x', 'agent'],
];

/** Checks `path`'s refusals as `as`; answers the longest range's body (92 days). */
export async function expectDayRangeRules(path: string, as: string) {
  for (const [query, field] of refused) {
    const res = await call('GET', `${path}?${query}`, { as });
    expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)], query).toEqual([
      400,
      [field],
    ]);
  }
  const ok = await call('GET', `${path}?from=2026-01-01&to=2026-04-03`, { as });
  expect([ok.status, ok.body.days.length]).toEqual([200, 92]);
  return ok.body;
}
