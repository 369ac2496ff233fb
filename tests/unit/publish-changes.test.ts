/**
 * The change publisher's mapping from stream records to board events (only the board's fields,
 * never content, metadata or addresses) and its batching: per org in stream order, five per
 * publish, and a failed publish reported so Lambda retries from its first record.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Task } from '../../functions/api/schemas/tasks';
import { storedTask } from '../../functions/data/tasks';
import { newTask } from '../../functions/domain/tasks';

const published: { channel: string; events: unknown[] }[] = [];
let failOn: string | undefined;
vi.mock('../../functions/adapters/live-events', () => ({
  maxEventsPerPublish: 5,
  publishEvents: async (channel: string, events: unknown[]) => {
    if (channel === failOn) throw new Error('refused');
    published.push({ channel, events });
  },
}));
const { changeOf, handler, isTaskRecord } = await import('../../functions/jobs/publish-changes');

const orgA = 'org_01JAAAAAAAAAAAAAAAAAAAAAAA';
const orgB = 'org_01JBBBBBBBBBBBBBBBBBBBBBBB';
let sequence = 0;

function task(orgId: string, overrides: Partial<Task> = {}): Task {
  return {
    ...newTask(
      orgId,
      {
        type: 'email',
        priority: 'high',
        toAddress: 'secret.customer@example.com',
        fromAddress: 'sales@example.com',
        subject: 'Renewal',
        content: 'CONFIDENTIAL body text',
        metadata: { crmToken: 'META-SECRET' },
      },
      { kind: 'member', id: 'user-1' },
      new Date('2026-03-01T10:00:00Z'),
    ),
    ...overrides,
  };
}

function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>): DynamoDBRecord {
  const image = marshall(item, { removeUndefinedValues: true }) as never;
  sequence += 1;
  return {
    eventName,
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
      SequenceNumber: String(sequence),
    },
  };
}

beforeEach(() => {
  published.length = 0;
  failOn = undefined;
});

describe('changeOf', () => {
  it('carries the board’s fields and nothing of what the task says', () => {
    const t = task(orgA, { assignedTo: 'user-2' });
    const change = changeOf(record('INSERT', storedTask(t)))!;
    expect(change.orgId).toBe(orgA);
    expect(change.event).toEqual({
      kind: 'created',
      taskId: t.id,
      type: 'email',
      status: 'pending',
      priority: 'high',
      subject: 'Renewal',
      assignedTo: 'user-2',
      agentId: null,
      version: 1,
      updatedAt: t.updatedAt,
    });
    const text = JSON.stringify(change);
    for (const secret of ['CONFIDENTIAL', 'META-SECRET', 'secret.customer', 'sales@example.com']) {
      expect(text).not.toContain(secret);
    }
  });

  it('names updates and deletions (from the old image)', () => {
    const t = task(orgA, { status: 'in_progress', version: 2 });
    expect(changeOf(record('MODIFY', storedTask(t)))!.event).toMatchObject({
      kind: 'updated',
      status: 'in_progress',
    });
    expect(changeOf(record('REMOVE', storedTask(t)))!.event).toMatchObject({ kind: 'deleted', taskId: t.id });
  });

  it('ignores items that are not tasks, and task items that do not parse', () => {
    const member = { pk: `ORG#${orgA}`, sk: 'MEMBER#user-1', role: 'owner' };
    const counter = { pk: `ORG#${orgA}`, sk: 'TASKCOUNT#2026-03-01T10:00', type: 'TASK_COUNT' };
    expect(isTaskRecord(record('INSERT', member))).toBe(false);
    expect(isTaskRecord(record('INSERT', counter))).toBe(false);
    expect(changeOf(record('INSERT', member))).toBeUndefined();
    const broken = { ...storedTask(task(orgA)), status: 'lost' };
    expect(changeOf(record('INSERT', broken))).toBeUndefined();
  });
});

describe('handler', () => {
  it('publishes per org in stream order, at most five events per publish', async () => {
    const a = Array.from({ length: 7 }, () => task(orgA));
    const b = task(orgB);
    const records = [
      ...a.slice(0, 6).map((t) => record('INSERT', storedTask(t))),
      record('INSERT', { pk: `ORG#${orgA}`, sk: 'MEMBER#x' }),
      record('INSERT', storedTask(b)),
      record('MODIFY', storedTask(a[6]!)),
    ];
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(published.map((p) => [p.channel, p.events.length])).toEqual([
      [`/orgs/${orgA}/tasks`, 5],
      [`/orgs/${orgA}/tasks`, 1],
      [`/orgs/${orgB}/tasks`, 1],
      [`/orgs/${orgA}/tasks`, 1],
    ]);
    const ids = published.flatMap((p) => p.events.map((e) => (e as { taskId: string }).taskId));
    expect(ids).toEqual([...a.slice(0, 6), b, a[6]!].map((t) => t.id));
  });

  it('reports the first record of a failed publish, so Lambda retries from there and skips nothing', async () => {
    const first = record('INSERT', storedTask(task(orgA)));
    const failing = record('INSERT', storedTask(task(orgB)));
    const after = record('INSERT', storedTask(task(orgA)));
    failOn = `/orgs/${orgB}/tasks`;
    const result = await handler({ Records: [first, failing, after] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: failing.dynamodb!.SequenceNumber }]);
    expect(published).toHaveLength(1);
  });
});
