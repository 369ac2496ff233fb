/**
 * Ending people's calendar access, and letting go of what a deleted org held outside the table, is
 * queued to the sync worker: it revokes Google grants and deletes calendar data, and deletes the
 * org's LiveKit dispatch rules and Cognito app clients, so the tenancy Lambdas stay free of Google,
 * LiveKit and Cognito. Should a calendar offboarding's send fail, the worker still refuses to sync a
 * former member and cleans up at the next scheduled sync.
 */
import { syncQueue } from './queue';

export async function offboardCalendars(orgId: string, userIds: readonly string[], now: Date): Promise<void> {
  const requestedAt = now.toISOString();
  await syncQueue().send(
    userIds.map((userId) => ({ kind: 'offboard' as const, orgId, userId, requestedAt })),
  );
}

/** One message per rule and per client, so a failure retries only that one. */
export async function releaseOrgResources(
  orgId: string,
  held: { sipDispatchRuleIds: readonly string[]; apiClientIds: readonly string[] },
): Promise<void> {
  await syncQueue().send([
    ...held.sipDispatchRuleIds.map((ruleId) => ({ kind: 'deleteSipDispatchRule' as const, orgId, ruleId })),
    ...held.apiClientIds.map((clientId) => ({ kind: 'deleteApiClient' as const, orgId, clientId })),
  ]);
}
