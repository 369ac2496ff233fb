/**
 * Bearer-token verification with aws-jwt-verify against the configured issuers. Verifiers (and the
 * JWKS they cache) live for the life of the container. The dev issuer's keys are preloaded with
 * cacheJwks because it serves them over http, which aws-jwt-verify refuses to fetch.
 *
 * Two kinds of caller: people (ID tokens with a verified email) and machines (Cognito
 * client-credentials access tokens: `token_use` access, `sub` = `client_id`, a `scope`, no `aud`
 * and no email). A machine token goes to its own verifier, which checks the issuer's signature and
 * those claims; README "Machine callers".
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { MachineIdentity } from '../../domain/api-clients';
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

/** A client-credentials token as Cognito issues it: an access token for the client itself, with scopes. */
function machineClaimChecks({ payload }: { payload: Record<string, unknown> }) {
  if (typeof payload.exp !== 'number') throw new Error('the token has no expiry');
  if (payload.token_use !== 'access') throw new Error('the token is not an access token');
  if (typeof payload.client_id !== 'string' || payload.sub !== payload.client_id) {
    throw new Error('the token is not a client-credentials token');
  }
  if (typeof payload.scope !== 'string') throw new Error('the token carries no scope');
}

export function buildMachineVerifier(cfg: AppConfig): Verifier | null {
  const { issuer, jwksUri } = cfg.machineTokens;
  if (!issuer) return null;
  // Cognito access tokens carry no `aud`; the client is pinned by the lookup item (org clients) or
  // the configured runtime client id, and the scope by the route.
  const machine = JwtVerifier.create({
    issuer,
    audience: null,
    jwksUri: jwksUri ?? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
    customJwtCheck: machineClaimChecks,
  });
  if (cfg.devIssuer && issuer === cfg.devIssuer.issuer) machine.cacheJwks(cfg.devIssuer.jwks as Jwks);
  return machine;
}

let machineVerifier: Verifier | null | undefined;

/** Who is calling: a person, or a machine holding a client-credentials token. */
export type Principal =
  | { kind: 'person'; identity: Identity }
  | { kind: 'machine'; machine: MachineIdentity };

export const apiClientOnPersonRoute =
  'API client tokens act only within their organization’s routes; this route is for people.';

function bearerOf(authorization: string | undefined): string {
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(authorization ?? '');
  if (!match) throw problems.unauthorized('An Authorization: Bearer <token> header is required.');
  return match[1]!;
}

/** Peeks at the unverified claims only to pick the verifier; the chosen one verifies everything. */
function looksLikeMachineToken(token: string): boolean {
  try {
    const { payload } = decomposeUnverifiedJwt(token);
    return payload.token_use === 'access' && payload.email === undefined;
  } catch {
    return false;
  }
}

async function verifyMachine(token: string): Promise<MachineIdentity> {
  if (machineVerifier === undefined) machineVerifier = buildMachineVerifier(config());
  if (!machineVerifier) throw problems.unauthorized('This deployment accepts no client-credentials tokens.');
  let claims: Record<string, unknown>;
  try {
    claims = await machineVerifier.verify(token);
  } catch (error) {
    throw problems.unauthorized(
      error instanceof JwtExpiredError ? 'The token has expired.' : 'The token is not valid for this API.',
    );
  }
  return { clientId: String(claims.client_id), scopes: String(claims.scope).split(' ').filter(Boolean) };
}

export async function authenticatePrincipal(authorization: string | undefined): Promise<Principal> {
  const token = bearerOf(authorization);
  if (looksLikeMachineToken(token)) return { kind: 'machine', machine: await verifyMachine(token) };
  return { kind: 'person', identity: await verifyPerson(token) };
}

/** People only (the live-events authorizer, person routes): a machine token is refused. */
export async function authenticate(authorization: string | undefined): Promise<Identity> {
  const principal = await authenticatePrincipal(authorization);
  if (principal.kind === 'machine') throw problems.forbidden(apiClientOnPersonRoute);
  return principal.identity;
}

async function verifyPerson(token: string): Promise<Identity> {
  if (verifier === undefined) verifier = buildVerifier(config()) as Verifier | null;
  if (!verifier) throw problems.unauthorized('No token issuer is trusted by this deployment.');

  let claims: Record<string, unknown>;
  try {
    claims = await verifier.verify(token);
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
