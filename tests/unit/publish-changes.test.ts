/**
 * The change publisher's mapping from stream records to live events (a task's id and version,
 * never what it says; a membership removed or an org suspended on the org's access channel), the
 * stream filters that let exactly those records in, and its batching: per channel in stream order,
 * five per publish, and a failed publish reported so Lambda retries from its first record.
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
const { changeOf, handler, streamFilters } = await import('../../functions/jobs/publish-changes');
const { matchesFilters } = await import('../../infra/local/table-stream');

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

function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  item: Record<string, unknown>,
  old?: Record<string, unknown>,
): DynamoDBRecord {
  const image = (i: Record<string, unknown>) => marshall(i, { removeUndefinedValues: true }) as never;
  sequence += 1;
  return {
    eventName,
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      ...(eventName === 'REMOVE' ? { OldImage: image(item) } : { NewImage: image(item) }),
      ...(old ? { OldImage: image(old) } : {}),
      SequenceNumber: String(sequence),
    },
  };
}

const member = (orgId: string, userId: string) => ({
  pk: `ORG#${orgId}`,
  sk: `MEMBER#${userId}`,
  role: 'member',
});
const org = (orgId: string, status: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG', status, name: 'Acme' });

beforeEach(() => {
  published.length = 0;
  failOn = undefined;
});

describe('changeOf', () => {
  it('carries the task’s id and version and nothing of what the task says', () => {
    const t = task(orgA, { assignedTo: 'user-2' });
    const change = changeOf(record('INSERT', storedTask(t)))!;
    expect(change.orgId).toBe(orgA);
    expect(change.channel).toBe(`/orgs/${orgA}/tasks`);
    expect(change.event).toEqual({ kind: 'created', taskId: t.id, version: 1, updatedAt: t.updatedAt });
    const text = JSON.stringify(change);
    for (const secret of [
      'CONFIDENTIAL',
      'META-SECRET',
      'secret.customer',
      'sales@example.com',
      'Renewal',
      'user-2',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('revokes a removed member on the org’s access channel, and says when an org is suspended', () => {
    expect(changeOf(record('REMOVE', member(orgA, 'user-7')))).toEqual({
      orgId: orgA,
      channel: `/orgs/${orgA}/access`,
      event: { kind: 'revoked', userId: 'user-7' },
    });
    expect(changeOf(record('MODIFY', org(orgA, 'suspended'), org(orgA, 'active')))).toEqual({
      orgId: orgA,
      channel: `/orgs/${orgA}/access`,
      event: { kind: 'suspended' },
    });
    // Joining, a role change, another write to a suspended org, reactivation: nobody loses access.
    expect(changeOf(record('INSERT', member(orgA, 'user-7')))).toBeUndefined();
    expect(changeOf(record('MODIFY', member(orgA, 'user-7'), member(orgA, 'user-7')))).toBeUndefined();
    expect(changeOf(record('MODIFY', org(orgA, 'suspended'), org(orgA, 'suspended')))).toBeUndefined();
    expect(changeOf(record('MODIFY', org(orgA, 'active'), org(orgA, 'suspended')))).toBeUndefined();
  });

  it('names updates and deletions (from the old image)', () => {
    const t = task(orgA, { status: 'in_progress', version: 2 });
    expect(changeOf(record('MODIFY', storedTask(t)))!.event).toMatchObject({ kind: 'updated', version: 2 });
    expect(changeOf(record('REMOVE', storedTask(t)))!.event).toMatchObject({ kind: 'deleted', taskId: t.id });
  });

  it('ignores other items, and task items that do not parse', () => {
    const counter = { pk: `ORG#${orgA}`, sk: 'TASKCOUNT#2026-03-01T10:00', type: 'TASK_COUNT' };
    expect(changeOf(record('INSERT', counter))).toBeUndefined();
    const broken = { ...storedTask(task(orgA)), status: 'lost' };
    expect(changeOf(record('INSERT', broken))).toBeUndefined();
  });
});

describe('streamFilters', () => {
  const passes = (r: DynamoDBRecord) => matchesFilters(streamFilters, r);

  it('let in task changes, membership removals and an org written as suspended', () => {
    expect(passes(record('INSERT', storedTask(task(orgA))))).toBe(true);
    expect(passes(record('REMOVE', storedTask(task(orgA))))).toBe(true);
    expect(passes(record('REMOVE', member(orgA, 'user-7')))).toBe(true);
    expect(passes(record('MODIFY', org(orgA, 'suspended'), org(orgA, 'active')))).toBe(true);
  });

  it('keep out everything else', () => {
    const counter = { pk: `ORG#${orgA}`, sk: 'TASKCOUNT#2026-03-01T10:00', type: 'TASK_COUNT' };
    expect(passes(record('INSERT', counter))).toBe(false);
    expect(passes(record('INSERT', member(orgA, 'user-7')))).toBe(false);
    expect(passes(record('MODIFY', member(orgA, 'user-7'), member(orgA, 'user-7')))).toBe(false);
    expect(passes(record('MODIFY', org(orgA, 'active'), org(orgA, 'suspended')))).toBe(false);
    expect(passes(record('INSERT', org(orgA, 'active')))).toBe(false);
  });
});

describe('handler', () => {
  it('publishes per channel in stream order, at most five events per publish', async () => {
    const a = Array.from({ length: 7 }, () => task(orgA));
    const b = task(orgB);
    const records = [
      ...a.slice(0, 6).map((t) => record('INSERT', storedTask(t))),
      record('INSERT', member(orgA, 'x')),
      record('INSERT', storedTask(b)),
      record('REMOVE', member(orgB, 'y')),
      record('MODIFY', storedTask(a[6]!)),
    ];
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(published.map((p) => [p.channel, p.events.length])).toEqual([
      [`/orgs/${orgA}/tasks`, 5],
      [`/orgs/${orgA}/tasks`, 1],
      [`/orgs/${orgB}/tasks`, 1],
      [`/orgs/${orgB}/access`, 1],
      [`/orgs/${orgA}/tasks`, 1],
    ]);
    const ids = published.flatMap((p) => p.events.map((e) => (e as { taskId?: string }).taskId));
    expect(ids).toEqual([...[...a.slice(0, 6), b].map((t) => t.id), undefined, a[6]!.id]);
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
