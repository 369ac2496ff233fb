/**
 * Money as integers (issue 25): amounts are minor units of an ISO 4217 currency, rates are basis
 * points (1 bp = 0.01 %). The one rounding rule, stated once: a product of an amount and a rate is
 * rounded half to even, per line. Splitting an amount into shares uses largest remainders, so the
 * shares always add up to the amount.
 */

export const fullBp = 10_000;

/** round(amount × rateBp / 10,000), half to even; BigInt, as amount × rate can pass 2^53. */
export function applyRate(amount: number, rateBp: number): number {
  return divideHalfEven(BigInt(amount) * BigInt(rateBp), BigInt(fullBp));
}

/** round(amount × Π multipliers / Π divisors), half to even, in one rounding (flat amounts by split and collected share). */
export function mulDiv(amount: number, multipliers: readonly number[], divisors: readonly number[]): number {
  const d = divisors.reduce((acc, x) => acc * BigInt(x), 1n);
  if (d === 0n) return 0;
  return divideHalfEven(
    multipliers.reduce((acc, x) => acc * BigInt(x), BigInt(amount)),
    d,
  );
}

function divideHalfEven(numerator: bigint, denominator: bigint): number {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  const twiceRemainder = (n % d) * 2n;
  if (twiceRemainder > d || (twiceRemainder === d && q % 2n === 1n)) q += 1n;
  return Number(negative ? -q : q);
}

/**
 * `total` split by `weights` (non-negative integers, not all zero): each share is the floor of its
 * exact part, and the units left over go one each to the largest remainders (ties to the earlier
 * weight). The shares add up to `total` exactly and each is within one unit of its exact part.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw new Error('allocate needs a positive weight');
  const t = BigInt(total);
  const s = BigInt(sum);
  const exact = weights.map((w) => ({ floor: (t * BigInt(w)) / s, remainder: (t * BigInt(w)) % s }));
  const shares = exact.map((e) => Number(e.floor));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, r: e.remainder }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

/** How many minor units a major unit of `currency` has (2 for USD, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
    2
  );
}

/** 125000 USD -> "1,250.00": the figures ledger lines quote in their math. */
export function formatMinor(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = BigInt(Math.abs(amount));
  const scale = 10n ** BigInt(digits);
  const major = (abs / scale).toLocaleString('en-US');
  const minor = digits ? `.${(abs % scale).toString().padStart(digits, '0')}` : '';
  return `${sign}${major}${minor}`;
}

/** 800 -> "8 %", 825 -> "8.25 %". */
export function formatRate(rateBp: number): string {
  const whole = Math.trunc(rateBp / 100);
  const rest = Math.abs(rateBp % 100);
  return `${whole}${rest ? `.${String(rest).padStart(2, '0').replace(/0$/, '')}` : ''} %`;
}
