/** Minimal RS256 JWT signing for the dev identity provider and for tests that need bad tokens. */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export function generateSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    privateKey,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(
  claims: Record<string, unknown>,
  key: SigningKey,
  header: Record<string, unknown> = {},
): string {
  const head = b64url({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header });
  const body = b64url(claims);
  const signature = createSign('RSA-SHA256')
    .update(`${head}.${body}`)
    .sign(key.privateKey)
    .toString('base64url');
  return `${head}.${body}.${signature}`;
}
