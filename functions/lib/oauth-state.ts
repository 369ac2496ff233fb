/**
 * The OAuth `state` parameter: a random nonce bound to the user and org, with an expiry, signed.
 * The signature proves we issued it; the stored nonce (data/oauth-states.ts) makes it single-use.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { config } from './config';
import { sign, verifySignature } from './signing';

const purpose = 'oauth-state';
const stateLifetimeMs = 10 * 60_000;

const Payload = z.object({ n: z.string(), o: z.string(), u: z.string(), e: z.number() });

export interface StateClaims {
  nonce: string;
  orgId: string;
  userId: string;
  expiresAt: Date;
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
  return { claims, state: `${payload}.${await sign(purpose, payload)}` };
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
export function afterConnectUrl(orgId: string, outcome: 'connected' | 'denied' | 'failed'): string {
  return `${webOrigin()}/#/orgs/${encodeURIComponent(orgId)}/calendar?calendar=${outcome}`;
}
