import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlanVersion, Rule } from '../../functions/api/schemas/commissions';
import {
  computeLines,
  creditedShares,
  type Deal,
  planVersionAt,
  type RepTerms,
  refundLines,
  saleLines,
} from '../../functions/domain/commissions';
import { allocate, applyRate, formatMinor, formatRate } from '../../functions/domain/money';

const plan = (rules: Rule[], version = 1): PlanVersion => ({
  planId: 'pln_1',
  version,
  effectiveFrom: '2026-01-01T00:00:00.000Z',
  currency: 'USD',
  rules,
});
const terms = (entries: [string, RepTerms][]) => new Map(entries);
const sum = (xs: { amount: number }[]) => xs.reduce((a, x) => a + x.amount, 0);

describe('money', () => {
  it('rounds half to even, per line', () => {
    expect(applyRate(125, 1000)).toBe(12); // 12.5 -> 12
    expect(applyRate(135, 1000)).toBe(14); // 13.5 -> 14
    expect(applyRate(-125, 1000)).toBe(-12);
    expect(applyRate(126, 1000)).toBe(13);
    expect(applyRate(999_999_999_999, 99_999)).toBe(9_999_899_999_990); // beyond 2^53 before dividing
  });

  it('formats amounts and rates as the ledger quotes them', () => {
    expect(formatMinor(125_000, 'USD')).toBe('1,250.00');
    expect(formatMinor(-5, 'USD')).toBe('-0.05');
    expect(formatMinor(1250, 'JPY')).toBe('1,250');
    expect(formatMinor(1_250_500, 'KWD')).toBe('1,250.500');
    expect(formatRate(800)).toBe('8 %');
    expect(formatRate(825)).toBe('8.25 %');
    expect(formatRate(850)).toBe('8.5 %');
  });

  it('splits always add up to the amount, each share within one unit of its exact part', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc
          .array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 8 })
          .filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const shares = allocate(total, weights);
          const weightSum = weights.reduce((a, b) => a + b, 0);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          shares.forEach((s, i) => {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(Math.abs(s - (total * weights[i]!) / weightSum)).toBeLessThan(1 + 1e-6 * total);
          });
        },
      ),
    );
  });
});

