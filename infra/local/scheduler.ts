/**
 * The local stand-in for EventBridge Scheduler + SQS: runs the dispatcher on an interval and
 * drains the in-process queue into the worker handler with SQS-shaped events. Items the worker
 * reports as failed are redelivered, and after `maxReceives` go to a dead-letter list, as with a DLQ.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type InProcessQueue, localQueue, type QueuedMessage } from '../../functions/adapters/queue';

type Handlers = {
  dispatch(): Promise<unknown>;
  work(event: SQSEvent): Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
};

export interface LocalScheduler {
  /** Runs the queue until it is empty (retries included): what tests and demos wait on. */
  drain(): Promise<void>;
  deadLetters: QueuedMessage[];
  stop(): void;
}

const batchSize = 10;

function sqsRecord(m: QueuedMessage): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.messageId,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:calendar-sync',
    awsRegion: 'local',
  };
}

export async function loadJobHandlers(): Promise<Handlers> {
  const [dispatcher, worker] = await Promise.all([
    import('../../functions/jobs/sync-dispatcher'),
    import('../../functions/jobs/sync-worker'),
  ]);
  return { dispatch: dispatcher.handler, work: worker.handler };
}

export function startLocalScheduler(
  handlers: Handlers,
  options: {
    dispatchEveryMs?: number;
    pollEveryMs?: number;
    maxReceives?: number;
    queue?: InProcessQueue;
  } = {},
): LocalScheduler {
  const queue = options.queue ?? localQueue;
  const maxReceives = options.maxReceives ?? 3;
  const deadLetters: QueuedMessage[] = [];
  let running: Promise<void> | undefined;

  const pollOnce = async () => {
    const batch = queue.receive(batchSize);
    if (batch.length === 0) return false;
    const { batchItemFailures } = await handlers.work({ Records: batch.map(sqsRecord) });
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const retry = batch.filter((m) => failed.has(m.messageId));
    deadLetters.push(...retry.filter((m) => m.receiveCount >= maxReceives));
    queue.requeue(retry.filter((m) => m.receiveCount < maxReceives));
    return true;
  };

  const drain = () => {
    running ??= (async () => {
      try {
        while (await pollOnce()) {}
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const report = (what: string) => (error: unknown) =>
    console.error(`local scheduler: ${what} failed:`, error instanceof Error ? error.message : error);
  const dispatchTimer = setInterval(() => {
    handlers.dispatch().then(drain).catch(report('dispatch'));
  }, options.dispatchEveryMs ?? 60_000);
  const pollTimer = setInterval(() => {
    if (queue.size > 0) drain().catch(report('sync worker'));
  }, options.pollEveryMs ?? 1_000);
  dispatchTimer.unref();
  pollTimer.unref();

  return {
    drain,
    deadLetters,
    stop() {
      clearInterval(dispatchTimer);
      clearInterval(pollTimer);
    },
  };
}
