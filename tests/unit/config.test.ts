import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/lib/config';

const devJwks = JSON.stringify({ keys: [] });

describe('configuration', () => {
  it('trusts the dev issuer on the local stage', () => {
    const cfg = parseConfig({
      STAGE: 'local',
      TABLE_NAME: 't',
      DEV_ISSUER: 'http://127.0.0.1:3000/dev',
      DEV_ISSUER_JWKS: devJwks,
    });
    expect(cfg.devIssuer?.issuer).toBe('http://127.0.0.1:3000/dev');
  });

  it('never trusts the dev issuer on a deployed stage, even if its variables leak in', () => {
    const cfg = parseConfig({
      STAGE: 'prod',
      TABLE_NAME: 't',
      DEV_ISSUER: 'http://127.0.0.1:3000/dev',
      DEV_ISSUER_JWKS: devJwks,
    });
    expect(cfg.devIssuer).toBeUndefined();
    expect(cfg.isLocal).toBe(false);
  });

  it('reads the trusted issuers list and refuses a malformed one', () => {
    const issuers = [{ issuer: 'https://auth.example.com', audience: 'app' }];
    expect(parseConfig({ TABLE_NAME: 't', TRUSTED_ISSUERS: JSON.stringify(issuers) }).trustedIssuers).toEqual(
      issuers,
    );
    expect(() => parseConfig({ TABLE_NAME: 't', TRUSTED_ISSUERS: '[{"issuer":"not a url"}]' })).toThrow();
  });

  it('requires the table name', () => {
    expect(() => parseConfig({ STAGE: 'local' })).toThrow(/TABLE_NAME/);
  });
});