describe('commission lines', () => {
  const tiers = {
    kind: 'tiered',
    mode: 'marginal',
    tiers: [
      { upTo: 1_000_000, rateBp: 500 },
      { upTo: 5_000_000, rateBp: 800 },
      { upTo: null, rateBp: 1000 },
    ],
  } as const satisfies Rule;

  it('quotes the math and the plan version on every line: "8 % of 1,250.00 in tier 2"', () => {
    const deal: Deal = {
      saleId: 'sal_1',
      amount: 125_000,
      currency: 'USD',
      products: [],
      credits: [{ teamMemberId: 'tmb_a', splitBp: 10_000 }],
    };
    const lines = saleLines(
      deal,
      terms([['tmb_a', { plan: plan([tiers], 3), priorVolume: 2_000_000, managerId: null }]]),
    );
    expect(lines).toEqual([
      expect.objectContaining({
        amount: 10_000,
        math: '8 % of 1,250.00 in tier 2',
        planVersion: 3,
        kind: 'commission',
      }),
    ]);
  });

  it('crosses tiers slice by slice (marginal) or pays the reached tier’s rate (cumulative)', () => {
    const deal: Deal = {
      saleId: 's',
      amount: 200_000,
      currency: 'USD',
      products: [],
      credits: [{ teamMemberId: 'a', splitBp: 10_000 }],
    };
    const marginal = saleLines(
      deal,
      terms([['a', { plan: plan([tiers]), priorVolume: 900_000, managerId: null }]]),
    );
    expect(marginal.map((l) => [l.amount, l.math])).toEqual([
      [5_000, '5 % of 1,000.00 in tier 1'],
      [8_000, '8 % of 1,000.00 in tier 2'],
    ]);
    const cumulative = saleLines(
      deal,
      terms([
        ['a', { plan: plan([{ ...tiers, mode: 'cumulative' }]), priorVolume: 900_000, managerId: null }],
      ]),
    );
    expect(cumulative.map((l) => [l.amount, l.math])).toEqual([
      [16_000, '8 % of 2,000.00 in tier 2 (period volume 11,000.00)'],
    ]);
  });

  it('pays product overrides in place of the base rate, flat per deal by split, and the manager’s override', () => {
    const deal: Deal = {
      saleId: 's',
      amount: 100_000,
      currency: 'USD',
      products: [
        { productId: 'prd_gold', amount: 40_000 },
        { productId: 'prd_std', amount: 60_000 },
      ],
      credits: [
        { teamMemberId: 'a', splitBp: 7_500 },
        { teamMemberId: 'b', splitBp: 2_500 },
      ],
    };
    const rules: Rule[] = [
      { kind: 'percentage', rateBp: 1000 },
      { kind: 'product', productId: 'prd_gold', rateBp: 2000 },
      { kind: 'flat', amount: 5_000 },
      { kind: 'manager_override', rateBp: 200 },
    ];
    const lines = saleLines(
      deal,
      terms([
        ['a', { plan: plan(rules), priorVolume: 0, managerId: 'mgr' }],
        ['b', { plan: plan(rules), priorVolume: 0, managerId: null }],
      ]),
    );
    const of = (who: string) => lines.filter((l) => l.teamMemberId === who).map((l) => [l.amount, l.math]);
    expect(of('a')).toEqual([
      [4_500, '10 % of 450.00'],
      [6_000, '20 % of 300.00 for product prd_gold'],
      [3_750, 'flat 50.00 per deal × 75 % split'],
    ]);
    expect(of('b')).toEqual([
      [1_500, '10 % of 150.00'],
      [2_000, '20 % of 100.00 for product prd_gold'],
      [1_250, 'flat 50.00 per deal × 25 % split'],
    ]);
    expect(of('mgr')).toEqual([[1_500, '2 % override of 750.00 credited to a']]);
  });

  it('uses the plan version in effect when the deal occurred', () => {
    const v1 = { ...plan([], 1), effectiveFrom: '2026-01-01T00:00:00.000Z' };
    const v2 = { ...plan([], 2), effectiveFrom: '2026-03-01T00:00:00.000Z' };
    expect(planVersionAt([v2, v1], '2026-02-28T23:59:59.999Z')?.version).toBe(1);
    expect(planVersionAt([v2, v1], '2026-03-01T00:00:00.000Z')?.version).toBe(2);
    expect(planVersionAt([v2, v1], '2025-12-31T00:00:00.000Z')).toBeUndefined();
  });
});

/** Random plans, deals and refunds for the properties below. */
const rateBp = fc.integer({ min: 0, max: 5_000 });
const ascendingTiers = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 0, maxLength: 4 }),
    fc.array(rateBp, { minLength: 5, maxLength: 5 }),
  )
  .map(([bounds, rates]) => {
    const ups = [...bounds].sort((a, b) => a - b);
    const sorted = [...rates].sort((a, b) => a - b);
    return [
      ...ups.map((upTo, i) => ({ upTo, rateBp: sorted[i]! })),
      { upTo: null, rateBp: sorted[ups.length]! },
    ];
  });
const rule: fc.Arbitrary<Rule> = fc.oneof(
  fc.record({ kind: fc.constant('flat' as const), amount: fc.integer({ min: 0, max: 1_000_000 }) }),
  fc.record({ kind: fc.constant('percentage' as const), rateBp }),
  fc.record({
    kind: fc.constant('tiered' as const),
    mode: fc.constantFrom('marginal' as const, 'cumulative' as const),
    tiers: ascendingTiers,
  }),
  fc.record({ kind: fc.constant('product' as const), productId: fc.constantFrom('p1', 'p2'), rateBp }),
  fc.record({ kind: fc.constant('manager_override' as const), rateBp }),
);
const splitsOf = (weights: number[]) => {
  const bp = allocate(10_000, weights);
  return bp.map((splitBp, i) => ({ teamMemberId: `tmb_${i}`, splitBp }));
};
const deal: fc.Arbitrary<Deal> = fc
  .record({
    products: fc.array(
      fc.record({
        productId: fc.constantFrom('p1', 'p2', null),
        amount: fc.integer({ min: 0, max: 5_000_000 }),
      }),
      {
        maxLength: 4,
      },
    ),
    bare: fc.integer({ min: 1, max: 10_000_000 }),
    weights: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
  })
  .map(({ products, bare, weights }) => {
    const amount = products.length ? products.reduce((a, p) => a + p.amount, 0) || bare : bare;
    return {
      saleId: 'sal_x',
      amount,
      currency: 'USD',
      products: products.length && products.some((p) => p.amount > 0) ? products : [],
      credits: splitsOf(weights),
    };
  });
