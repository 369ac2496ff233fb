/**
 * The HTTP API's own execute-api address skips CloudFront and its web ACL, so with an origin secret
 * configured every request must carry it in x-origin-verify, as CloudFront's API origin sends it;
 * one without it is refused before any token is checked or anything is read.
 */
import { describe, expect, it } from 'vitest';
import { originVerifyHeader } from '../../functions/http/pipeline/origin';
import { call, countRoundTrips, tokenFor } from '../support/api';

// Set before the handlers read their configuration, as the deployed functions get it.
const secret = 'origin-secret-for-tests-0123456789';
process.env.ORIGIN_SECRET = secret;

const refusedOutside = async (method: string, path: string, headers: Record<string, string>) => {
  const { result, calls } = await countRoundTrips(() =>
    call(method, path, { token: tokenFor('outsider@example.com'), headers, body: {} }),
  );
  expect(result.status).toBe(403);
  expect(result.headers['content-type']).toBe('application/problem+json');
  expect(result.body.detail).toBe('Call this API through its public address.');
  expect(calls).toEqual([]);
};

describe('with an origin secret configured', () => {
  it('refuses a request without x-origin-verify with 403 and reads nothing: org, person, public and webhook routes', async () => {
    await refusedOutside('GET', '/orgs/org_x/tasks', {});
    await refusedOutside('GET', '/me', {});
    await refusedOutside('GET', '/health?deep=1', {});
    await refusedOutside('POST', '/webhooks/livekit', {});
  });

  it('refuses a wrong secret, a prefix of it and a longer one alike', async () => {
    for (const wrong of ['wrong', secret.slice(0, -1), `${secret}x`, ''])
      await refusedOutside('GET', '/me', { [originVerifyHeader]: wrong });
  });

  it('lets a request carrying the secret through to authentication and the route', async () => {
    const headers = { [originVerifyHeader]: secret };
    const me = await call('GET', '/me', { as: 'insider@example.com', headers });
    expect([me.status, me.body.email]).toEqual([200, 'insider@example.com']);
    expect((await call('GET', '/me', { headers })).status).toBe(401);
    expect((await call('GET', '/health', { headers })).status).toBe(200);
  });
});
