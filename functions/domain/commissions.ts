/**
 * Commission calculation (issue 25), pure: a deal, the amount collected on it, and each credited
 * rep's plan version and period volume in; ledger lines out, each with its math and plan version.
 *
 * Basis is collected: every line is a function of the amount collected so far. A refund's lines
 * are the difference between the lines at the amount collected before it and after it, so any
 * sequence of refunds reverses the sale's lines exactly, to the minor unit, and a full refund
 * leaves every line at zero. Line ids hash the sale, the event and what the line is for, so
 * computing the same event twice yields the same lines (a replay writes nothing new).
 * Rounding: half to even per line (domain/money.ts); splits by largest remainders.
 */
import { createHash } from 'node:crypto';
import type { LedgerLine, PlanVersion, Rule } from '../api/schemas/commissions';
import { allocate, applyRate, formatMinor, formatRate, fullBp, mulDiv } from './money';

export interface Deal {
  saleId: string;
  /** Minor units of `currency`: the whole sale. */
  amount: number;
  currency: string;
  /** The sale's product lines (amounts add up to `amount`); none means one line without a product. */
  products: { productId: string | null; amount: number }[];
  /** Who is credited and how much of the deal, in basis points adding up to 10,000. */
  credits: { teamMemberId: string; splitBp: number }[];
}

/** What calculating a rep's lines needs beyond the deal. */
export interface RepTerms {
  plan: PlanVersion;
  /** What was credited to the rep earlier in the plan's period (minor units): tiers start from it. */
  priorVolume: number;
  /** Who receives the rep's manager_override lines; no manager, no override line. */
  managerId: string | null;
}

/** A line before it has an id: what it is for (its key), whom it pays, and the arithmetic. */
interface Computed {
  key: string;
  teamMemberId: string;
  kind: 'commission' | 'override';
  amount: number;
  math: string;
  planId: string;
  planVersion: number;
}

/** The plan version in effect at `at`: the latest whose effectiveFrom is not after it. */
export function planVersionAt(versions: readonly PlanVersion[], at: string): PlanVersion | undefined {
  return [...versions]
    .filter((v) => v.effectiveFrom <= at)
    .sort((a, b) =>
      a.effectiveFrom === b.effectiveFrom
        ? b.version - a.version
        : a.effectiveFrom < b.effectiveFrom
          ? 1
          : -1,
    )[0];
}

/**
 * Each credited rep's share of `collected`, per product line: the collected amount is spread over
 * the product lines by their amounts, then each product's part over the reps by their splits.
 * Every level adds up exactly to the one above it.
 */
export function creditedShares(
  deal: Deal,
  collected: number,
): Map<string, { productId: string | null; amount: number }[]> {
  const products = deal.products.length ? deal.products : [{ productId: null, amount: deal.amount }];
  const byProduct =
    deal.amount > 0
      ? allocate(
          collected,
          products.map((p) => p.amount),
        )
      : products.map(() => 0);
  const shares = new Map(
    deal.credits.map((c) => [c.teamMemberId, [] as { productId: string | null; amount: number }[]]),
  );
  products.forEach((product, j) => {
    const parts = allocate(
      byProduct[j]!,
      deal.credits.map((c) => c.splitBp),
    );
    deal.credits.forEach((c, i) => {
      shares.get(c.teamMemberId)!.push({ productId: product.productId, amount: parts[i]! });
    });
  });
  return shares;
}

/** The tier slices of the volume range [from, from + amount): marginal tiers pay each at its rate. */
function slices(tiers: { upTo: number | null; rateBp: number }[], from: number, amount: number) {
  const out: { tier: number; amount: number; rateBp: number }[] = [];
  let start = 0;
  tiers.forEach((tier, i) => {
    const end = tier.upTo ?? Number.POSITIVE_INFINITY;
    const overlap = Math.min(end, from + amount) - Math.max(start, from);
    if (overlap > 0) out.push({ tier: i + 1, amount: overlap, rateBp: tier.rateBp });
    start = end;
  });
  return out;
}

/** The tier the running total `volume` falls in (1-based): the first whose upTo it does not pass. */
function tierOf(tiers: { upTo: number | null }[], volume: number): number {
  const i = tiers.findIndex((t) => t.upTo === null || volume <= t.upTo);
  return (i === -1 ? tiers.length - 1 : i) + 1;
}