const termsFor = (d: Deal, rules: Rule[], priorVolume: number) =>
  new Map(d.credits.map((c) => [c.teamMemberId, { plan: plan(rules), priorVolume, managerId: 'tmb_mgr' }]));

describe('commission properties', () => {
  it('credited shares add up to what was collected, per rep and in total', () => {
    fc.assert(
      fc.property(deal, fc.double({ min: 0, max: 1, noNaN: true }), (d, f) => {
        const collected = Math.floor(d.amount * f);
        const shares = [...creditedShares(d, collected).values()].flat();
        expect(sum(shares)).toBe(collected);
      }),
    );
  });

  it('refunds reverse exactly: the sale’s lines plus every refund’s add up to the lines at what is still collected, and to zero when all is refunded', () => {
    fc.assert(
      fc.property(
        deal,
        fc.array(rule, { maxLength: 5 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        (d, rules, prior, refundWeights) => {
          const t = termsFor(d, rules, prior);
          const refunds = allocate(d.amount, refundWeights);
          const ledger = [...saleLines(d, t)];
          let refunded = 0;
          refunds.forEach((amount, i) => {
            ledger.push(...refundLines(d, t, { id: `ref_${i}`, amount, refundedBefore: refunded }));
            refunded += amount;
            const byKeyNow = computeLines(d, d.amount - refunded, t);
            expect(sum(ledger)).toBe(sum(byKeyNow));
          });
          expect(sum(ledger)).toBe(0);
          // Per person too, not just in total.
          const per = new Map<string, number>();
          for (const l of ledger) per.set(l.teamMemberId, (per.get(l.teamMemberId) ?? 0) + l.amount);
          for (const total of per.values()) expect(total).toBe(0);
        },
      ),
    );
  });

  it('replays change nothing: the same event yields the same lines, ids included, and ids never repeat within one', () => {
    fc.assert(
      fc.property(
        deal,
        fc.array(rule, { maxLength: 5 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        (d, rules, prior) => {
          const t = termsFor(d, rules, prior);
          const first = saleLines(d, t);
          expect(saleLines(d, termsFor(d, rules, prior))).toEqual(first);
          expect(new Set(first.map((l) => l.id)).size).toBe(first.length);
          const refund = { id: 'ref_1', amount: Math.floor(d.amount / 3), refundedBefore: 0 };
          const refundIds = refundLines(d, t, refund).map((l) => l.id);
          expect(refundLines(d, t, refund).map((l) => l.id)).toEqual(refundIds);
          expect(refundIds.filter((id) => first.some((l) => l.id === id))).toEqual([]);
        },
      ),
    );
  });

  it('tiers are monotone: with rising rates, more volume never pays less, from any starting volume', () => {
    fc.assert(
      fc.property(
        ascendingTiers,
        fc.constantFrom('marginal' as const, 'cumulative' as const),
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (tierList, mode, prior, a, extra) => {
          const pay = (amount: number) => {
            const d: Deal = {
              saleId: 's',
              amount,
              currency: 'USD',
              products: [],
              credits: [{ teamMemberId: 'r', splitBp: 10_000 }],
            };
            return sum(saleLines(d, termsFor(d, [{ kind: 'tiered', mode, tiers: tierList }], prior)));
          };
          expect(pay(a + extra)).toBeGreaterThanOrEqual(pay(a));
        },
      ),
    );
  });
});
