// Debug logging on: the point of this file is that no token reaches the logs even then.
process.env.LOG_LEVEL = 'debug';

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenSecretName } from '../../functions/adapters/calendar-tokens';
import { localQueue } from '../../functions/adapters/queue';
import { encryptedFileStore } from '../../functions/adapters/secrets';
import { keys } from '../../functions/data/keys';
import { devSubject } from '../../infra/local/dev-identity';
import { call, captureLogs } from '../support/api';
import {
  calendarItems,
  callback,
  connectAndSync,
  connectCalendar,
  cookieOf,
  fault,
  google,
  runQueuedSyncs,
  secretsDir,
  startConnect,
  timedEvent,
} from '../support/calendar';
import { tableName, testDb } from '../support/env';
import { seedOrg } from '../support/seed';
import { createOrg } from '../support/tenancy';

afterAll(() => google.stop());

const soon = (hours: number) => new Date(Date.now() + hours * 3_600_000);

/** Every item any test wrote: the whole table, read partition by partition we know of. */
async function everything(orgId: string, userId: string) {
  const partitions = [keys.org(orgId).pk, keys.calendarPk(orgId, userId)];
  const items = [];
  for (const pk of partitions) {
    const { Items = [] } = await testDb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    items.push(...Items);
  }
  return JSON.stringify(items);
}

/** The emulator's tokens all carry these markers (access ya29.emu-, refresh 1//emu-, code 4/emu-). */
const tokenPattern = /ya29\.emu-|1\/\/emu-|4\/emu-/;

function decrypted(): string[] {
  // Secrets are stored encrypted: the files must not contain the tokens in the clear either.
  return readdirSync(secretsDir).map((f) => readFileSync(join(secretsDir, f)).toString('latin1'));
}

