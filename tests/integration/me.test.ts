import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { profileFromIdentity } from '../../functions/domain/users';
import { devAudience, devSubject } from '../../infra/local/dev-identity';
import { generateSigningKey, signJwt } from '../../infra/local/jwt';
import { call, countRoundTrips, tokenFor } from '../support/api';
import { devIssuer, identity, tableName, testDb } from '../support/env';

async function storedItem(userId: string) {
  const { Item } = await testDb.send(new GetCommand({ TableName: tableName, Key: keys.user(userId) }));
  return Item;
}

function claims(email: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: devIssuer,
    sub: `usr_${email.replace(/\W/g, '')}`,
    aud: devAudience,
    email,
    email_verified: true,
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

describe('GET /health', () => {
  it('answers without a token', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', stage: 'local' });
    expect(res.body.checks).toBeUndefined();
  });

  it('with ?deep=1 reads the table once and reports it ready; anything else is a 400 naming deep', async () => {
    const { result, calls } = await countRoundTrips(() => call('GET', '/health?deep=1'));
    expect(result.status).toBe(200);
    expect(result.body.checks).toEqual({ dynamodb: 'ok' });
    expect(calls).toEqual(['GetItem']);
    const bad = await call('GET', '/health?deep=yes');
    expect([bad.status, bad.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['deep']]);
  });
});

describe('GET /me', () => {
  it('creates the profile just in time from the verified claims', async () => {
    const token = identity.mint('Grace@Example.com', 'Grace Hopper', {
      picture: 'https://example.com/g.png',
    });
    const res = await call('GET', '/me', { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      email: 'grace@example.com',
      emailVerified: true,
      name: 'Grace Hopper',
      picture: 'https://example.com/g.png',
      timezone: 'UTC',
      welcomeFormCompleted: false,
      version: 1,
    });
    expect(res.body.id).toMatch(/^usr_/);
    expect(res.headers.etag).toBe('"1"');
    const item = await storedItem(res.body.id);
    expect(item).toMatchObject({
      email: 'grace@example.com',
      timezone: 'UTC',
      gsi1pk: 'EMAIL#grace@example.com',
    });
  });

  it('returns the same profile on later calls and never exposes table keys', async () => {
    const first = await call('GET', '/me', { as: 'same@example.com' });
    const second = await call('GET', '/me', { as: 'same@example.com' });
    expect(second.body).toEqual(first.body);
    expect(Object.keys(second.body)).not.toContain('pk');
    expect(Object.keys(second.body)).not.toContain('issuer');
  });
});

describe('authentication', () => {
  const foreignKey = generateSigningKey('attacker');
  const cases: [string, () => string | null][] = [
    ['no token', () => null],
    ['a malformed token', () => 'not-a-jwt'],
    [
      'an expired token',
      () => signJwt(claims('x@example.com', { exp: 1_000_000, iat: 999_000 }), identity.key),
    ],
    [
      'a token signed by another key (same kid)',
      () => signJwt(claims('x@example.com'), { ...foreignKey, kid: identity.key.kid }),
    ],
    [
      'a token from an untrusted issuer',
      () => signJwt(claims('x@example.com', { iss: 'https://evil.example.com' }), identity.key),
    ],
    [
      'a token for another audience',
      () => signJwt(claims('x@example.com', { aud: 'other-app' }), identity.key),
    ],
    [
      'an alg:none token',
      () => {
        const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
        return `${part({ alg: 'none', typ: 'JWT', kid: identity.key.kid })}.${part(claims('x@example.com'))}.`;
      },
    ],
    ['a token without an expiry', () => signJwt(claims('x@example.com', { exp: undefined }), identity.key)],
    [
      'a token whose email only looks like another address (Kelvin sign K)',
      () => signJwt(claims('x@example.com', { email: '\u212Ate@example.com' }), identity.key),
    ],
    [
      'a token with an international email its issuer does not vouch for',
      () =>
        signJwt(
          claims('x@example.com', { email: 'jos\u00e9@example.com', email_verified: false }),
          identity.key,
        ),
    ],
    [
      'a token without an email claim',
      () => signJwt(claims('x@example.com', { email: undefined }), identity.key),
    ],
  ];

  it.each(cases)('refuses %s with 401 problem+json and creates no profile', async (_name, makeToken) => {
    const token = makeToken();
    const res = await call('GET', '/me', {
      token,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(res.body.requestId).toBeTruthy();
    expect(await storedItem('usr_xexamplecom')).toBeUndefined();
  });
});

describe('email identity', () => {
  it('compares emails after NFKC and lower case, accepting an international address the issuer verified', async () => {
    const token = signJwt(claims('intl@example.com', { email: 'Jose\u0301@Example.com' }), identity.key);
    const res = await call('GET', '/me', { token });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('jos\u00e9@example.com');
  });

  it('follows the verified email claim when it changes at the identity provider', async () => {
    const sub = 'usr_movesemail';
    const first = await call('GET', '/me', {
      token: signJwt(claims('old@example.com', { sub }), identity.key),
    });
    expect(first.body.email).toBe('old@example.com');
    const unverified = await call('GET', '/me', {
      token: signJwt(
        claims('x@example.com', { sub, email: 'sneaky@example.com', email_verified: false }),
        identity.key,
      ),
    });
    expect(unverified.body.email).toBe('old@example.com');
    const moved = await call('GET', '/me', {
      token: signJwt(claims('new@example.com', { sub }), identity.key),
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ email: 'new@example.com', emailVerified: true, version: 2 });
    expect(await storedItem(sub)).toMatchObject({
      email: 'new@example.com',
      gsi1pk: 'EMAIL#new@example.com',
    });
  });
});

describe('issuer binding', () => {
  it('refuses a token whose subject belongs to a profile created by another identity provider', async () => {
    const email = 'taken@example.com';
    const sub = devSubject(email);
    const profile = profileFromIdentity(
      {
        sub,
        issuer: 'https://auth.other.example.com',
        email,
        emailVerified: true,
        name: null,
        picture: null,
      },
      new Date(),
    );
    await testDb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.user(sub), issuer: 'https://auth.other.example.com', ...profile },
      }),
    );
    const res = await call('GET', '/me', { as: email });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/another identity provider/);
    expect((await storedItem(sub))?.issuer).toBe('https://auth.other.example.com');
  });
});

