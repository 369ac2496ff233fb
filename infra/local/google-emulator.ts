/**
 * Google OAuth + Calendar v3 emulator for the local stack and tests, under /dev/google. It speaks
 * the HTTP surface google-auth-library and @googleapis/calendar call (consent redirect, token
 * endpoint with PKCE and an OpenID id_token, revoke, events list/insert/patch/delete with paging
 * and sync tokens), plus control endpoints to change a calendar "at Google" and to inject faults
 * deterministically. The OAuth and control endpoints live under /dev/google; the Calendar API
 * under /calendar/v3 (see below).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import { GoogleEvent } from '../../functions/domain/calendar-sync';
import { type LocalService, sendJson } from './gateway';
import { listenLocal } from './ports';

export const googleBasePath = '/dev/google';
/**
 * @googleapis/calendar resolves its paths against the origin of its root URL (any path in it is
 * dropped), so the Calendar API is served at the host root, beside /dev/google.
 */
const calendarApiPath = 'calendar/v3/';

const faultModes = ['410', '429', '500', 'invalid_grant', 'slow'] as const;
export type FaultMode = (typeof faultModes)[number];

interface StoredEvent {
  event: GoogleEvent;
  seq: number;
}

interface Account {
  events: Map<string, StoredEvent>;
  seq: number;
}

interface ListPosition {
  email: string;
  /** Changes after this sequence number (incremental); absent for a full listing. */
  since?: number;
  snapshot: number;
  offset: number;
  timeMin?: string;
  timeMax?: string;
  showDeleted: boolean;
}

