/**
 * Commission plans and ledger lines (issue 25). Rates are basis points (800 = 8 %), amounts minor
 * units of the plan's currency. The routes that store plans come later; the calculation
 * (domain/commissions.ts) takes these shapes already.
 */
import * as z from 'zod/mini';
import { IsoDateTime } from './common';

const Bp = z.number().check(z.int(), z.gte(0), z.lte(100_000));
const Minor = z.number().check(z.int(), z.gte(0), z.lte(1e12));

export const Tier = z.strictObject({
  /** The period volume (minor units) where this tier ends; null for the last, open tier. */
  upTo: z.nullable(Minor),
  rateBp: Bp,
});

/**
 * - flat: a fixed amount per deal (shared by split, prorated by what was collected);
 * - percentage: a rate of the credited amount;
 * - tiered: rates by the rep's volume in the period; `marginal` pays each slice of volume at its
 *   tier's rate, `cumulative` pays the whole deal at the rate of the tier the period's running
 *   total reaches with it (earlier deals are not paid again);
 * - product: a rate for one product's share, in place of percentage and tiered;
 * - manager_override: a rate of a rep's credited amount, paid to the rep's manager.
 */
export const Rule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('flat'), amount: Minor }),
  z.strictObject({ kind: z.literal('percentage'), rateBp: Bp }),
  z.strictObject({
    kind: z.literal('tiered'),
    mode: z.enum(['marginal', 'cumulative']),
    tiers: z.array(Tier).check(
      z.minLength(1),
      z.maxLength(20),
      z.refine(
        (tiers) =>
          tiers.every((t, i) => (i === tiers.length - 1 ? t.upTo === null : t.upTo !== null)) &&
          tiers.every((t, i) => i === 0 || (tiers[i - 1]!.upTo ?? 0) < (t.upTo ?? Number.POSITIVE_INFINITY)),
        'must rise, and only the last tier is open (upTo null)',
      ),
    ),
  }),
  z.strictObject({ kind: z.literal('product'), productId: z.string().check(z.minLength(1)), rateBp: Bp }),
  z.strictObject({ kind: z.literal('manager_override'), rateBp: Bp }),
]);
export type Rule = z.infer<typeof Rule>;

export const PlanVersion = z.object({
  planId: z.string(),
  version: z.number().check(z.int(), z.gte(1)),
  /** The version applies to deals that occurred from this instant until the next version's. */
  effectiveFrom: IsoDateTime,
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  rules: z.array(Rule).check(z.maxLength(50)),
});
export type PlanVersion = z.infer<typeof PlanVersion>;

export const LedgerLine = z
  .object({
    /** Deterministic: the same sale or refund always yields the same ids, so a replay writes nothing new. */
    id: z.string(),
    teamMemberId: z.string(),
    saleId: z.string(),
    /** The sale itself, or the refund that reversed part of it. */
    eventId: z.string(),
    kind: z.enum(['commission', 'override', 'reversal']),
    amount: z.number().check(z.int()),
    currency: z.string(),
    planId: z.string(),
    planVersion: z.number().check(z.int()),
    /** The arithmetic in words: "8 % of 1,250.00 in tier 2". */
    math: z.string(),
  })
  .register(z.globalRegistry, { id: 'LedgerLine' });
export type LedgerLine = z.infer<typeof LedgerLine>;
