/** The Google adapter's error handling against a scripted loopback server (status and body per call). */
import { createServer } from 'node:http';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { listenLocal } from '../../infra/local/ports';

type Reply = { status: number; body: unknown };
const script: Reply[] = [];
const requests: string[] = [];
const bodies: string[] = [];
const server = createServer((req, res) => {
  requests.push(`${req.method} ${req.url?.split('?')[0]}`);
  req.on('data', (chunk: Buffer) => bodies.push(chunk.toString('utf8')));
  const next = script.shift() ?? { status: 200, body: { items: [], nextSyncToken: 'next' } };
  res.writeHead(next.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(next.body));
});
const port = await listenLocal(server, 0);
Object.assign(process.env, {
  GOOGLE_EMULATOR_URL: `http://127.0.0.1:${port}/dev/google`,
  GOOGLE_RETRY_BASE_MS: '1',
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const { googleCalendar, GoogleError } = await import('../../functions/adapters/google-calendar');

const refreshed: unknown[] = [];
const session = () => ({
  tokens: { accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: Date.now() + 3_600_000, scope: 's' },
  onRefresh: async (t: unknown) => {
    refreshed.push(t);
  },
});
const googleError = (status: number, reason: string) => ({
  status,
  body: { error: { code: status, message: reason, errors: [{ reason, message: reason }] } },
});

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

beforeEach(() => {
  script.length = 0;
  requests.length = 0;
  bodies.length = 0;
  refreshed.length = 0;
});

describe('Google adapter', () => {
  it('retries 429, 5xx and 403 rate limits, then succeeds', async () => {
    script.push(
      googleError(429, 'rateLimitExceeded'),
      googleError(503, 'backendError'),
      googleError(403, 'userRateLimitExceeded'),
    );
    const page = await googleCalendar().listEvents(session(), { syncToken: 's' });
    expect(page.nextSyncToken).toBe('next');
    expect(requests).toHaveLength(4);
  });

  it('gives up after the configured attempts with an unavailable error that names no token', async () => {
    script.push(...Array.from({ length: 4 }, () => googleError(500, 'backendError')));
    const error = await failureOf(googleCalendar().listEvents(session(), { syncToken: 's' }));
    expect(error).toBeInstanceOf(GoogleError);
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect(String((error as Error).message)).not.toMatch(/at-1|rt-1/);
    expect(requests).toHaveLength(4);
  });

  it('does not retry a plain 403, and reports 410 as a required full sync', async () => {
    script.push(googleError(403, 'forbidden'));
    expect(await failureOf(googleCalendar().listEvents(session(), { syncToken: 's' }))).toMatchObject({
      kind: 'upstream',
      reason: 'rejected',
    });
    script.push(googleError(410, 'fullSyncRequired'));
    expect(await failureOf(googleCalendar().listEvents(session(), { syncToken: 's' }))).toMatchObject({
      kind: 'upstream',
      reason: 'sync_token_expired',
    });
    expect(requests).toHaveLength(2);
  });

  it('refreshes once on 401 and persists the new access token', async () => {
    script.push(googleError(401, 'authError'), {
      status: 200,
      body: { access_token: 'at-2', expires_in: 3600 },
    });
    const s = session();
    await googleCalendar().listEvents(s, { syncToken: 's' });
    expect(requests).toEqual([
      'GET /calendar/v3/calendars/primary/events',
      'POST /dev/google/token',
      'GET /calendar/v3/calendars/primary/events',
    ]);
    expect(refreshed).toEqual([expect.objectContaining({ accessToken: 'at-2', refreshToken: 'rt-1' })]);
    expect(s.tokens.accessToken).toBe('at-2');
  });

  it('turns invalid_grant on refresh into its own kind', async () => {
    script.push(googleError(401, 'authError'), { status: 400, body: { error: 'invalid_grant' } });
    expect(await failureOf(googleCalendar().listEvents(session(), { syncToken: 's' }))).toMatchObject({
      kind: 'upstream',
      reason: 'invalid_grant',
    });
    expect(refreshed).toEqual([]);
  });
});

describe('Google adapter, consent and code exchange', () => {
  const jwt = (claims: object) =>
    ['{"alg":"RS256"}', JSON.stringify(claims), 'sig']
      .map((p, i) => (i < 2 ? Buffer.from(p).toString('base64url') : p))
      .join('.');
  const tokenReply = (idClaims?: object) => ({
    status: 200,
    body: {
      access_token: 'at',
      refresh_token: 'rt',
      expires_in: 3600,
      scope: 'openid email',
      ...(idClaims ? { id_token: jwt(idClaims) } : {}),
    },
  });
  const ours = { aud: 'local-emulator-client', email: 'Me@Example.com', email_verified: true };

  it('asks for the calendar events plus openid email, with an S256 PKCE challenge', async () => {
    const url = new URL(
      await googleCalendar().consentUrl({
        state: 's',
        loginHint: 'me@example.com',
        redirectUri: 'https://app.example/cb',
        codeChallenge: 'challenge-value',
      }),
    );
    expect(url.searchParams.get('scope')).toBe(
      'openid email https://www.googleapis.com/auth/calendar.events',
    );
    expect(url.searchParams.get('code_challenge')).toBe('challenge-value');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('sends the verifier and reads the account from the id_token', async () => {
    script.push(tokenReply(ours));
    const grant = await googleCalendar().exchangeCode('code', 'https://app.example/cb', 'the-verifier');
    expect(new URLSearchParams(bodies.join('')).get('code_verifier')).toBe('the-verifier');
    expect(grant.account).toEqual({ email: 'me@example.com', emailVerified: true });
    expect(grant.tokens).toMatchObject({ accessToken: 'at', refreshToken: 'rt' });
  });

  it.each([
    ['no id_token', undefined],
    ['an id_token for another client', { ...ours, aud: 'someone-else' }],
    ['an id_token without email', { aud: ours.aud, email_verified: true }],
  ])('reports no account for %s', async (_name, claims) => {
    script.push(tokenReply(claims));
    const grant = await googleCalendar().exchangeCode('code', 'https://app.example/cb', 'v');
    expect(grant.account).toBeUndefined();
  });
});
