/**
 * The sync queue port: SQS in AWS; in the local stage (no queue URL) an in-process queue that the
 * local scheduler (infra/local/scheduler.ts) and tests drain into the same worker handler.
 */
import { randomUUID } from 'node:crypto';
import { config } from '../lib/config';
import { onFirstUse } from '../lib/lazy';
import { chunks } from '../lib/pool';

/**
 * `sync` runs one sync of a connection; `offboard` revokes and deletes everything of a user's
 * calendar in an org after their membership (or the org) ended. `requestedAt` lets the worker
 * leave alone a connection made after the request (the person rejoined and reconnected).
 * `deleteSipDispatchRule` and `deleteApiClient` remove what a deleted org held outside the table:
 * a number's LiveKit dispatch rule, an API client's Cognito app client.
 */
export type SyncMessage =
  | { kind: 'sync'; orgId: string; userId: string }
  | { kind: 'offboard'; orgId: string; userId: string; requestedAt: string }
  | { kind: 'deleteSipDispatchRule'; orgId: string; ruleId: string }
  | { kind: 'deleteApiClient'; orgId: string; clientId: string };

export interface SyncQueue {
  send(messages: readonly SyncMessage[]): Promise<void>;
}

const sqsBatch = 10;

const sqs = onFirstUse(async () => {
  const { SendMessageBatchCommand, SQSClient } = await import('@aws-sdk/client-sqs');
  return { client: new SQSClient({ region: config().region }), SendMessageBatchCommand };
});

function sqsQueue(queueUrl: string): SyncQueue {
  return {
    async send(messages) {
      const { client, SendMessageBatchCommand } = await sqs();
      for (const batch of chunks(messages, sqsBatch)) {
        const { Failed } = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
          }),
        );
        if (Failed?.length) throw new Error(`SQS refused ${Failed.length} sync messages: ${Failed[0]?.Code}`);
      }
    },
  };
}

export interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
}

/** Messages in memory; whoever drains them decides about retries (see infra/local/scheduler.ts). */
export class InProcessQueue implements SyncQueue {
  private messages: QueuedMessage[] = [];

  async send(messages: readonly SyncMessage[]): Promise<void> {
    for (const m of messages)
      this.messages.push({ messageId: randomUUID(), body: JSON.stringify(m), receiveCount: 0 });
  }

  /** Takes up to `max` messages off the queue. */
  receive(max: number): QueuedMessage[] {
    return this.messages.splice(0, max).map((m) => ({ ...m, receiveCount: m.receiveCount + 1 }));
  }

  /** Puts messages back (a failed delivery), keeping their receive count. */
  requeue(messages: readonly QueuedMessage[]): void {
    this.messages.push(...messages);
  }

  get size(): number {
    return this.messages.length;
  }
}

export const localQueue = new InProcessQueue();

let queue: SyncQueue | undefined;

export function syncQueue(): SyncQueue {
  if (!queue) {
    const { queueUrl } = config().sync;
    if (queueUrl) queue = sqsQueue(queueUrl);
    else if (config().isLocal) queue = localQueue;
    else throw new Error('SYNC_QUEUE_URL is required outside the local stage');
  }
  return queue;
}