describe('authorize', () => {
  it('returns the emulator consent URL with offline access, consent prompt, least scope and a state', async () => {
    const as = 'consent@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const res = await call('POST', `/orgs/${orgId}/calendar/google/authorize`, { as });
    expect(res.status).toBe(200);
    const url = new URL(res.body.url);
    expect(url.origin + url.pathname).toBe(`${google.url}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      scope: 'openid email https://www.googleapis.com/auth/calendar.events',
      login_hint: as,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:3999/api/oauth/google/callback',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);
    // S256 of a 32-byte verifier: 43 base64url characters.
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  });

  it('binds the state to the browser with an HttpOnly cookie whose hash alone is stored', async () => {
    const as = 'binding@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const res = await call('POST', `/orgs/${orgId}/calendar/google/authorize`, { as });
    const setCookie = res.headers['set-cookie']!;
    expect(setCookie).toMatch(
      /^acp_oauth_binding=[\w-]{43}; HttpOnly; Secure; SameSite=Lax; Path=\/api\/oauth\/google; Max-Age=600$/,
    );
    const binding = cookieOf(setCookie).split('=')[1]!;
    const state = new URL(res.body.url).searchParams.get('state')!;
    const nonce = JSON.parse(Buffer.from(state.split('.')[0]!, 'base64url').toString('utf8')).n;
    const { Item } = await testDb.send(new GetCommand({ TableName: tableName, Key: keys.oauthState(nonce) }));
    expect(Item).toEqual({
      ...keys.oauthState(nonce),
      type: 'OAUTH_STATE',
      orgId,
      userId: devSubject(as),
      bindingHash: createHash('sha256').update(binding).digest('hex'),
      expiresAt: expect.any(Number),
    });
  });

  it('answers 503 when the deployment has no Google client configured', async () => {
    const orgId = await seedOrg({ 'unconfigured@example.com': 'member' });
    const { config } = await import('../../functions/lib/config');
    const google = config().google;
    const saved = google.emulatorUrl;
    google.emulatorUrl = undefined;
    try {
      const res = await call('POST', `/orgs/${orgId}/calendar/google/authorize`, {
        as: 'unconfigured@example.com',
      });
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/not configured/);
    } finally {
      google.emulatorUrl = saved;
    }
  });

  it('is refused to viewers (403) and to non-members (404)', async () => {
    const orgId = await seedOrg({ 'viewer@example.com': 'viewer' });
    const path = `/orgs/${orgId}/calendar/google/authorize`;
    expect((await call('POST', path, { as: 'viewer@example.com' })).status).toBe(403);
    expect((await call('POST', path, { as: 'stranger@example.com' })).status).toBe(404);
  });
});

describe('callback', () => {
  it('stores the tokens as a secret, writes the connection, queues the first sync and redirects', async () => {
    const as = 'connect@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    google.emulator.addEvents(as, [timedEvent('Lunch', soon(3), 60)]);
    const queued = localQueue.size;
    const res = await connectCalendar(orgId, as);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`http://127.0.0.1:3999/#/orgs/${orgId}/calendar?calendar=connected`);
    expect(localQueue.size).toBe(queued + 1);
    expect(google.emulator.grantedAccounts()).toContain(as);
    expect((await runQueuedSyncs()).failures).toBe(0);
    const status = await call('GET', `/orgs/${orgId}/calendar`, { as });
    expect(status.body).toEqual({
      status: 'connected',
      accountEmail: as,
      lastSyncedAt: expect.any(String),
      lastError: null,
      eventCount: 1,
    });
  });

  it('shows no account for a connection stored before the account was kept, or for none', async () => {
    const as = 'older-connection@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    expect((await call('GET', `/orgs/${orgId}/calendar`, { as })).body).toMatchObject({
      status: 'not_connected',
      accountEmail: null,
    });
    await connectCalendar(orgId, as);
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.calendarConnection(orgId, devSubject(as)),
        UpdateExpression: 'REMOVE accountEmail',
      }),
    );
    expect((await call('GET', `/orgs/${orgId}/calendar`, { as })).body).toMatchObject({
      status: 'connected',
      accountEmail: null,
    });
  });

  it('refuses a replayed state and stores nothing the second time', async () => {
    const as = 'replay@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const { back, cookie } = await startConnect(orgId, as);
    expect((await callback(back, cookie)).status).toBe(302);
    await runQueuedSyncs();
    const before = await everything(orgId, devSubject(as));
    const queued = localQueue.size;

    const replay = await callback(back, cookie);
    expect(replay.status).toBe(400);
    expect(replay.body.errors[0].field).toBe('state');
    expect(await everything(orgId, devSubject(as))).toBe(before);
    expect(localQueue.size).toBe(queued);
  });

  const forgeries: [string, (state: string) => string][] = [
    [
      'a tampered payload',
      (s) =>
        `${Buffer.from('{"n":"x","o":"org_x","u":"usr_x","e":9999999999999}').toString('base64url')}.${s.split('.')[1]}`,
    ],
    ['a tampered signature', (s) => `${s.split('.')[0]}.${'A'.repeat(43)}`],
    ['garbage', () => 'not-a-state'],
  ];

  it.each(forgeries)('refuses %s and stores nothing', async (_name, forge) => {
    const as = 'forger@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const { back, cookie } = await startConnect(orgId, as);
    back.searchParams.set('state', forge(back.searchParams.get('state')!));
    const queued = localQueue.size;
    const res = await callback(back, cookie);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('state');
    const status = await call('GET', `/orgs/${orgId}/calendar`, { as });
    expect(status.body.status).toBe('not_connected');
    expect(localQueue.size).toBe(queued);
  });

  it('redirects with calendar=denied when the user declines, storing nothing', async () => {
    const as = 'decline@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const authorize = await call('POST', `/orgs/${orgId}/calendar/google/authorize`, { as });
    const state = new URL(authorize.body.url).searchParams.get('state')!;
    const res = await call(
      'GET',
      `/oauth/google/callback?error=access_denied&state=${encodeURIComponent(state)}`,
      { headers: { cookie: cookieOf(authorize.headers['set-cookie']) } },
    );
    expect(res.status).toBe(302);
    expect(res.headers.location).toContain('calendar=denied');
    expect((await call('GET', `/orgs/${orgId}/calendar`, { as })).body.status).toBe('not_connected');
  });

  it('redirects with calendar=failed and stores nothing when Google refuses the code', async () => {
    const as = 'refused@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    await fault('invalid_grant', 1);
    const queued = localQueue.size;
    const res = await connectCalendar(orgId, as);
    expect(res.status).toBe(302);
    expect(res.headers.location).toContain('calendar=failed');
    expect((await call('GET', `/orgs/${orgId}/calendar`, { as })).body.status).toBe('not_connected');
    expect(localQueue.size).toBe(queued);
  });

  it('stores nothing when the membership ended during consent (404)', async () => {
    const as = 'gone@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const { back, cookie } = await startConnect(orgId, as);
    await testDb.send(
      new DeleteCommand({ TableName: tableName, Key: keys.membership(orgId, devSubject(as)) }),
    );
    const res = await callback(back, cookie);
    expect(res.status).toBe(404);
    expect(await everything(orgId, devSubject(as))).not.toContain('CALENDAR_CONNECTION');
  });

  it('refuses a callback without state (400 naming the field)', async () => {
    const res = await call('GET', '/oauth/google/callback?code=abc');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('state');
  });
});

