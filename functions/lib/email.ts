/**
 * Email addresses as this API compares them: Unicode NFKC, then lower case. An address that only
 * becomes plain ASCII through that normalisation is a lookalike (the Kelvin sign "K" turns into
 * "k", fullwidth letters into ASCII ones) and is refused, so nobody can claim an invite or a
 * domain by spelling someone else's address with other characters. A genuinely international
 * address is accepted only when its issuer vouches for it (a verified email claim).
 */
const ascii = /^[\x20-\x7e]*$/;

export function canonicalEmail(raw: string, issuerVouches: boolean): string | undefined {
  const normalized = raw.normalize('NFKC').toLowerCase();
  if (ascii.test(raw)) return normalized;
  if (ascii.test(normalized)) return undefined;
  return issuerVouches ? normalized : undefined;
}
