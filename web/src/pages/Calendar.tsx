import { useState } from 'react';
import {
  authorizeGoogleCalendar,
  disconnectCalendar,
  getCalendarConnection,
  listCalendarEvents,
  syncCalendarNow,
} from '../../../functions/api/routes/calendar';
import { errorText } from '../api';
import { useHashRoute, useLoad, useSession } from '../session';

function outcomeText(outcome: string | null, email: string): string | undefined {
  switch (outcome) {
    case 'connected':
      return 'Google Calendar connected; the first sync is on its way.';
    case 'denied':
      return 'Google access was not granted.';
    case 'failed':
      return 'Google did not complete the connection; try again.';
    case 'wrong_account':
      return `Not connected: the Google account you chose is not ${email}, the email you sign in with here. Connect again and choose ${email} at Google; access to the other account was revoked. (An admin can allow other calendar accounts in the organization settings.)`;
    default:
      return undefined;
  }
}

/** The caller's Google Calendar in one org: connection status, connect/sync/disconnect, next week's events. */
export function Calendar({ orgId }: { orgId: string }) {
  const { api, profile } = useSession();
  const [, query] = useHashRoute();
  const [error, setError] = useState<string>();
  const connection = useLoad(
    async () => (await api(getCalendarConnection, { params: { orgId } })).data,
    orgId,
  );
  const connected = connection.data && connection.data.status !== 'not_connected';
  const events = useLoad(async () => {
    if (!connected) return [];
    const from = new Date();
    const to = new Date(from.getTime() + 7 * 86_400_000);
    const q = { from: from.toISOString(), to: to.toISOString(), limit: 100 };
    return (await api(listCalendarEvents, { params: { orgId }, query: q })).data.items;
  }, `${orgId}:${connection.data?.lastSyncedAt}:${connected}`);

  const run = (action: () => Promise<unknown>) => async () => {
    try {
      await action();
      setError(undefined);
      connection.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const connect = run(async () => {
    window.location.assign((await api(authorizeGoogleCalendar, { params: { orgId } })).data.url);
  });
  const sync = run(() => api(syncCalendarNow, { params: { orgId } }));
  const disconnect = run(() => api(disconnectCalendar, { params: { orgId } }));

  if (connection.error) return <p role="alert">{errorText(connection.error)}</p>;
  if (!connection.data) return <p>Loading…</p>;
  const { status, lastSyncedAt, lastError, eventCount } = connection.data;
  const outcome = outcomeText(query.get('calendar'), profile.email);
  return (
    <section>
      <h2>Calendar</h2>
      <p>
        <a href={`#/orgs/${orgId}`}>Back to the organization</a>
      </p>
      {outcome && <p role="status">{outcome}</p>}
      <p data-testid="calendar-status">
        Status: {status.replace('_', ' ')}
        {lastSyncedAt && `, last synced ${new Date(lastSyncedAt).toLocaleString()}`}, {eventCount} events.
      </p>
      {lastError && <p role="alert">{lastError}</p>}
      {error && <p role="alert">{error}</p>}
      {connected && status !== 'needs_reauth' ? (
        <p>
          <button type="button" onClick={sync}>
            Sync now
          </button>{' '}
          <button type="button" onClick={disconnect}>
            Disconnect
          </button>
        </p>
      ) : (
        <button type="button" onClick={connect}>
          {status === 'needs_reauth' ? 'Reconnect Google Calendar' : 'Connect Google Calendar'}
        </button>
      )}
      {connected && (
        <>
          <h3>Next 7 days</h3>
          <ul aria-label="Events">
            {(events.data ?? []).map((e) => (
              <li key={e.id}>
                {e.allDay ? e.start : new Date(e.start).toLocaleString()} — {e.title}
                {e.transparent ? ' (free)' : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
