/**
 * SQS worker: one sync, one calendar offboarding or one release of a deleted org's LiveKit rule or
 * Cognito client per message, a few at a time. Messages that failed in a
 * way worth retrying (429/5xx after backoff, our own errors) are reported as partial batch
 * failures, so SQS redelivers only those and the DLQ catches the ones that never succeed.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { SyncMessage } from '../adapters/queue';
import { logger } from '../lib/logger';
import { forEachConcurrently } from '../lib/pool';
import { offboardConnection } from './offboard-connection';
import { releaseOrgResource } from './release-org-resources';
import { syncConnection } from './sync-connection';

const ids = { orgId: z.string().check(z.minLength(1)), userId: z.string().check(z.minLength(1)) };
const orgId = { orgId: ids.orgId };
const Message = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sync'), ...ids }),
  z.object({ kind: z.literal('offboard'), ...ids, requestedAt: z.iso.datetime() }),
  z.object({ kind: z.literal('deleteSipDispatchRule'), ...orgId, ruleId: z.string().check(z.minLength(1)) }),
  z.object({ kind: z.literal('deleteApiClient'), ...orgId, clientId: z.string().check(z.minLength(1)) }),
]) satisfies z.ZodMiniType<SyncMessage>;

async function run(message: z.infer<typeof Message>): Promise<{ retry: boolean }> {
  if (message.kind === 'deleteSipDispatchRule' || message.kind === 'deleteApiClient')
    return releaseOrgResource(message);
  if (message.kind === 'offboard') {
    const result = await offboardConnection(message.orgId, message.userId, new Date(message.requestedAt));
    return { retry: result.outcome === 'failed' };
  }
  const result = await syncConnection(message.orgId, message.userId);
  return { retry: result.outcome === 'failed' && result.retry };
}
const concurrency = 4;

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  logger.setContext({ job: 'calendar-sync-worker' });
  const failed: string[] = [];
  await forEachConcurrently(event.Records, concurrency, async (record) => {
    let message: z.infer<typeof Message>;
    try {
      // Messages queued before offboarding existed carry no kind; they are syncs.
      message = Message.parse({ kind: 'sync', ...JSON.parse(record.body) });
    } catch {
      // Redelivery cannot fix a malformed message; drop it.
      logger.error('malformed sync message dropped', { messageId: record.messageId });
      return;
    }
    try {
      if ((await run(message)).retry) failed.push(record.messageId);
    } catch (error) {
      logger.error('sync crashed', { messageId: record.messageId, error });
      failed.push(record.messageId);
    }
  });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
