/**
 * Google Calendar port and its adapter over google-auth-library + @googleapis/calendar. One OAuth
 * client and one Calendar client per container; per-user access tokens travel per call, so no
 * user's credentials live in a shared object. Failures become GoogleErrors: refusals whose reason
 * the sync and the routes act on; raw library errors (which carry request headers) never leave
 * this module.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import type { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import * as z from 'zod/mini';
import { GoogleEvent } from '../domain/calendar-sync';
import { Refusal, type RefusalKind } from '../domain/refusal';
import { config } from '../lib/config';
import { onFirstUse } from '../lib/lazy';
import { secretValue } from './secrets';

export const TokenSet = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Epoch milliseconds. */
  expiresAt: z.number(),
  scope: z.string(),
});
export type TokenSet = z.infer<typeof TokenSet>;

export type GoogleFailure =
  /** HTTP 410 on a sync token: start over with a full sync. */
  | 'sync_token_expired'
  /** The grant was revoked or expired: only the user reconnecting helps. */
  | 'invalid_grant'
  /** 429, 5xx, timeouts: worth retrying later. */
  | 'unavailable'
  | 'not_found'
  /** Anything else Google refused. */
  | 'rejected';

const refusalKindOf: Record<GoogleFailure, RefusalKind> = {
  sync_token_expired: 'upstream',
  invalid_grant: 'upstream',
  unavailable: 'unavailable',
  not_found: 'not_found',
  rejected: 'upstream',
};

/** A refusal from Google; `reason` says what the sync or the route does about it. */
export class GoogleError extends Refusal {
  constructor(
    readonly reason: GoogleFailure,
    message: string,
  ) {
    super(refusalKindOf[reason], message);
    this.name = 'GoogleError';
  }
}

/** The caller's tokens plus where to persist them when an access token is refreshed mid-call. */
export interface GoogleSession {
  tokens: TokenSet;
  onRefresh(tokens: TokenSet): Promise<void>;
}

export interface EventsPage {
  items: GoogleEvent[];
  nextPageToken: string | undefined;
  nextSyncToken: string | undefined;
}

export type ListQuery =
  | { syncToken: string; pageToken?: string | undefined }
  | { window: { timeMin: string; timeMax: string }; pageToken?: string | undefined };

export type GoogleEventInput = Omit<GoogleEvent, 'id' | 'etag' | 'status'>;

/** The Google account that consented, from the id_token of the code exchange. */
export interface GoogleAccount {
  email: string;
  emailVerified: boolean;
}

export interface ConsentRequest {
  state: string;
  loginHint: string;
  redirectUri: string;
  /** PKCE S256 challenge of the verifier the code exchange will present. */
  codeChallenge: string;
}

export interface GoogleGrant {
  tokens: TokenSet;
  /** Undefined when Google sent no usable id_token (missing, malformed or for another client). */
  account: GoogleAccount | undefined;
}

export interface GoogleCalendar {
  consentUrl(input: ConsentRequest): Promise<string>;
  exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<GoogleGrant>;
  revoke(tokens: TokenSet): Promise<void>;
  listEvents(session: GoogleSession, query: ListQuery): Promise<EventsPage>;
  insertEvent(session: GoogleSession, event: GoogleEventInput): Promise<GoogleEvent>;
  patchEvent(
    session: GoogleSession,
    googleEventId: string,
    patch: Partial<GoogleEventInput>,
  ): Promise<GoogleEvent>;
  deleteEvent(session: GoogleSession, googleEventId: string): Promise<void>;
}

/**
 * Read and write events, nothing else (no calendar settings, no other Google data); `openid email`
 * only so the code exchange says which Google account consented.
 */
const calendarScopes = ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events'];
const pageSize = 2500;
const emulatorClientId = 'local-emulator-client';
const refreshMarginMs = 60_000;

interface GaxiosLike {
  status?: number;
  response?: { status?: number; data?: unknown };
  code?: string;
}

function statusOf(error: unknown): number | undefined {
  const e = error as GaxiosLike;
  return e?.response?.status ?? e?.status;
}

/** Calendar answers some rate limits with 403 and says so only in the reason. */
function isRateLimit(error: unknown): boolean {
  const data = (error as GaxiosLike)?.response?.data as
    | { error?: { errors?: { reason?: string }[] } }
    | undefined;
  const reason = typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined;
  return reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded';
}