function repLines(
  deal: Deal,
  collected: number,
  rep: { teamMemberId: string; splitBp: number },
  shares: { productId: string | null; amount: number }[],
  terms: RepTerms,
): Computed[] {
  const { plan } = terms;
  const money = (amount: number) => formatMinor(amount, deal.currency);
  const overridden = new Set(plan.rules.flatMap((r) => (r.kind === 'product' ? [r.productId] : [])));
  const base = shares
    .filter((s) => s.productId === null || !overridden.has(s.productId))
    .reduce((a, s) => a + s.amount, 0);
  const credited = shares.reduce((a, s) => a + s.amount, 0);
  const line = (
    key: string,
    amount: number,
    math: string,
    kind: Computed['kind'] = 'commission',
    to = rep.teamMemberId,
  ): Computed => ({
    key: `${to}|${rep.teamMemberId}|${key}`,
    teamMemberId: to,
    kind,
    amount,
    math,
    planId: plan.planId,
    planVersion: plan.version,
  });
  return plan.rules.flatMap((rule: Rule, r): Computed[] => {
    switch (rule.kind) {
      case 'flat': {
        const amount = mulDiv(rule.amount, [rep.splitBp, collected], [fullBp, deal.amount]);
        const share = rep.splitBp === fullBp ? '' : ` × ${formatRate(rep.splitBp)} split`;
        const paid =
          collected === deal.amount ? '' : ` × ${money(collected)} of ${money(deal.amount)} collected`;
        return [line(`${r}`, amount, `flat ${money(rule.amount)} per deal${share}${paid}`)];
      }
      case 'percentage':
        return [line(`${r}`, applyRate(base, rule.rateBp), `${formatRate(rule.rateBp)} of ${money(base)}`)];
      case 'product':
        // Keyed by the sale's product line, as one product may be on several.
        return shares.flatMap((s, j) =>
          s.productId !== rule.productId
            ? []
            : line(
                `${r}|${j}`,
                applyRate(s.amount, rule.rateBp),
                `${formatRate(rule.rateBp)} of ${money(s.amount)} for product ${s.productId}`,
              ),
        );
      case 'tiered': {
        if (rule.mode === 'marginal') {
          return slices(rule.tiers, terms.priorVolume, base).map((s) =>
            line(
              `${r}|${s.tier}`,
              applyRate(s.amount, s.rateBp),
              `${formatRate(s.rateBp)} of ${money(s.amount)} in tier ${s.tier}`,
            ),
          );
        }
        const tier = tierOf(rule.tiers, terms.priorVolume + base);
        const rate = rule.tiers[tier - 1]!.rateBp;
        return [
          line(
            `${r}`,
            applyRate(base, rate),
            `${formatRate(rate)} of ${money(base)} in tier ${tier} (period volume ${money(terms.priorVolume + base)})`,
          ),
        ];
      }
      case 'manager_override':
        if (!terms.managerId) return [];
        return [
          line(
            `${r}`,
            applyRate(credited, rule.rateBp),
            `${formatRate(rule.rateBp)} override of ${money(credited)} credited to ${rep.teamMemberId}`,
            'override',
            terms.managerId,
          ),
        ];
      default:
        return [];
    }
  });
}

/** Every line the deal pays at `collected`, keyed by what it is for. */
export function computeLines(
  deal: Deal,
  collected: number,
  terms: ReadonlyMap<string, RepTerms>,
): Computed[] {
  const shares = creditedShares(deal, collected);
  return deal.credits.flatMap((rep) => {
    const repTerms = terms.get(rep.teamMemberId);
    // A rep without a plan is credited (the sale shows it) but earns no lines.
    return repTerms ? repLines(deal, collected, rep, shares.get(rep.teamMemberId)!, repTerms) : [];
  });
}

function lineId(saleId: string, eventId: string, key: string): string {
  return `led_${createHash('sha256').update(`${saleId}\n${eventId}\n${key}`).digest('hex').slice(0, 32)}`;
}

function toLedger(
  deal: Deal,
  eventId: string,
  c: Computed,
  kind: LedgerLine['kind'],
  amount: number,
  math: string,
): LedgerLine {
  return {
    id: lineId(deal.saleId, eventId, c.key),
    teamMemberId: c.teamMemberId,
    saleId: deal.saleId,
    eventId,
    kind,
    amount,
    currency: deal.currency,
    planId: c.planId,
    planVersion: c.planVersion,
    math,
  };
}

/** The lines a sale earns when it is paid in full (lines of zero left out). */
export function saleLines(deal: Deal, terms: ReadonlyMap<string, RepTerms>): LedgerLine[] {
  return computeLines(deal, deal.amount, terms)
    .filter((c) => c.amount !== 0)
    .map((c) => toLedger(deal, deal.saleId, c, c.kind, c.amount, c.math));
}

/**
 * The lines of a refund of `refund` after `refundedBefore` was already refunded: for each line, what
 * it came to before minus what it comes to now, negated. With the same terms as the sale's lines
 * (the plan version and period volume of the sale), the sale's lines and all its refunds' add up
 * to the lines at the amount still collected.
 */
export function refundLines(
  deal: Deal,
  terms: ReadonlyMap<string, RepTerms>,
  refund: { id: string; amount: number; refundedBefore: number },
): LedgerLine[] {
  const before = computeLines(deal, deal.amount - refund.refundedBefore, terms);
  const was = new Map(before.map((c) => [c.key, c]));
  const after = new Map(
    computeLines(deal, deal.amount - refund.refundedBefore - refund.amount, terms).map((c) => [c.key, c]),
  );
  const money = (amount: number) => formatMinor(amount, deal.currency);
  // A line that appears only after (none does today: amounts only shrink) would still be counted.
  const lines = [
    ...before,
    ...[...after.values()].filter((c) => !was.has(c.key)).map((c) => ({ ...c, amount: 0 })),
  ];
  return lines
    .map((c) => ({ c, now: after.get(c.key) }))
    .flatMap(({ c, now: next }) => {
      const now = next?.amount ?? 0;
      const delta = now - c.amount;
      if (delta === 0) return [];
      return [
        toLedger(
          deal,
          refund.id,
          c,
          'reversal',
          delta,
          `refund of ${money(refund.amount)} reverses ${money(-delta)} of: ${c.math}`,
        ),
      ];
    });
}
