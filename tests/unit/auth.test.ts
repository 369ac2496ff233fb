/** Token checks per issuer beyond the signature (RFC 8725): audience, expiry, Cognito's token_use. */
import type { Jwks } from 'aws-jwt-verify/jwk';
import { describe, expect, it } from 'vitest';
import { buildVerifier } from '../../functions/http/pipeline/auth';
import { parseConfig } from '../../functions/lib/config';
import { generateSigningKey, signJwt } from '../../infra/local/jwt';

const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
const key = generateSigningKey('cognito-test');
const cfg = parseConfig({
  STAGE: 'prod',
  TABLE_NAME: 't',
  TRUSTED_ISSUERS: JSON.stringify([{ issuer, audience: 'web-client', tokenUse: 'id' }]),
});
const verifier = buildVerifier(cfg)!;
verifier.cacheJwks({ keys: [key.publicJwk] } as unknown as Jwks, issuer);

function idToken(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      iss: issuer,
      sub: 'c0ffee00-0000-4000-8000-000000000001',
      aud: 'web-client',
      token_use: 'id',
      email: 'person@example.com',
      email_verified: true,
      iat: now,
      exp: now + 300,
      ...overrides,
    },
    key,
  );
}

describe('Cognito issuer', () => {
  it('accepts an ID token of the configured app client', async () => {
    await expect(verifier.verify(idToken())).resolves.toMatchObject({ email: 'person@example.com' });
  });

  it.each([
    ['an access token', { token_use: 'access', aud: undefined, client_id: 'web-client' }],
    ['an ID token of another app client', { aud: 'machine-client' }],
    ['a token without exp', { exp: undefined }],
    ['a token without token_use', { token_use: undefined }],
  ])('refuses %s', async (_name, overrides) => {
    await expect(verifier.verify(idToken(overrides))).rejects.toThrow();
  });

  it('cannot be configured without an explicit audience', () => {
    for (const audience of [null, '', []]) {
      expect(() =>
        parseConfig({ TABLE_NAME: 't', TRUSTED_ISSUERS: JSON.stringify([{ issuer, audience }]) }),
      ).toThrow();
    }
  });
});
