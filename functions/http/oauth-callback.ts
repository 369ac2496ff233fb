/**
 * GET /oauth/google/callback: public, because the browser arrives from Google without our token.
 * Who is connecting comes only from the signed, single-use state, and only in the browser that
 * asked for it (the binding cookie); a forged, expired, replayed or foreign state is refused
 * before anything is stored. The Google account that consented must be the user's own (same
 * verified email) unless the org allows other calendar accounts; otherwise the grant is revoked
 * and nothing is kept.
 */

import { saveTokens, tokenSecretName } from '../adapters/calendar-tokens';
import {
  type GoogleAccount,
  GoogleError,
  type GoogleGrant,
  googleCalendar,
} from '../adapters/google-calendar';
import {
  afterConnectUrl,
  bindingFrom,
  bindingHash,
  type ConnectOutcome,
  callbackUrl,
  clearedBindingCookie,
  pkceVerifier,
  verifyState,
} from '../adapters/oauth-state';
import { syncQueue } from '../adapters/queue';
import { googleOAuthCallback } from '../api/routes/calendar';
import { getConnection, putConnection } from '../data/calendar-connections';
import { getMembership } from '../data/memberships';
import { consumeOAuthState } from '../data/oauth-states';
import { getOrg } from '../data/orgs';
import { dynamoUserStore } from '../data/users';
import { refusals, refuse } from '../domain/refusal';
import { config } from '../lib/config';
import { canonicalEmail } from '../lib/email';
import { logger } from '../lib/logger';
import { Problem } from '../lib/problem';
import { httpHandler, implement } from './pipeline/handler';
import { problemFor } from './pipeline/refusals';

/** A refused state also clears the binding cookie: a header, so this one is built as a problem. */
const badState = () => {
  const { status, title, detail, errors } = problemFor(
    refuse(
      'invalid',
      'is not a valid, unused sign-in state of this browser; start connecting the calendar again',
      'state',
    ),
  );
  return new Problem(status, title, detail, errors, { 'set-cookie': clearedBindingCookie() });
};

/** The user's own verified email, or (when the org allows it) any Google account. */
async function accountAccepted(orgId: string, userId: string, account: GoogleAccount): Promise<boolean> {
  const user = await dynamoUserStore.get(userId);
  // Compared as the API compares emails everywhere (lib/email.ts), and only when both are verified.
  const own = user?.profile.emailVerified ? canonicalEmail(user.profile.email, true) : undefined;
  const chosen = account.emailVerified ? canonicalEmail(account.email, true) : undefined;
  if (own !== undefined && chosen === own) return true;
  // Read only on a mismatch: most connects never need the org item.
  return (await getOrg(orgId))?.allowOtherCalendarAccounts === true;
}

/** Revokes a grant we will not keep; failing that, the tokens are still dropped unstored. */
async function discard(grant: GoogleGrant, orgId: string, userId: string) {
  try {
    await googleCalendar().revoke(grant.tokens);
  } catch (error) {
    if (!(error instanceof GoogleError)) throw error;
    logger.warn('could not revoke a refused google grant', { orgId, userId, reason: error.reason });
  }
}

export const handler = httpHandler([
  implement(googleOAuthCallback, async ({ query, now, event }) => {
    const claims = await verifyState(query.state, now);
    const binding = bindingFrom(event.cookies);
    if (!claims || !binding) throw badState();
    if (!(await consumeOAuthState({ ...claims, bindingHash: bindingHash(binding) }, now))) throw badState();
    const { orgId, userId } = claims;
    const redirect = (outcome: ConnectOutcome) => ({
      body: undefined,
      headers: { location: afterConnectUrl(orgId, outcome), 'set-cookie': clearedBindingCookie() },
    });
    if (query.error || !query.code) return redirect('denied');
    // The membership may have ended during the consent screen.
    if (!(await getMembership(orgId, userId))) throw refusals.notFound();

    let grant: GoogleGrant;
    try {
      grant = await googleCalendar().exchangeCode(
        query.code,
        callbackUrl(),
        await pkceVerifier(claims.nonce),
      );
    } catch (error) {
      if (!(error instanceof GoogleError)) throw error;
      logger.warn('google code exchange failed', { orgId, userId, reason: error.reason });
      return redirect('failed');
    }
    if (!grant.account) {
      logger.warn('google sent no usable id_token', { orgId, userId });
      await discard(grant, orgId, userId);
      return redirect('failed');
    }
    if (!(await accountAccepted(orgId, userId, grant.account))) {
      logger.info('google account of another person refused', { orgId, userId });
      await discard(grant, orgId, userId);
      return redirect('wrong_account');
    }
    const { tokens } = grant;
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
        // Only a verified address names the account (an org allowing other accounts may get another).
        accountEmail: grant.account.emailVerified ? grant.account.email : null,
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