const maxPageSize = 2500;
const defaultPageSize = 250;

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode<T>(token: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

function googleError(res: ServerResponse, status: number, message: string, reason: string): void {
  sendJson(res, status, { error: { code: status, message, errors: [{ reason, message }] } });
}

function startMs(e: GoogleEvent): number {
  return Date.parse(e.start?.dateTime ?? e.start?.date ?? '');
}
function endMs(e: GoogleEvent): number {
  return Date.parse(e.end?.dateTime ?? e.end?.date ?? '');
}

export interface GoogleEmulator {
  service: LocalService;
  /** Seeds events straight into an account (tests that need thousands of them). */
  addEvents(email: string, events: Omit<GoogleEvent, 'id'>[]): GoogleEvent[];
  stats(): { eventsListCalls: number; tokenCalls: number };
  /** The account of every grant revoked so far, in order. */
  revocations(): string[];
  /** Live events of an account, as Google would list them. */
  events(email: string): GoogleEvent[];
  /** Which accounts hold a live grant (refresh token not revoked). */
  grantedAccounts(): string[];
  /** Caps page sizes below what clients ask for, as Google may; lets tests page through few events. */
  capPageSize(size: number): void;
}

export function createGoogleEmulator(options: { slowMs?: number } = {}): GoogleEmulator {
  const accounts = new Map<string, Account>();
  const codes = new Map<
    string,
    { email: string; redirectUri: string; scope: string; challenge?: { value: string; method: string } }
  >();
  const revoked: string[] = [];
  // The adapter does not check the signature of an id_token it receives straight from the token
  // endpoint over TLS (OpenID Connect Core 3.1.3.7), so a per-emulator HMAC key stands in for
  // Google's RSA keys.
  const idTokenKey = randomBytes(32);
  const refreshTokens = new Map<string, { email: string; scope: string }>();
  const accessTokens = new Map<string, { email: string; refreshToken: string; expiresAt: number }>();
  /** Armed faults: how many calls each still hits, after letting `skip` matching calls through. */
  const faults = new Map<FaultMode, { times: number; skip: number }>();
  const counters = { eventsListCalls: 0, tokenCalls: 0 };
  let slowMs = options.slowMs ?? 3000;
  let pageCap = maxPageSize;

  const account = (email: string): Account => {
    const key = email.toLowerCase();
    let found = accounts.get(key);
    if (!found) {
      found = { events: new Map(), seq: 0 };
      accounts.set(key, found);
    }
    return found;
  };

  const armed = (mode: FaultMode) => (faults.get(mode)?.times ?? 0) > 0;
  const takeFault = (mode: FaultMode): boolean => {
    const fault = faults.get(mode);
    if (!fault) return false;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return false;
    }
    if (fault.times <= 1) faults.delete(mode);
    else fault.times -= 1;
    return true;
  };

  const save = (acc: Account, event: GoogleEvent): GoogleEvent => {
    acc.seq += 1;
    const stored = { ...event, etag: `"${acc.seq}"` };
    acc.events.set(event.id, { event: stored, seq: acc.seq });
    return stored;
  };

  const newEventId = () => randomBytes(10).toString('hex');

  const insert = (email: string, input: unknown): GoogleEvent | string => {
    const parsed = z.omit(GoogleEvent, { id: true, etag: true }).safeParse(input);
    if (!parsed.success)
      return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    if (!parsed.data.start || !parsed.data.end) return 'start and end are required';
    return save(account(email), { status: 'confirmed', ...parsed.data, id: newEventId() });
  };

  const patch = (email: string, id: string, input: unknown): GoogleEvent | number => {
    const acc = account(email);
    const current = acc.events.get(id);
    if (!current || current.event.status === 'cancelled') return 404;
    const parsed = z.partial(z.omit(GoogleEvent, { id: true, etag: true })).safeParse(input);
    if (!parsed.success) return 400;
    return save(acc, { ...current.event, ...parsed.data, id });
  };

  const remove = (email: string, id: string): boolean => {
    const acc = account(email);
    const current = acc.events.get(id);
    if (!current || current.event.status === 'cancelled') return false;
    // Google keeps a tombstone that incremental syncs report as cancelled.
    save(acc, { id, status: 'cancelled' });
    return true;
  };

  function list(email: string, url: URL, res: ServerResponse) {
    const q = url.searchParams;
    const acc = account(email);
    let position: ListPosition | undefined;
    const pageToken = q.get('pageToken');
    const syncToken = q.get('syncToken');
    if (pageToken) {
      position = decode<ListPosition>(pageToken);
      if (!position || position.email !== email)
        return googleError(res, 400, 'Invalid page token.', 'invalid');
    } else if (syncToken) {
      const since = decode<{ email: string; seq: number }>(syncToken);
      if (takeFault('410') || !since || since.email !== email || since.seq > acc.seq) {
        return googleError(
          res,
          410,
          'Sync token is no longer valid, a full sync is required.',
          'fullSyncRequired',
        );
      }
      position = { email, since: since.seq, snapshot: acc.seq, offset: 0, showDeleted: true };
    } else {
      position = {
        email,
        snapshot: acc.seq,
        offset: 0,
        showDeleted: q.get('showDeleted') === 'true',
        ...(q.get('timeMin') ? { timeMin: q.get('timeMin')! } : {}),
        ...(q.get('timeMax') ? { timeMax: q.get('timeMax')! } : {}),
      };
    }
    const size = Math.min(Number(q.get('maxResults') ?? defaultPageSize) || defaultPageSize, pageCap);
    const { since, snapshot, timeMin, timeMax, showDeleted } = position;
    const min = timeMin ? Date.parse(timeMin) : -Infinity;
    const max = timeMax ? Date.parse(timeMax) : Infinity;
    const matching = [...acc.events.values()]
      .filter((s) => s.seq <= snapshot && (since === undefined || s.seq > since))
      .filter((s) =>
        s.event.status === 'cancelled' ? showDeleted : endMs(s.event) > min && startMs(s.event) < max,
      )
      .sort((a, b) => a.seq - b.seq);
    const items = matching.slice(position.offset, position.offset + size).map((s) => s.event);
    const done = position.offset + size >= matching.length;
    sendJson(res, 200, {
      kind: 'calendar#events',
      summary: email,
      timeZone: 'UTC',
      items,
      ...(done
        ? { nextSyncToken: encode({ email, seq: snapshot }) }
        : { nextPageToken: encode({ ...position, offset: position.offset + size }) }),
    });
  }

  function idToken(email: string, audience: string): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
      iss: 'https://accounts.google.com',
      aud: audience,
      sub: createHash('sha256').update(email).digest('hex').slice(0, 21),
      email,
      email_verified: true,
      iat: now,
      exp: now + 3600,
    })}`;
    return `${unsigned}.${createHmac('sha256', idTokenKey).update(unsigned).digest('base64url')}`;
  }

  /** RFC 7636: a code issued with a challenge is exchanged only with the verifier that produced it. */
  function verifierMatches(
    challenge: { value: string; method: string } | undefined,
    verifier: string | null,
  ) {
    if (!challenge) return true;
    if (!verifier) return false;
    const derived =
      challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    return derived === challenge.value;
  }

  function tokenEndpoint(body: Buffer, res: ServerResponse) {
    counters.tokenCalls += 1;
    const form = new URLSearchParams(body.toString('utf8'));
    const invalidGrant = (description = 'Token has been expired or revoked.') =>
      sendJson(res, 400, { error: 'invalid_grant', error_description: description });
    if (takeFault('invalid_grant')) return invalidGrant();
    const issue = (
      email: string,
      refreshToken: string,
      scope: string,
      extra: { refresh_token?: string; id_token?: string },
    ) => {
      const accessToken = `ya29.emu-${randomBytes(24).toString('base64url')}`;
      accessTokens.set(accessToken, { email, refreshToken, expiresAt: Date.now() + 3_599_000 });
      sendJson(res, 200, {
        access_token: accessToken,
        expires_in: 3599,
        token_type: 'Bearer',
        scope,
        ...extra,
      });
    };
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code || code.redirectUri !== form.get('redirect_uri')) return invalidGrant();
      if (!verifierMatches(code.challenge, form.get('code_verifier')))
        return invalidGrant('Missing or invalid code verifier.');
      const refreshToken = `1//emu-${randomBytes(24).toString('base64url')}`;
      refreshTokens.set(refreshToken, { email: code.email, scope: code.scope });
      const openId = code.scope.split(' ').includes('openid');
      return issue(code.email, refreshToken, code.scope, {
        refresh_token: refreshToken,
        ...(openId ? { id_token: idToken(code.email, form.get('client_id') ?? '') } : {}),
      });
    }
    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? '';
      const grant = refreshTokens.get(refreshToken);
      if (!grant) return invalidGrant();
      return issue(grant.email, refreshToken, grant.scope, {});
    }
    sendJson(res, 400, { error: 'unsupported_grant_type' });
  }

  function revoke(url: URL, body: Buffer, res: ServerResponse) {
    const token =
      url.searchParams.get('token') ?? new URLSearchParams(body.toString('utf8')).get('token') ?? '';
    const refreshToken = refreshTokens.has(token) ? token : accessTokens.get(token)?.refreshToken;
    const grant = refreshToken ? refreshTokens.get(refreshToken) : undefined;
    if (!refreshToken || !grant) return sendJson(res, 400, { error: 'invalid_token' });
    revoked.push(grant.email);
    refreshTokens.delete(refreshToken);
    for (const [access, grant] of accessTokens)
      if (grant.refreshToken === refreshToken) accessTokens.delete(access);
    sendJson(res, 200, {});
  }

  async function calendarApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: Buffer,
    rest: string,
  ) {
    const match = /^calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(rest);
    if (!match) return googleError(res, 404, 'Not Found', 'notFound');
    // While an invalid_grant fault is armed, access tokens stop working too, so the client must
    // refresh and meet the invalid_grant — as when a user revokes access at Google.
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = bearer ? accessTokens.get(bearer) : undefined;
    if (!grant || grant.expiresAt < Date.now() || armed('invalid_grant')) {
      return googleError(res, 401, 'Request had invalid authentication credentials.', 'authError');
    }
    if (req.method === 'GET' && !match[2]) {
      // Counted on arrival, so a call still being slowed down (or abandoned by the client) counts.
      counters.eventsListCalls += 1;
      const hasSyncToken = url.searchParams.has('syncToken');
      // A 410 fault waits for a sync-token request; the others hit the next call of any kind.
      if (!hasSyncToken || !armed('410')) {
        if (await generalFault(res)) return;
      }
      return list(grant.email, url, res);
    }
    if (await generalFault(res)) return;
    const id = match[2] ? decodeURIComponent(match[2]) : undefined;
    const json = () => {
      try {
        return JSON.parse(body.toString('utf8') || '{}');
      } catch {
        return undefined;
      }
    };
    if (req.method === 'POST' && !id) {
      const created = insert(grant.email, json());
      return typeof created === 'string'
        ? googleError(res, 400, created, 'invalid')
        : sendJson(res, 200, created);
    }
    if (req.method === 'PATCH' && id) {
      const updated = patch(grant.email, id, json());
      if (typeof updated === 'number') return googleError(res, updated, 'Not Found', 'notFound');
      return sendJson(res, 200, updated);
    }
    if (req.method === 'DELETE' && id) {
      if (!remove(grant.email, id)) return googleError(res, 410, 'Resource has been deleted', 'deleted');
      res.writeHead(204).end();
      return;
    }
    googleError(res, 405, 'Method not allowed', 'notAllowed');
  }

  async function generalFault(res: ServerResponse): Promise<boolean> {
    if (takeFault('slow')) await new Promise((r) => setTimeout(r, slowMs));
    if (takeFault('429')) {
      googleError(res, 429, 'Rate Limit Exceeded', 'rateLimitExceeded');
      return true;
    }
    if (takeFault('500')) {
      googleError(res, 500, 'Backend Error', 'backendError');
      return true;
    }
    return false;
  }

  function control(req: IncomingMessage, res: ServerResponse, rest: string, body: Buffer): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      sendJson(res, 400, { error: 'body is not JSON' });
      return true;
    }
    if (rest === 'faults' && req.method === 'POST') {
      // `after` lets that many calls through first: a fault on page N of a listing is `after: N - 1`.
      const { mode, times, delayMs, after } = (parsed ?? {}) as {
        mode?: FaultMode;
        times?: number;
        delayMs?: number;
        after?: number;
      };
      const count = (n: unknown) => Number.isInteger(n ?? 0) && ((n as number | undefined) ?? 0) >= 0;
      if (!mode || !faultModes.includes(mode) || !count(times) || !count(after)) {
        sendJson(res, 400, {
          error: `mode must be one of ${faultModes.join(', ')}; times and after counts`,
        });
        return true;
      }
      if (typeof delayMs === 'number') slowMs = delayMs;
      if ((times ?? 1) === 0) faults.delete(mode);
      else faults.set(mode, { times: times ?? 1, skip: after ?? 0 });
      sendJson(res, 200, { faults: Object.fromEntries(faults) });
      return true;
    }
    if (rest === 'stats' && req.method === 'GET') {
      sendJson(res, 200, { ...counters });
      return true;
    }
    const match = /^accounts\/([^/]+)\/events(?:\/([^/]+))?$/.exec(rest);
    if (!match) return false;
    const email = decodeURIComponent(match[1]!);
    const id = match[2] ? decodeURIComponent(match[2]) : undefined;
    if (req.method === 'POST' && !id) {
      const created = insert(email, parsed);
      if (typeof created === 'string') sendJson(res, 400, { error: created });
      else sendJson(res, 201, created);
    } else if (req.method === 'PATCH' && id) {
      const updated = patch(email, id, parsed);
      if (typeof updated === 'number') sendJson(res, updated, { error: 'no such event' });
      else sendJson(res, 200, updated);
    } else if (req.method === 'DELETE' && id) {
      if (remove(email, id)) res.writeHead(204).end();
      else sendJson(res, 404, { error: 'no such event' });
    } else if (req.method === 'GET' && !id) {
      sendJson(res, 200, { items: emulator.events(email) });
    } else {
      sendJson(res, 405, { error: 'method not allowed' });
    }
    return true;
  }

  const service: LocalService = async (req, res, url, body) => {
    if (url.pathname.startsWith(`/${calendarApiPath}`)) {
      await calendarApi(req, res, url, body, url.pathname.slice(1));
      return true;
    }
    if (!url.pathname.startsWith(`${googleBasePath}/`)) return false;
    const rest = url.pathname.slice(googleBasePath.length + 1);
    if (rest === 'o/oauth2/v2/auth' && req.method === 'GET') {
      const q = url.searchParams;
      // consent_as (not a Google parameter; tests append it) picks another account than the hint,
      // as a person choosing a different Google account on the consent screen would.
      const email = q.get('consent_as') ?? q.get('login_hint');
      const redirectUri = q.get('redirect_uri');
      if (!email || !redirectUri || q.get('response_type') !== 'code') {
        sendJson(res, 400, { error: 'login_hint, redirect_uri and response_type=code are required' });
        return true;
      }
      const challenge = q.get('code_challenge');
      const code = `4/emu-${randomBytes(16).toString('base64url')}`;
      codes.set(code, {
        email: email.toLowerCase(),
        redirectUri,
        scope: q.get('scope') ?? '',
        ...(challenge
          ? { challenge: { value: challenge, method: q.get('code_challenge_method') ?? 'plain' } }
          : {}),
      });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', q.get('state') ?? '');
      target.searchParams.set('scope', q.get('scope') ?? '');
      res.writeHead(302, { location: target.toString() }).end();
      return true;
    }
    if (rest === 'token' && req.method === 'POST') {
      tokenEndpoint(body, res);
      return true;
    }
    if (rest === 'revoke' && req.method === 'POST') {
      if (!(await generalFault(res))) revoke(url, body, res);
      return true;
    }
    return control(req, res, rest, body);
  };

  const emulator: GoogleEmulator = {
    service,
    addEvents(email, events) {
      const acc = account(email);
      return events.map((e) => save(acc, { status: 'confirmed', ...e, id: newEventId() }));
    },
    stats: () => ({ ...counters }),
    revocations: () => [...revoked],
    events: (email) =>
      [...account(email).events.values()].map((s) => s.event).filter((e) => e.status !== 'cancelled'),
    grantedAccounts: () => [...new Set([...refreshTokens.values()].map((g) => g.email))],
    capPageSize: (size) => {
      pageCap = Math.min(size, maxPageSize);
    },
  };
  return emulator;
}

export interface RunningGoogleEmulator {
  /** The emulator base URL (…/dev/google), what GOOGLE_EMULATOR_URL takes. */
  url: string;
  emulator: GoogleEmulator;
  stop(): Promise<void>;
}

/** A standalone emulator on a free loopback port, for tests. */
export async function startGoogleEmulator(): Promise<RunningGoogleEmulator> {
  const emulator = createGoogleEmulator();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      emulator.service(req, res, url, Buffer.concat(chunks)).then(
        (handled) => {
          if (!handled) sendJson(res, 404, { error: 'not found' });
        },
        (error: unknown) => {
          if (!res.headersSent) sendJson(res, 500, { error: String(error) });
        },
      );
    });
  });
  const port = await listenLocal(server, 0);
  return {
    url: `http://127.0.0.1:${port}${googleBasePath}`,
    emulator,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
