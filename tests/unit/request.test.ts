import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { TimeZone } from '../../functions/api/schemas/common';
import { CreateOrgBody } from '../../functions/api/schemas/orgs';
import { etagFor, parseIfMatch, zodFieldErrors } from '../../functions/http/pipeline/request';
import { Problem } from '../../functions/lib/problem';

function problemOf(fn: () => unknown): Problem {
  try {
    fn();
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('expected a Problem');
}

describe('If-Match', () => {
  it('round-trips every version through etagFor, weak or strong', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(), (version, weak) => {
        expect(parseIfMatch(`${weak ? 'W/' : ''}${etagFor(version)}`)).toBe(version);
      }),
    );
  });

  it('refuses anything that is not one of our ETags with a 400 naming If-Match', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\s*(W\/)?"\d{1,15}"\s*$/.test(s)),
        (header) => {
          const problem = problemOf(() => parseIfMatch(header));
          expect(problem.status).toBe(400);
          expect(problem.errors?.[0]?.field).toBe('If-Match');
        },
      ),
    );
  });

  it('is optional', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
  });
});

describe('field errors', () => {
  const schema = z.strictObject({ a: z.strictObject({ b: z.number() }), c: z.optional(z.string()) });

  it('name nested fields by path and every unknown key', () => {
    const result = schema.safeParse({ a: { b: 'x', extra: 1 }, other: true });
    expect(result.success).toBe(false);
    const fields = zodFieldErrors(result.error!).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['a.b', 'a.extra', 'other']));
  });

  it('say what is wrong in English (zod/mini has no messages of its own)', () => {
    const result = CreateOrgBody.safeParse({ name: '', unknown: 1 });
    expect(zodFieldErrors(result.error!)).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'Too small: expected string to have >=1 characters' },
        { field: 'unknown', message: 'is not a known field' },
      ]),
    );
  });

  it('name the body when the whole value is wrong', () => {
    const result = schema.safeParse([1]);
    expect(zodFieldErrors(result.error!).map((e) => e.field)).toEqual(['body']);
  });
});

describe('TimeZone', () => {
  it('accepts every IANA zone the runtime knows', () => {
    for (const zone of Intl.supportedValuesOf('timeZone'))
      expect(TimeZone.safeParse(zone).success).toBe(true);
    expect(TimeZone.safeParse('UTC').success).toBe(true);
  });

  it('refuses offsets, abbreviations that are not zones and made-up names', () => {
    for (const value of ['+02:00', 'GMT+2', 'Mars/Base', 'Europe/Berlinn', '', 'x'.repeat(65)]) {
      expect(TimeZone.safeParse(value).success, value).toBe(false);
    }
  });
});