describe('PATCH /me (welcome form)', () => {
  it('saves time zone and preferences and marks the form completed', async () => {
    const as = 'welcome@example.com';
    const before = await call('GET', '/me', { as });
    const res = await call('PATCH', '/me', {
      as,
      body: { timezone: 'America/New_York', preferences: { theme: 'dark', locale: 'en-US' } },
      headers: { 'if-match': before.headers.etag! },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      timezone: 'America/New_York',
      preferences: { theme: 'dark', locale: 'en-US' },
      welcomeFormCompleted: true,
      version: 2,
    });
    expect(res.headers.etag).toBe('"2"');
    const again = await call('PATCH', '/me', { as, body: { preferences: { emailNotifications: false } } });
    expect(again.body.preferences).toEqual({ theme: 'dark', locale: 'en-US', emailNotifications: false });
    expect((await storedItem(res.body.id))?.version).toBe(3);
  });

  const badInputs: [
    string,
    { rawBody?: string; body?: unknown; headers?: Record<string, string> },
    number,
    string,
  ][] = [
    ['malformed JSON', { rawBody: '{"timezone": "UTC"' }, 400, 'body'],
    ['an unknown field', { body: { timezone: 'UTC', isAdmin: true } }, 400, 'isAdmin'],
    ['an unknown preference', { body: { preferences: { colour: 'red' } } }, 400, 'preferences.colour'],
    ['an invalid time zone', { body: { timezone: 'Mars/Olympus_Mons' } }, 400, 'timezone'],
    ['an offset instead of a zone', { body: { timezone: '+02:00' } }, 400, 'timezone'],
    ['an over-long name', { body: { name: 'x'.repeat(201) } }, 400, 'name'],
    ['a body over 64 KB', { rawBody: JSON.stringify({ name: 'x', pad: 'y'.repeat(70_000) }) }, 400, 'body'],
    ['a JSON array', { rawBody: '[1,2]' }, 400, 'body'],
    ['a stale If-Match', { body: { timezone: 'Europe/Paris' }, headers: { 'if-match': '"99"' } }, 412, ''],
    [
      'a malformed If-Match',
      { body: { timezone: 'Europe/Paris' }, headers: { 'if-match': 'abc' } },
      400,
      'If-Match',
    ],
  ];

  it.each(badInputs)('refuses %s, names the field and changes nothing', async (_n, input, status, field) => {
    const as = 'unchanged@example.com';
    const before = await call('GET', '/me', { as });
    const res = await call('PATCH', '/me', { as, ...input });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json');
    if (field) {
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(res.body.detail).toContain(field);
    }
    const after = await storedItem(before.body.id);
    expect(after).toMatchObject({ version: before.body.version, timezone: before.body.timezone });
    expect((await call('GET', '/me', { as })).body).toEqual(before.body);
  });

  it('lets exactly one of two writers with the same If-Match win', async () => {
    const as = 'race@example.com';
    const token = tokenFor(as);
    const { headers } = await call('GET', '/me', { token });
    const results = await Promise.all(
      ['Europe/Rome', 'Asia/Tokyo'].map((timezone) =>
        call('PATCH', '/me', { token, body: { timezone }, headers: { 'if-match': headers.etag! } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });
});

describe('round trips', () => {
  it('GET /me costs the profile and the platform-grant reads once the profile exists, PATCH /me one read and one conditional write', async () => {
    const token = tokenFor('trips@example.com');
    await call('GET', '/me', { token });
    const read = await countRoundTrips(() => call('GET', '/me', { token }));
    // The second read is the platform grant (README "Platform administration"): the console asks once per session.
    expect(read.calls).toEqual(['GetItem', 'GetItem']);
    const write = await countRoundTrips(() =>
      call('PATCH', '/me', { token, body: { timezone: 'Europe/Oslo' } }),
    );
    expect(write.calls).toEqual(['GetItem', 'PutItem']);
  });
});