/** Nothing of the user's calendar exists: no secret, no connection, nothing queued since `queued`. */
async function expectNothingStored(orgId: string, email: string, queued: number) {
  const userId = devSubject(email);
  expect(await encryptedFileStore(secretsDir).get(tokenSecretName(orgId, userId))).toBeUndefined();
  expect(await everything(orgId, userId)).not.toContain('CALENDAR_CONNECTION');
  expect((await call('GET', `/orgs/${orgId}/calendar`, { as: email })).body.status).toBe('not_connected');
  expect(localQueue.size).toBe(queued);
}

describe('PKCE', () => {
  async function codeFor(orgId: string, as: string) {
    const { back } = await startConnect(orgId, as);
    return back.searchParams.get('code')!;
  }
  const exchange = (code: string, verifier?: string) =>
    fetch(`${google.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:3999/api/oauth/google/callback',
        client_id: 'local-emulator-client',
        ...(verifier ? { code_verifier: verifier } : {}),
      }),
    });

  it('the emulator refuses a code exchanged with a wrong or missing verifier', async () => {
    const as = 'pkce@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    for (const verifier of ['A'.repeat(43), undefined]) {
      const res = await exchange(await codeFor(orgId, as), verifier);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    }
    expect(google.emulator.grantedAccounts()).not.toContain(as);
  });
});

describe('browser binding', () => {
  it('refuses the callback without the binding cookie, storing nothing; the right browser still can', async () => {
    const as = 'cookieless@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const { back, cookie } = await startConnect(orgId, as);
    const queued = localQueue.size;
    const tokenCalls = google.emulator.stats().tokenCalls;
    const res = await callback(back);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('state');
    expect(res.headers['set-cookie']).toMatch(/^acp_oauth_binding=; .*Max-Age=0$/);
    expect(google.emulator.stats().tokenCalls).toBe(tokenCalls);
    await expectNothingStored(orgId, as, queued);
    // The refusal did not spend the state: the browser that started the flow completes it.
    const mine = await callback(back, cookie);
    expect(mine.status).toBe(302);
    expect(mine.headers.location).toContain('calendar=connected');
    expect(mine.headers['set-cookie']).toMatch(/^acp_oauth_binding=; .*Max-Age=0$/);
    await runQueuedSyncs();
  });

  it('refuses the callback with another browser’s binding cookie', async () => {
    const as = 'bound@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const { back } = await startConnect(orgId, as);
    const other = await call('POST', `/orgs/${orgId}/calendar/google/authorize`, { as });
    const queued = localQueue.size;
    const res = await callback(back, cookieOf(other.headers['set-cookie']));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('state');
    await expectNothingStored(orgId, as, queued);
  });
});

describe('Google account check', () => {
  it('refuses a consent URL completed by someone else: their browser lacks the binding', async () => {
    const attacker = 'attacker@example.com';
    const victim = 'victim@example.com';
    const orgId = await seedOrg({ [attacker]: 'member', [victim]: 'member' });
    // The attacker hands their consent URL to the victim, whose browser consents as the victim.
    const { back } = await startConnect(orgId, attacker, { consentAs: victim });
    const queued = localQueue.size;
    const res = await callback(back);
    expect(res.status).toBe(400);
    expect(google.emulator.grantedAccounts()).not.toContain(victim);
    await expectNothingStored(orgId, attacker, queued);
  });

  it('refuses, revokes and stores nothing when the Google account is not the user’s own', async () => {
    const as = 'own@example.com';
    const other = 'someone-else@example.com';
    const org = await createOrg(as);
    const queued = localQueue.size;
    const revoked = google.emulator.revocations().length;
    const res = await connectCalendar(org.id, as, { consentAs: other });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(
      `http://127.0.0.1:3999/#/orgs/${org.id}/calendar?calendar=wrong_account`,
    );
    expect(res.headers['set-cookie']).toMatch(/Max-Age=0$/);
    expect(google.emulator.revocations().slice(revoked)).toEqual([other]);
    expect(google.emulator.grantedAccounts()).not.toContain(other);
    await expectNothingStored(org.id, as, queued);
  });

  it('accepts another Google account when the org allows other calendar accounts', async () => {
    const as = 'shared-cal@example.com';
    const other = 'team-calendar@example.com';
    google.emulator.addEvents(other, [timedEvent('Team sync', soon(2), 30)]);
    const org = await createOrg(as, { allowOtherCalendarAccounts: true });
    const res = await connectCalendar(org.id, as, { consentAs: other });
    expect(res.headers.location).toContain('calendar=connected');
    expect(google.emulator.grantedAccounts()).toContain(other);
    expect((await runQueuedSyncs()).failures).toBe(0);
    expect((await call('GET', `/orgs/${org.id}/calendar`, { as })).body).toMatchObject({
      status: 'connected',
      accountEmail: other,
      eventCount: 1,
    });
  });

  it('compares emails without regard to case', async () => {
    const as = 'MixedCase@Example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    const res = await connectCalendar(orgId, as, { consentAs: 'mixedcase@example.com' });
    expect(res.headers.location).toContain('calendar=connected');
    await runQueuedSyncs();
  });
});

