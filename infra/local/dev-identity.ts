/**
 * Dev identity provider for the local stack only (never deployed): an RSA key pair, its JWKS,
 * and POST /dev/token minting a token with a verified email. The same email always maps to the
 * same subject, so a person keeps their profile across restarts of a persisted stack.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { generateSigningKey, type SigningKey, signJwt } from './jwt';

export const devAudience = 'agent-control-plane';

export function devSubject(email: string): string {
  return `usr_${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 26)}`;
}

const TokenRequest = z.strictObject({
  email: z.email().check(z.maxLength(254)),
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
});

export interface DevIdentity {
  issuer: string;
  jwks: { keys: Record<string, unknown>[] };
  key: SigningKey;
  mint(email: string, name?: string, extraClaims?: Record<string, unknown>): string;
  /** Handles POST /dev/token; returns status and JSON body. */
  tokenEndpoint(body: unknown): { status: number; body: unknown };
}

export function createDevIdentity(issuer: string): DevIdentity {
  const key = generateSigningKey(`dev-${Date.now().toString(36)}`);
  const mint = (email: string, name?: string, extraClaims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const normalized = email.toLowerCase();
    return signJwt(
      {
        iss: issuer,
        sub: devSubject(normalized),
        aud: devAudience,
        email: normalized,
        email_verified: true,
        name: name ?? normalized.split('@')[0],
        iat: now,
        exp: now + 3600,
        ...extraClaims,
      },
      key,
    );
  };
  return {
    issuer,
    jwks: { keys: [key.publicJwk] },
    key,
    mint,
    tokenEndpoint(body) {
      const parsed = TokenRequest.safeParse(body);
      if (!parsed.success) {
        return {
          status: 400,
          body: {
            type: 'about:blank',
            title: 'Bad Request',
            status: 400,
            detail: 'POST /dev/token takes {"email": "...", "name": "..."}',
            errors: parsed.error.issues.map((i) => ({
              field: i.path.join('.') || 'body',
              message: i.message,
            })),
          },
        };
      }
      return { status: 200, body: { token: mint(parsed.data.email, parsed.data.name) } };
    },
  };
}
