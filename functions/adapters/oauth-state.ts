/**
 * The OAuth `state` parameter: a random nonce bound to the user and org, with an expiry, signed.
 * The signature proves we issued it; the stored nonce (data/oauth-states.ts) makes it single-use.
 * It is also bound to the browser that asked for it: a random value goes to that browser in an
 * HttpOnly cookie and only its hash is stored, so a consent URL completed in someone else's
 * browser (a member luring a colleague into connecting their calendar) is refused. The PKCE
 * verifier is derived from the nonce with the signing key, so it is never stored anywhere.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { config } from '../lib/config';
import { sign, verifySignature } from './signing';

const purpose = 'oauth-state';
const pkcePurpose = 'oauth-pkce';
const stateLifetimeSeconds = 600;
const stateLifetimeMs = stateLifetimeSeconds * 1000;
const bindingCookieName = 'acp_oauth_binding';
/** Sent only to the callback; the browser arrives there from Google with a top-level GET, which Lax allows. */
const bindingCookiePath = '/api/oauth/google';

const Payload = z.object({ n: z.string(), o: z.string(), u: z.string(), e: z.number() });

export interface StateClaims {
  nonce: string;
  orgId: string;
  userId: string;
  expiresAt: Date;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

export function bindingHash(binding: string): string {
  return sha256(binding).toString('hex');
}

/** RFC 7636 verifier: 43 characters of base64url, which are all unreserved characters. */
export function pkceVerifier(nonce: string): Promise<string> {
  return sign(pkcePurpose, nonce);
}

export async function issueState(orgId: string, userId: string, now: Date) {
  const claims: StateClaims = {
    nonce: randomBytes(24).toString('base64url'),
    orgId,
    userId,
    expiresAt: new Date(now.getTime() + stateLifetimeMs),
  };
  const payload = Buffer.from(
    JSON.stringify({ n: claims.nonce, o: orgId, u: userId, e: claims.expiresAt.getTime() }),
  ).toString('base64url');
  const binding = randomBytes(32).toString('base64url');
  return {
    claims,
    state: `${payload}.${await sign(purpose, payload)}`,
    binding,
    codeChallenge: sha256(await pkceVerifier(claims.nonce)).toString('base64url'),
  };
}

function cookieAttributes(maxAgeSeconds: number): string {
  // Secure is kept on the local stage too: Chromium stores Secure cookies for http://127.0.0.1
  // and http://localhost, which it treats as secure contexts.
  return `HttpOnly; Secure; SameSite=Lax; Path=${bindingCookiePath}; Max-Age=${maxAgeSeconds}`;
}

export function bindingCookie(binding: string): string {
  return `${bindingCookieName}=${binding}; ${cookieAttributes(stateLifetimeSeconds)}`;
}

export function clearedBindingCookie(): string {
  return `${bindingCookieName}=; ${cookieAttributes(0)}`;
}

/** The binding value from the request's cookies (API Gateway v2 passes them as `cookies`). */
export function bindingFrom(cookies: readonly string[] | undefined): string | undefined {
  for (const cookie of cookies ?? []) {
    const [name, ...value] = cookie.split('=');
    if (name?.trim() === bindingCookieName && value.length > 0) return value.join('=').trim() || undefined;
  }
  return undefined;
}

/** The claims of a state we signed that has not expired; undefined for anything else. */
export async function verifyState(state: string, now: Date): Promise<StateClaims | undefined> {
  const [payload, signature, ...rest] = state.split('.');
  if (!payload || !signature || rest.length > 0) return undefined;
  if (!(await verifySignature(purpose, payload, signature))) return undefined;
  let parsed: z.infer<typeof Payload>;
  try {
    parsed = Payload.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
  if (parsed.e <= now.getTime()) return undefined;
  return { nonce: parsed.n, orgId: parsed.o, userId: parsed.u, expiresAt: new Date(parsed.e) };
}

function webOrigin(): string {
  const origin = config().webOrigin;
  if (!origin) throw new Error('WEB_ORIGIN is required for the OAuth redirect');
  return origin;
}

/** Registered with Google as the redirect URI; the API is under /api of the site's origin. */
export function callbackUrl(): string {
  return `${webOrigin()}/api/oauth/google/callback`;
}

/** Where the browser lands after consent: the admin site's calendar page (a hash route), with the outcome. */
export type ConnectOutcome = 'connected' | 'denied' | 'failed' | 'wrong_account';

export function afterConnectUrl(orgId: string, outcome: ConnectOutcome): string {
  return `${webOrigin()}/#/orgs/${encodeURIComponent(orgId)}/calendar?calendar=${outcome}`;
}
