/**
 * SQS worker: one sync per message, a few at a time. Messages whose sync failed in a way worth
 * retrying (429/5xx after backoff, our own errors) are reported as partial batch failures, so
 * SQS redelivers only those and the DLQ catches the ones that never succeed.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../lib/logger';
import { syncConnection } from './sync-connection';

const Message = z.object({ orgId: z.string().min(1), userId: z.string().min(1) });
const concurrency = 4;

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  logger.setContext({ job: 'calendar-sync-worker' });
  const failed: string[] = [];
  let next = 0;
  const work = async () => {
    while (next < event.Records.length) {
      const record = event.Records[next++]!;
      let message: z.infer<typeof Message>;
      try {
        message = Message.parse(JSON.parse(record.body));
      } catch {
        // Redelivery cannot fix a malformed message; drop it.
        logger.error('malformed sync message dropped', { messageId: record.messageId });
        continue;
      }
      try {
        const result = await syncConnection(message.orgId, message.userId);
        if (result.outcome === 'failed' && result.retry) failed.push(record.messageId);
      } catch (error) {
        logger.error('sync crashed', { messageId: record.messageId, error });
        failed.push(record.messageId);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, event.Records.length) }, work));
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