function oauthErrorOf(error: unknown): string | undefined {
  const data = (error as GaxiosLike)?.response?.data as { error?: unknown } | undefined;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Maps a library error to a reason with a message that is safe to show and log. */
function classify(error: unknown, action: string): GoogleError {
  if (error instanceof GoogleError) return error;
  const status = statusOf(error);
  if (oauthErrorOf(error) === 'invalid_grant') {
    return new GoogleError(
      'invalid_grant',
      'Google access was revoked or has expired; reconnect the calendar.',
    );
  }
  if (status === 410) return new GoogleError('sync_token_expired', 'Google requires a full sync.');
  if (status === 404) return new GoogleError('not_found', `Google Calendar has no such event (${action}).`);
  if (status === undefined || status === 429 || status >= 500 || (status === 403 && isRateLimit(error))) {
    const what = status ? `HTTP ${status}` : 'no response';
    return new GoogleError(
      'unavailable',
      `Google Calendar is unavailable (${action}: ${what}); try again shortly.`,
    );
  }
  return new GoogleError('rejected', `Google Calendar refused the request (${action}: HTTP ${status}).`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries only `unavailable`, with full-jitter exponential backoff. */
async function withBackoff<T>(
  action: string,
  run: () => Promise<T>,
  options: { attempts: number; baseMs: number },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const failure = classify(error, action);
      if (failure.reason !== 'unavailable' || attempt >= options.attempts) throw failure;
      await sleep(Math.random() * options.baseMs * 2 ** (attempt - 1));
    }
  }
}

/** Exposes the library's refresh (protected there) without keeping credentials on the client. */
interface TokenClient extends OAuth2Client {
  refresh(refreshToken: string): ReturnType<OAuth2Client['refreshTokenNoCache']>;
}

/**
 * The Google libraries (about 300 KB with their polyfills) load with the first call that talks to
 * Google: most calls to the calendar group read the table only.
 */
const googleLibraries = onFirstUse(async () => {
  const [{ calendar }, { OAuth2Client }] = await Promise.all([
    import('@googleapis/calendar'),
    import('google-auth-library'),
  ]);
  class RefreshingClient extends OAuth2Client implements TokenClient {
    refresh(refreshToken: string) {
      return this.refreshTokenNoCache(refreshToken);
    }
  }
  return { calendar, RefreshingClient };
});

interface Clients {
  oauth: TokenClient;
  clientId: string;
  api: calendar_v3.Calendar;
  timeoutMs: number;
  backoff: { attempts: number; baseMs: number };
}

let clients: Promise<Clients> | undefined;

async function clientSecret(arn: string | undefined): Promise<string | undefined> {
  if (!arn) return undefined;
  return secretValue(arn);
}

/** A deployment without a Google client id (and not emulating Google locally) cannot connect calendars. */
export function googleConfigured(): boolean {
  const { google } = config();
  return Boolean(google.clientId || google.emulatorUrl);
}

async function createClients(): Promise<Clients> {
  const { google } = config();
  const emulator = google.emulatorUrl;
  if (!googleConfigured()) {
    throw new Error('GOOGLE_CLIENT_ID is required (or GOOGLE_EMULATOR_URL in the local stage)');
  }
  const clientId = google.clientId ?? emulatorClientId;
  const { calendar, RefreshingClient } = await googleLibraries();
  const oauth = new RefreshingClient({
    clientId,
    clientSecret: google.clientId ? await clientSecret(google.clientSecretArn) : 'emulator',
    ...(emulator
      ? {
          endpoints: {
            oauth2AuthBaseUrl: `${emulator}/o/oauth2/v2/auth`,
            oauth2TokenUrl: `${emulator}/token`,
            oauth2RevokeUrl: `${emulator}/revoke`,
          },
        }
      : {}),
  });
  // The library resolves API paths against the root URL's origin, so the emulator serves
  // /calendar/v3 at the root of its host.
  const api = calendar({ version: 'v3', ...(emulator ? { rootUrl: `${new URL(emulator).origin}/` } : {}) });
  return {
    oauth,
    clientId,
    api,
    timeoutMs: google.timeoutMs,
    backoff: { attempts: google.maxAttempts, baseMs: google.retryBaseMs },
  };
}

function tokenSetFrom(
  tokens: {
    access_token?: string | null;
    refresh_token?: string | null;
    expiry_date?: number | null;
    scope?: string;
  },
  previous?: TokenSet,
): TokenSet {
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken;
  if (!tokens.access_token || !refreshToken) {
    throw new GoogleError('rejected', 'Google did not grant offline access; connect again and allow access.');
  }
  return {
    accessToken: tokens.access_token,
    refreshToken,
    expiresAt: tokens.expiry_date ?? Date.now() + 3_000_000,
    scope: tokens.scope ?? previous?.scope ?? '',
  };
}

const IdTokenClaims = z.object({
  aud: z.string(),
  email: z.string().check(z.minLength(3)),
  // Google sends a boolean; some of its older token formats carry the string.
  email_verified: z.union([
    z.boolean(),
    z.pipe(
      z.enum(['true', 'false']),
      z.transform((v) => v === 'true'),
    ),
  ]),
});

/**
 * The consenting account from an id_token. Its signature is not checked: it comes straight from
 * Google's token endpoint over TLS, which OpenID Connect Core 3.1.3.7 accepts in place of the
 * signature. The audience is still checked, so a token minted for another client never counts.
 */
function accountOf(idToken: string | null | undefined, clientId: string): GoogleAccount | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = IdTokenClaims.safeParse(claims);
  if (!parsed.success || parsed.data.aud !== clientId) return undefined;
  return { email: parsed.data.email.toLowerCase(), emailVerified: parsed.data.email_verified };
}

