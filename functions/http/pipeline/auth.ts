/**
 * Bearer-token verification with aws-jwt-verify against the configured issuers. Verifiers (and the
 * JWKS they cache) live for the life of the container. The dev issuer's keys are preloaded with
 * cacheJwks because it serves them over http, which aws-jwt-verify refuses to fetch.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { Identity } from '../../domain/users';
import { type AppConfig, config } from '../../lib/config';
import { canonicalEmail } from '../../lib/email';
import { problems } from '../../lib/problem';

/** The issuer recorded for users of the local dev identity provider, whatever port it serves on. */
export const devIdentityProvider = 'local-dev';

type Verifier = { verify(token: string): Promise<Record<string, unknown>> };
let verifier: Verifier | null | undefined;

/** Checks aws-jwt-verify leaves optional: a token must expire (RFC 8725 3.10), and carry the expected token_use. */
function claimChecks(tokenUse: 'id' | 'access' | undefined) {
  return ({ payload }: { payload: Record<string, unknown> }) => {
    if (typeof payload.exp !== 'number') throw new Error('the token has no expiry');
    if (tokenUse && payload.token_use !== tokenUse) throw new Error(`the token is not an ${tokenUse} token`);
  };
}

export function buildVerifier(cfg: AppConfig) {
  const issuers = cfg.trustedIssuers.map((i) => ({
    issuer: i.issuer,
    audience: i.audience,
    jwksUri: i.jwksUri ?? `${i.issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
    customJwtCheck: claimChecks(i.tokenUse),
  }));
  if (cfg.devIssuer) {
    issuers.push({
      issuer: cfg.devIssuer.issuer,
      audience: 'agent-control-plane',
      jwksUri: `${cfg.devIssuer.issuer}/.well-known/jwks.json`,
      customJwtCheck: claimChecks(undefined),
    });
  }
  if (issuers.length === 0) return null;
  const multi = JwtVerifier.create(issuers as [(typeof issuers)[number], ...typeof issuers]);
  if (cfg.devIssuer) multi.cacheJwks(cfg.devIssuer.jwks as Jwks, cfg.devIssuer.issuer);
  return multi;
}

export async function authenticate(authorization: string | undefined): Promise<Identity> {
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(authorization ?? '');
  if (!match) throw problems.unauthorized('An Authorization: Bearer <token> header is required.');
  if (verifier === undefined) verifier = buildVerifier(config()) as Verifier | null;
  if (!verifier) throw problems.unauthorized('No token issuer is trusted by this deployment.');

  let claims: Record<string, unknown>;
  try {
    claims = await verifier.verify(match[1]!);
  } catch (error) {
    throw problems.unauthorized(
      error instanceof JwtExpiredError ? 'The token has expired.' : 'The token is not valid for this API.',
    );
  }
  if (typeof claims.sub !== 'string' || !claims.sub || typeof claims.email !== 'string' || !claims.email) {
    throw problems.unauthorized('The token must carry sub and email claims.');
  }
  const emailVerified = claims.email_verified === true || claims.email_verified === 'true';
  const email = canonicalEmail(claims.email, emailVerified);
  if (!email) throw problems.unauthorized('The token’s email is not in a form this API accepts.');
  const cfg = config();
  return {
    sub: claims.sub,
    // The dev provider's issuer URL carries the port; profiles bind to the provider, not the port.
    issuer: cfg.devIssuer && claims.iss === cfg.devIssuer.issuer ? devIdentityProvider : String(claims.iss),
    email,
    emailVerified,
    name: typeof claims.name === 'string' ? claims.name : null,
    picture: typeof claims.picture === 'string' ? claims.picture : null,
  };
}
