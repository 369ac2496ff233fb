/** A connection's Google tokens, read from the secret store; refreshed tokens are written back. */
import { GoogleError, type GoogleSession, TokenSet } from './google-calendar';
import { secretStore } from './secrets';

export function tokenSecretName(orgId: string, userId: string): string {
  return `google-calendar/${orgId}/${userId}`;
}

export async function saveTokens(secretName: string, tokens: TokenSet): Promise<void> {
  await secretStore().put(secretName, JSON.stringify(tokens));
}

export async function sessionFor(connection: { secretName: string }): Promise<GoogleSession> {
  const raw = await secretStore().get(connection.secretName);
  // Without tokens only a new consent helps, exactly as with a revoked grant.
  if (!raw)
    throw new GoogleError('invalid_grant', 'The calendar tokens are missing; reconnect the calendar.');
  return {
    tokens: TokenSet.parse(JSON.parse(raw)),
    onRefresh: (tokens) => saveTokens(connection.secretName, tokens),
  };
}
