import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships no messages (every issue would read "Invalid input"); classic zod loaded English
// itself. Every route group's schemas import this module, so the 400s name the problem in English.
z.config(en());

export const IsoDateTime = z.iso.datetime({ offset: false });

/**
 * The one form stored times take, Date.prototype.toISOString's (milliseconds, Z): times in keys and
 * lists compare as strings, where `…:34Z` would sort after `…:34.500Z`. Digits past the millisecond
 * are dropped.
 */
export const normalTime = (iso: string): string => new Date(iso).toISOString();

/** A time a client sends to be stored: any IsoDateTime, kept in the normal form. */
export const IncomingTime = z.pipe(IsoDateTime, z.transform(normalTime));

/**
 * Here rather than in agents.ts because several route groups refer to agents: importing agents.ts
 * for the id would build every agent schema in those groups' Lambdas at each cold start.
 */
export const AgentId = z
  .string()
  .check(z.regex(/^agt_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an agent id (agt_…)'));

function isIanaTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    // Intl also accepts offsets like "+01:00"; an IANA zone is a name.
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(value);
  } catch {
    return false;
  }
}

export const TimeZone = z
  .string()
  .check(
    z.maxLength(64),
    z.refine(isIanaTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }),
  );

/**
 * Text shown to other people (org names, profile names): one line, no control characters, and no
 * bidirectional overrides or isolates, which can make a name read as something it is not.
 */
export const DisplayText = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(max),
      z.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters or line breaks'),
      z.regex(/^[^\u202A-\u202E\u2066-\u2069]*$/u, 'must not contain bidirectional override characters'),
    );

/**
 * Long text (prompts, knowledge): line breaks and tabs allowed, other control characters not, and
 * bounded by its size in UTF-8 bytes (what storage and transactions count), not in characters.
 */
export const LongText = (maxBytes: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(maxBytes, `must be at most ${maxBytes} bytes of UTF-8`),
    // A control character that is not a tab or line break (one class: no backtracking over 100 KB).
    z.refine(
      (text) => !/[^\P{Cc}\t\n\r]/u.test(text),
      'must not contain control characters other than tabs and line breaks',
    ),
    z.refine(
      (text) => text.length > maxBytes || new TextEncoder().encode(text).byteLength <= maxBytes,
      `must be at most ${maxBytes} bytes of UTF-8`,
    ),
    z.refine((text) => text.trim().length > 0, 'must not be blank'),
  );

export const Email = z.pipe(
  z.email().check(z.maxLength(254)),
  z.transform((e) => e.toLowerCase()),
);

export const ListQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});

export function page<T extends z.ZodMiniType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.optional(z.string()) });
}

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string(),
    requestId: z.string(),
    errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  })
  .register(z.globalRegistry, { id: 'Problem' });

/** A summary covers at most about a quarter of local days. */
export const maxSummaryDays = 92;

const dayMs = 86_400_000;

/** The local days [from, to) in `tz` a summary counts (the tasks and the conversations summaries). */
export const DayRangeQuery = z
  .strictObject({
    /** The first local day counted (YYYY-MM-DD in `tz`). */
    from: z.iso.date(),
    /** The day after the last one counted: [from, to). */
    to: z.iso.date(),
    tz: z._default(TimeZone, 'UTC'),
  })
  .check(
    z.superRefine((query, ctx) => {
      const days = (Date.parse(query.to) - Date.parse(query.from)) / dayMs;
      if (days < 1 || days > maxSummaryDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `must be 1 to ${maxSummaryDays} days after from`,
        });
      }
    }),
  );
