import * as z from 'zod';

export const IsoDateTime = z.iso.datetime({ offset: false });

/**
 * The one form stored times take, Date.prototype.toISOString's (milliseconds, Z): times in keys and
 * lists compare as strings, where `…:34Z` would sort after `…:34.500Z`. Digits past the millisecond
 * are dropped.
 */
export const normalTime = (iso: string): string => new Date(iso).toISOString();

/** A time a client sends to be stored: any IsoDateTime, kept in the normal form. */
export const IncomingTime = IsoDateTime.transform(normalTime);

/**
 * Here rather than in agents.ts because several route groups refer to agents: importing agents.ts
 * for the id would build every agent schema in those groups' Lambdas at each cold start.
 */
export const AgentId = z.string().regex(/^agt_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an agent id (agt_…)');

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
  .max(64)
  .refine(isIanaTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' });

/**
 * Text shown to other people (org names, profile names): one line, no control characters, and no
 * bidirectional overrides or isolates, which can make a name read as something it is not.
 */
export const DisplayText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters or line breaks')
    .regex(/^[^\u202A-\u202E\u2066-\u2069]*$/u, 'must not contain bidirectional override characters');

/**
 * Long text (prompts, knowledge): line breaks and tabs allowed, other control characters not, and
 * bounded by its size in UTF-8 bytes (what storage and transactions count), not in characters.
 */
export const LongText = (maxBytes: number) =>
  z
    .string()
    .min(1)
    .max(maxBytes, `must be at most ${maxBytes} bytes of UTF-8`)
    // A control character that is not a tab or line break (one class: no backtracking over 100 KB).
    .refine(
      (text) => !/[^\P{Cc}\t\n\r]/u.test(text),
      'must not contain control characters other than tabs and line breaks',
    )
    .refine(
      // Longer in characters is already refused above: one message per field.
      (text) => text.length > maxBytes || new TextEncoder().encode(text).byteLength <= maxBytes,
      `must be at most ${maxBytes} bytes of UTF-8`,
    )
    .refine((text) => text.trim().length > 0, 'must not be blank');

export const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

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
    tz: TimeZone.default('UTC'),
  })
  .superRefine((query, ctx) => {
    const days = (Date.parse(query.to) - Date.parse(query.from)) / dayMs;
    if (days < 1 || days > maxSummaryDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be 1 to ${maxSummaryDays} days after from`,
      });
    }
  });
