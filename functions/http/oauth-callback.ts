/**
 * GET /oauth/google/callback: public, because the browser arrives from Google without our token.
 * Who is connecting comes only from the signed, single-use state; a forged, expired or replayed
 * state is refused before anything is stored.
 */
import { GoogleError, googleCalendar, type TokenSet } from '../adapters/google-calendar';
import { syncQueue } from '../adapters/queue';
import { googleOAuthCallback } from '../api/routes/calendar';
import { getConnection, putConnection } from '../data/calendar-connections';
import { getMembership } from '../data/memberships';
import { consumeOAuthState } from '../data/oauth-states';
import { saveTokens, tokenSecretName } from '../lib/calendar-session';
import { config } from '../lib/config';
import { httpHandler, implement } from '../lib/http-handler';
import { logger } from '../lib/logger';
import { afterConnectUrl, callbackUrl, verifyState } from '../lib/oauth-state';
import { problems } from '../lib/problem';

const badState = () =>
  problems.invalidField('state', 'is not a valid, unused sign-in state; start connecting the calendar again');

export const handler = httpHandler([
  implement(googleOAuthCallback, async ({ query, now }) => {
    const claims = await verifyState(query.state, now);
    if (!claims || !(await consumeOAuthState(claims, now))) throw badState();
    const { orgId, userId } = claims;
    const redirect = (outcome: 'connected' | 'denied' | 'failed') => ({
      body: undefined,
      headers: { location: afterConnectUrl(orgId, outcome) },
    });
    if (query.error || !query.code) return redirect('denied');
    // The membership may have ended during the consent screen.
    if (!(await getMembership(orgId, userId))) throw problems.notFound();

    let tokens: TokenSet;
    try {
      tokens = await googleCalendar().exchangeCode(query.code, callbackUrl());
    } catch (error) {
      if (!(error instanceof GoogleError)) throw error;
      logger.warn('google code exchange failed', { orgId, userId, kind: error.kind });
      return redirect('failed');
    }
    logger.debug('google grant received', {
      orgId,
      userId,
      scope: tokens.scope,
      expiresAt: tokens.expiresAt,
    });
    const secretName = tokenSecretName(orgId, userId);
    await saveTokens(secretName, tokens);
    const previous = await getConnection(orgId, userId);
    const at = now.toISOString();
    await putConnection(
      {
        orgId,
        userId,
        secretName,
        status: 'connected',
        // A (re)connect starts with a full sync, which also drops events of a previous account.
        syncToken: null,
        lastSyncedAt: previous?.lastSyncedAt ?? null,
        lastError: null,
        eventCount: previous?.eventCount ?? 0,
        nextSyncAt: at,
        connectedAt: at,
        updatedAt: at,
        version: (previous?.version ?? 0) + 1,
      },
      config().sync.shards,
    );
    await syncQueue().send([{ kind: 'sync', orgId, userId }]);
    return redirect('connected');
  }),
]);
