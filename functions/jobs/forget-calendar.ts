import { tokenSecretName } from '../adapters/calendar-tokens';
import { googleCalendar, TokenSet } from '../adapters/google-calendar';
import { secretStore } from '../adapters/secrets';
import { deleteConnectionItem } from '../data/calendar-connections';
import { deleteAllEvents } from '../data/calendar-events';

/**
 * Ends a user's calendar in an org: revokes the grant at Google (an already revoked one is fine),
 * then deletes the tokens, the synced events and the connection, whose sync-due index entry goes
 * with it. The name is derived, not read from the connection, so this also works after the
 * connection item is gone (org deletion). Throws GoogleError while Google cannot be reached, before
 * anything is deleted, so a retry can still revoke.
 */
export async function forgetCalendar(orgId: string, userId: string): Promise<void> {
  const secretName = tokenSecretName(orgId, userId);
  const raw = await secretStore().get(secretName);
  if (raw) await googleCalendar().revoke(TokenSet.parse(JSON.parse(raw)));
  await secretStore().delete(secretName);
  await deleteAllEvents(orgId, userId);
  await deleteConnectionItem(orgId, userId);
}
