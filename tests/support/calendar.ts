/**
 * Google Calendar test rig: a Google emulator on a free loopback port, the handlers pointed at it,
 * secrets in a temp dir, and helpers to connect a calendar through the real OAuth redirect and to
 * run the queued syncs through the real worker handler.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { localQueue } from '../../functions/adapters/queue';
import { keys } from '../../functions/data/keys';
import { handler as worker } from '../../functions/jobs/sync-worker';
import { startGoogleEmulator } from '../../infra/local/google-emulator';
import { call } from './api';
import { tableName, testDb } from './env';
import { tempDir } from './temp-dir';

export const google = await startGoogleEmulator();
export const secretsDir = tempDir('acp-test-secrets-');

Object.assign(process.env, {
  GOOGLE_EMULATOR_URL: google.url,
  WEB_ORIGIN: 'http://127.0.0.1:3999',
  LOCAL_SECRETS_DIR: secretsDir,
  GOOGLE_RETRY_BASE_MS: '1',
});

export async function googleControl(method: string, path: string, body?: unknown) {
  const res = await fetch(`${google.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
}

/** Arms an emulator fault for the next `times` calls; `after` lets that many calls through first. */
export async function fault(mode: string, times: number, delayMs?: number, after?: number) {
  const res = await googleControl('POST', '/faults', {
    mode,
    times,
    ...(delayMs ? { delayMs } : {}),
    ...(after ? { after } : {}),
  });
  expect(res.status).toBe(200);
}

export async function stats(): Promise<{ eventsListCalls: number; tokenCalls: number }> {
  return (await googleControl('GET', '/stats')).body;
}

/** Runs everything queued through the worker handler, once; returns the failed message count. */
export async function runQueuedSyncs(): Promise<{ failures: number; processed: number }> {
  const batch = localQueue.receive(100);
  if (batch.length === 0) return { failures: 0, processed: 0 };
  const event = {
    Records: batch.map((m) => ({ messageId: m.messageId, body: m.body })),
  } as unknown as SQSEvent;
  const { batchItemFailures } = await worker(event);
  return { failures: batchItemFailures.length, processed: batch.length };
}

/** The `name=value` part of a Set-Cookie, as a browser sends it back. */
export function cookieOf(setCookie: string | undefined): string {
  const pair = setCookie?.split(';')[0];
  if (!pair) throw new Error('no Set-Cookie in the reply');
  return pair;
}

/**
 * Authorize -> emulator consent (302), as a browser would; returns the callback URL Google sent
 * the browser to and the binding cookie that browser holds. `consentAs` picks another Google
 * account on the consent screen than the one hinted.
 */
export async function startConnect(orgId: string, as: string, options: { consentAs?: string } = {}) {
  const authorize = await call('POST', `/orgs/${orgId}/calendar/google/authorize`, { as });
  expect(authorize.status, JSON.stringify(authorize.body)).toBe(200);
  const consentUrl = new URL(authorize.body.url);
  if (options.consentAs) consentUrl.searchParams.set('consent_as', options.consentAs);
  const consent = await fetch(consentUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  expect(back.pathname).toBe('/api/oauth/google/callback');
  return { consentUrl, back, cookie: cookieOf(authorize.headers['set-cookie']) };
}

/** The callback as the browser reaches it, with the given cookie header (none: a foreign browser). */
export function callback(back: URL, cookie?: string) {
  return call('GET', `/oauth/google/callback${back.search}`, cookie ? { headers: { cookie } } : {});
}

/** The whole connect in one browser; returns the callback reply. */
export async function connectCalendar(orgId: string, as: string, options: { consentAs?: string } = {}) {
  const { back, cookie } = await startConnect(orgId, as, options);
  return callback(back, cookie);
}

/** Connects and runs the first sync. */
export async function connectAndSync(orgId: string, as: string) {
  const callback = await connectCalendar(orgId, as);
  expect(callback.status, JSON.stringify(callback.body)).toBe(302);
  const run = await runQueuedSyncs();
  expect(run.failures).toBe(0);
}

/** Lets the next "Sync now" through at once, as if its cooldown had passed. */
export async function endSyncCooldown(orgId: string, userId: string) {
  await testDb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.calendarConnection(orgId, userId),
      UpdateExpression: 'REMOVE lastManualSyncAt',
    }),
  );
}

export async function calendarItems(orgId: string, userId: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await testDb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.calendarPk(orgId, userId) },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export function timedEvent(
  summary: string,
  start: Date,
  minutes: number,
  extra: Record<string, unknown> = {},
) {
  return {
    summary,
    start: { dateTime: start.toISOString() },
    end: { dateTime: new Date(start.getTime() + minutes * 60_000).toISOString() },
    ...extra,
  };
}
