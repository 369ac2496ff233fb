import { describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../functions/adapters/queue';
import { startLocalScheduler } from '../../infra/local/scheduler';

describe('local scheduler and queue', () => {
  it('delivers SQS-shaped batches, redelivers reported failures and dead-letters after max receives', async () => {
    const queue = new InProcessQueue();
    const seen: Record<string, number> = {};
    const scheduler = startLocalScheduler(
      {
        dispatch: async () => undefined,
        work: async (event) => {
          const failures = [];
          for (const record of event.Records) {
            const { userId } = JSON.parse(record.body);
            seen[userId] = (seen[userId] ?? 0) + 1;
            expect(record.attributes.ApproximateReceiveCount).toBe(String(seen[userId]));
            if (userId === 'usr_bad') failures.push({ itemIdentifier: record.messageId });
          }
          return { batchItemFailures: failures };
        },
      },
      { queue, maxReceives: 3, dispatchEveryMs: 60_000, pollEveryMs: 60_000 },
    );
    await queue.send([
      { kind: 'sync', orgId: 'org_1', userId: 'usr_good' },
      { kind: 'sync', orgId: 'org_1', userId: 'usr_bad' },
    ]);
    await scheduler.drain();
    scheduler.stop();
    expect(seen).toEqual({ usr_good: 1, usr_bad: 3 });
    expect(queue.size).toBe(0);
    expect(scheduler.deadLetters.map((m) => JSON.parse(m.body).userId)).toEqual(['usr_bad']);
  });
});
