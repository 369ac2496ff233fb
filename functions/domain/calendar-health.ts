/** How a member's calendar sync is doing, as the org's dashboard counts it. */
import type { OrgCalendarConnection, SyncHealth } from '../api/schemas/calendar';

/**
 * Scheduled syncs come every interval; three missed in a row is past a slow Google or a queue
 * backlog, so the connection is stale (its schedule was lost, or every attempt dies unrecorded).
 */
const staleAfterIntervals = 3;
const errorSummaryChars = 200;

/** What of a stored connection the dashboard reads (data/calendar-connections.ts has the rest). */
export interface ConnectionState {
  userId: string;
  accountEmail: string | null;
  status: OrgCalendarConnection['status'];
  lastSyncedAt: string | null;
  lastError: string | null;
  connectedAt: string;
}

export function syncHealth(c: ConnectionState, now: Date, intervalMinutes: number): SyncHealth {
  if (c.status === 'error' || c.status === 'needs_reauth') return 'failing';
  const since = Date.parse(c.lastSyncedAt ?? c.connectedAt);
  return now.getTime() - since > staleAfterIntervals * intervalMinutes * 60_000 ? 'stale' : 'ok';
}

/** The first line of a sync error, cut to a table cell's worth. */
export function errorSummary(error: string | null): string | null {
  if (!error) return null;
  const line = error.split('\n', 1)[0]!.trim();
  return line.length > errorSummaryChars ? `${line.slice(0, errorSummaryChars - 1)}…` : line;
}

/** A connection as managers see it: its state and health, nothing of its grant. */
export function orgConnectionView(
  c: ConnectionState,
  now: Date,
  intervalMinutes: number,
): OrgCalendarConnection {
  return {
    userId: c.userId,
    accountEmail: c.accountEmail,
    status: c.status,
    lastSyncedAt: c.lastSyncedAt,
    lastError: errorSummary(c.lastError),
    health: syncHealth(c, now, intervalMinutes),
  };
}