function googleCalendarAdapter(): GoogleCalendar {
  const get = () => {
    // A failed start (the client secret lookup) is not cached: the next call tries again.
    clients ??= createClients().catch((error) => {
      clients = undefined;
      throw error;
    });
    return clients;
  };

  async function refresh(c: Clients, session: GoogleSession): Promise<string> {
    try {
      const { tokens } = await c.oauth.refresh(session.tokens.refreshToken);
      session.tokens = tokenSetFrom(tokens, session.tokens);
    } catch (error) {
      throw classify(error, 'token refresh');
    }
    await session.onRefresh(session.tokens);
    return session.tokens.accessToken;
  }

  /** Runs one API call with a fresh access token, refreshing once on 401, with backoff on 429/5xx. */
  async function authorized<T>(
    action: string,
    session: GoogleSession,
    run: (c: Clients, headers: object) => Promise<T>,
  ) {
    const c = await get();
    if (session.tokens.expiresAt - refreshMarginMs < Date.now()) await refresh(c, session);
    return withBackoff(
      action,
      async () => {
        const call = (token: string) =>
          // retry: false — the library would otherwise retry 429/5xx on its own, under our backoff.
          run(c, { headers: { authorization: `Bearer ${token}` }, timeout: c.timeoutMs, retry: false });
        try {
          return await call(session.tokens.accessToken);
        } catch (error) {
          if (statusOf(error) !== 401) throw error;
          return call(await refresh(c, session));
        }
      },
      c.backoff,
    );
  }

  return {
    async consentUrl({ state, loginHint, redirectUri, codeChallenge }) {
      const { oauth } = await get();
      return oauth.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: calendarScopes,
        include_granted_scopes: false,
        state,
        login_hint: loginHint,
        redirect_uri: redirectUri,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256' as CodeChallengeMethod,
      });
    },

    async exchangeCode(code, redirectUri, codeVerifier) {
      const c = await get();
      try {
        const { tokens } = await c.oauth.getToken({ code, redirect_uri: redirectUri, codeVerifier });
        return { tokens: tokenSetFrom(tokens), account: accountOf(tokens.id_token, c.clientId) };
      } catch (error) {
        throw classify(error, 'code exchange');
      }
    },

    async revoke(tokens) {
      const c = await get();
      try {
        await c.oauth.revokeToken(tokens.refreshToken);
      } catch (error) {
        // Already revoked (or expired) is what we wanted.
        if (statusOf(error) === 400) return;
        throw classify(error, 'revoke');
      }
    },

    async listEvents(session, query) {
      const params: calendar_v3.Params$Resource$Events$List = {
        calendarId: 'primary',
        maxResults: pageSize,
        singleEvents: true,
        ...(query.pageToken ? { pageToken: query.pageToken } : {}),
        ...('syncToken' in query ? { syncToken: query.syncToken } : { ...query.window, showDeleted: false }),
      };
      const { data } = await authorized('events.list', session, (c, options) =>
        c.api.events.list(params, options),
      );
      return {
        items: z.array(GoogleEvent).parse(data.items ?? []),
        nextPageToken: data.nextPageToken ?? undefined,
        nextSyncToken: data.nextSyncToken ?? undefined,
      };
    },

    async insertEvent(session, event) {
      const { data } = await authorized('events.insert', session, (c, options) =>
        c.api.events.insert({ calendarId: 'primary', requestBody: event }, options),
      );
      return GoogleEvent.parse(data);
    },

    async patchEvent(session, googleEventId, patch) {
      const { data } = await authorized('events.patch', session, (c, options) =>
        c.api.events.patch({ calendarId: 'primary', eventId: googleEventId, requestBody: patch }, options),
      );
      return GoogleEvent.parse(data);
    },

    async deleteEvent(session, googleEventId) {
      try {
        await authorized('events.delete', session, (c, options) =>
          c.api.events.delete({ calendarId: 'primary', eventId: googleEventId }, options),
        );
      } catch (error) {
        // Deleted at Google already (404/410): the outcome the caller asked for.
        if (
          error instanceof GoogleError &&
          (error.reason === 'not_found' || error.reason === 'sync_token_expired')
        )
          return;
        throw error;
      }
    },
  };
}

let adapter: GoogleCalendar | undefined;

export function googleCalendar(): GoogleCalendar {
  adapter ??= googleCalendarAdapter();
  return adapter;
}