describe('secrets', () => {
  it('never put a token in DynamoDB, a response, a log line or a secret file in the clear', async () => {
    const as = 'secretive@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    google.emulator.addEvents(as, [timedEvent('Private', soon(4), 30)]);
    const { result: responses, output } = await captureLogs(async () => {
      const replies = [await connectCalendar(orgId, as)];
      await runQueuedSyncs();
      // A refresh mid-sync (401 -> refresh) and a failing refresh both pass tokens around.
      await fault('invalid_grant', 1);
      replies.push(await call('POST', `/orgs/${orgId}/calendar/sync`, { as }));
      await runQueuedSyncs();
      replies.push(await call('GET', `/orgs/${orgId}/calendar`, { as }));
      replies.push(
        await call(
          'GET',
          `/orgs/${orgId}/calendar/events?from=${new Date().toISOString()}&to=${soon(48).toISOString()}`,
          { as },
        ),
      );
      return replies;
    });
    expect(output).toContain('"level":"debug"');
    expect(output).toMatch(/calendar sync failed/);
    expect(output).not.toMatch(tokenPattern);
    for (const r of responses) expect(JSON.stringify(r)).not.toMatch(tokenPattern);
    expect(await everything(orgId, devSubject(as))).not.toMatch(tokenPattern);
    for (const file of decrypted()) expect(file).not.toMatch(tokenPattern);
  });
});

describe('disconnect', () => {
  it('revokes the grant at Google, deletes the secret and the synced events', async () => {
    const as = 'leaving@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    google.emulator.addEvents(as, [timedEvent('A', soon(2), 30), timedEvent('B', soon(5), 30)]);
    const secretsBefore = readdirSync(secretsDir).length;
    await connectAndSync(orgId, as);
    expect(readdirSync(secretsDir).length).toBe(secretsBefore + 1);
    expect(await calendarItems(orgId, devSubject(as))).toHaveLength(4);

    const res = await call('DELETE', `/orgs/${orgId}/calendar`, { as });
    expect(res.status).toBe(204);
    expect(google.emulator.grantedAccounts()).not.toContain(as);
    expect(await calendarItems(orgId, devSubject(as))).toHaveLength(0);
    expect((await call('GET', `/orgs/${orgId}/calendar`, { as })).body.status).toBe('not_connected');
    expect(readdirSync(secretsDir).length).toBe(secretsBefore);
    // Idempotent: disconnecting again is fine.
    expect((await call('DELETE', `/orgs/${orgId}/calendar`, { as })).status).toBe(204);
  });

  it('answers 502 and stays connected when Google cannot revoke', async () => {
    const as = 'stuck@example.com';
    const orgId = await seedOrg({ [as]: 'member' });
    await connectAndSync(orgId, as);
    const before = await everything(orgId, devSubject(as));
    await fault('500', 20);
    const res = await call('DELETE', `/orgs/${orgId}/calendar`, { as });
    await fault('500', 0);
    expect(res.status).toBe(502);
    expect(res.body.detail).toMatch(/still connected/);
    expect(google.emulator.grantedAccounts()).toContain(as);
    expect(await everything(orgId, devSubject(as))).toBe(before);
    expect((await call('DELETE', `/orgs/${orgId}/calendar`, { as })).status).toBe(204);
  });
});
