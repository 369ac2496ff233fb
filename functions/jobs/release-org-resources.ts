/**
 * What a deleted org held outside the table: its numbers' LiveKit dispatch rules and its API
 * clients' Cognito app clients. The orgs Lambda queues one message per rule and client while
 * deleting the tenant (it calls neither service); this runs in the sync worker. Both deletions treat
 * "already gone" as done, so a redelivery or a second deletion of the org changes nothing.
 */
import { deleteOrgClient } from '../adapters/identity-clients';
import { deleteDispatchRule } from '../adapters/livekit';
import type { SyncMessage } from '../adapters/queue';
import { logger } from '../lib/logger';

type ReleaseMessage = Extract<SyncMessage, { kind: 'deleteSipDispatchRule' | 'deleteApiClient' }>;

/** `retry` when the service failed: SQS redelivers the message, and the DLQ keeps one that never succeeds. */
export async function releaseOrgResource(message: ReleaseMessage): Promise<{ retry: boolean }> {
  const resource =
    message.kind === 'deleteSipDispatchRule'
      ? { sipDispatchRuleId: message.ruleId }
      : { apiClientId: message.clientId };
  try {
    if (message.kind === 'deleteSipDispatchRule') await deleteDispatchRule(message.ruleId);
    else await deleteOrgClient(message.clientId);
  } catch (error) {
    logger.warn('resource of a deleted org not released', { orgId: message.orgId, ...resource, error });
    return { retry: true };
  }
  logger.info('resource of a deleted org released', { orgId: message.orgId, ...resource });
  return { retry: false };
}
