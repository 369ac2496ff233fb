import { beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../functions/api/schemas/tasks';
import { keys, orgPk } from '../../functions/data/keys';
import * as store from '../../functions/data/tasks';
import { Refusal, refusals } from '../../functions/domain/refusal';
import { moveTask, taskBucket } from '../../functions/domain/tasks';
import { devSubject } from '../../infra/local/dev-identity';
import { call } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

const owner = 'owner@tasks.test';
const manager = 'manager@tasks.test';
const member = 'member@tasks.test';
const other = 'other@tasks.test';
const viewer = 'viewer@tasks.test';
let org: { id: string };
let agentId: string;
let sharedAgentId: string;

const tasksPath = () => `/orgs/${org.id}/tasks`;
const taskPath = (id: string) => `${tasksPath()}/${id}`;
const create = (as: string, body: unknown, headers?: Record<string, string>) =>
  call('POST', tasksPath(), { as, body, ...(headers ? { headers } : {}) });
const patch = (as: string, id: string, body: unknown, headers?: Record<string, string>) =>
  call('PATCH', taskPath(id), { as, body, ...(headers ? { headers } : {}) });

beforeAll(async () => {
  org = await createOrg(owner, { plan: 'starter' });
  for (const [email, role] of [
    [manager, 'manager'],
    [member, 'member'],
    [other, 'member'],
    [viewer, 'viewer'],
  ] as const) {
    await addMember(org.id, owner, email, role);
  }
  agentId = (
    await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Caller', type: 'voice' } })
  ).body.id;
  const sister = await createOrg(owner, { name: 'Sister' });
  sharedAgentId = (
    await call('POST', `/orgs/${sister.id}/agents`, { as: owner, body: { name: 'Theirs', type: 'voice' } })
  ).body.id;
  await call('POST', `/orgs/${sister.id}/agents/${sharedAgentId}/shares`, {
    as: owner,
    body: { targetOrgId: org.id },
  });
});

describe('tasks', () => {
  it('creates a call task with defaults, reads it, and audits it', async () => {
    const res = await create(member, {
      type: 'call',
      fromAddress: '+14155550100',
      toAddress: '+442071838750',
      subject: 'Follow up',
      metadata: { source: 'crm', attempts: 2, tags: ['a'] },
      scheduledAt: '2026-12-01T10:00:00.000Z',
      agentId,
      assignedTo: devSubject(member),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      orgId: org.id,
      type: 'call',
      status: 'pending',
      priority: 'medium',
      startedAt: null,
      completedAt: null,
      metadata: { source: 'crm', attempts: 2, tags: ['a'] },
      agentId,
      assignedTo: devSubject(member),
      createdBy: { kind: 'member', id: devSubject(member) },
      version: 1,
    });
    expect(res.body.id).toMatch(/^tsk_/);
    expect(res.headers.etag).toBe('"1"');
    const read = await call('GET', taskPath(res.body.id), { as: viewer });
    expect(read.body).toEqual(res.body);
    const audit = (await partition(keys.auditPk(org.id))).filter((e) => e.action === 'task.created');
    // The entry keeps the task's subject as its name, so the log still reads after a deletion.
    expect(audit.map((e) => e.target)).toContainEqual({ type: 'task', id: res.body.id, name: 'Follow up' });
  });

  it('accepts an email task with an email address (stored lower case) and an agent shared into the org', async () => {
    const res = await create(member, { type: 'email', toAddress: 'Ada@Example.COM', agentId: sharedAgentId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect([res.body.toAddress, res.body.agentId]).toEqual(['ada@example.com', sharedAgentId]);
  });

  it.each<[string, unknown, number, string]>([
    ['a call to a number that is not E.164', { type: 'call', toAddress: '555-1234' }, 400, 'toAddress'],
    [
      'a call from a number with a leading 0',
      { type: 'call', fromAddress: '+04155550100' },
      400,
      'fromAddress',
    ],
    ['an email task to a non-address', { type: 'email', toAddress: 'not-an-email' }, 400, 'toAddress'],
    ['an email task to a phone number', { type: 'email', toAddress: '+14155550100' }, 400, 'toAddress'],
    [
      'an email address with a lookalike Kelvin sign',
      { type: 'email', toAddress: '\u212Aelvin@example.com' },
      400,
      'toAddress',
    ],
    ['metadata over 16 KB', { type: 'other', metadata: { blob: 'x'.repeat(16_400) } }, 400, 'metadata'],
    ['metadata that is not an object', { type: 'other', metadata: ['a'] }, 400, 'metadata'],
    ['a client-sent startedAt', { type: 'call', startedAt: '2026-01-01T00:00:00.000Z' }, 400, 'startedAt'],
    [
      'a client-sent completedAt',
      { type: 'call', completedAt: '2026-01-01T00:00:00.000Z' },
      400,
      'completedAt',
    ],
    ['a client-sent status', { type: 'call', status: 'completed' }, 400, 'status'],
    ['an unknown type', { type: 'fax' }, 400, 'type'],
    ['an unknown priority', { type: 'call', priority: 'asap' }, 400, 'priority'],
    ['a scheduledAt that is not a date-time', { type: 'call', scheduledAt: 'tomorrow' }, 400, 'scheduledAt'],
    ['a malformed agent id', { type: 'call', agentId: 'bot-1' }, 400, 'agentId'],
    ['an unknown agent', { type: 'call', agentId: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, 404, 'agentId'],
    [
      'an assignee who is not a member',
      { type: 'call', assignedTo: devSubject('stranger@x.test') },
      404,
      'assignedTo',
    ],
  ])('refuses %s naming the field, changing nothing', async (_what, body, status, field) => {
    const before = await tenantSnapshot(org.id);
    const res = await create(owner, body);
    expect([res.status, fieldsOf(res.body)], JSON.stringify(res.body)).toEqual([status, [field]]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('refuses a deleted agent like an unknown one', async () => {
    const gone = (
      await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Gone', type: 'voice' } })
    ).body.id;
    expect((await call('DELETE', `/orgs/${org.id}/agents/${gone}`, { as: owner })).status).toBe(204);
    const res = await create(owner, { type: 'call', agentId: gone });
    expect([res.status, fieldsOf(res.body)]).toEqual([404, ['agentId']]);
  });

  it('moves through the state machine; illegal moves are 409 naming the allowed ones; transitions set the times', async () => {
    const { id } = (await create(owner, { type: 'other' })).body;
    const early = await patch(owner, id, { status: 'completed' });
    expect([early.status, fieldsOf(early.body)]).toEqual([409, ['status']]);
    expect(early.body.detail).toContain('in_progress, cancelled');

    const started = await patch(owner, id, { status: 'in_progress' });
    expect(started.status).toBe(200);
    expect(started.body.startedAt).toEqual(expect.any(String));
    expect(started.body.completedAt).toBeNull();
    const done = await patch(owner, id, { status: 'completed' });
    expect([done.status, done.body.version]).toEqual([200, 3]);
    expect(done.body.completedAt).toEqual(expect.any(String));
    const after = await patch(owner, id, { status: 'cancelled' });
    expect([after.status, fieldsOf(after.body)]).toEqual([409, ['status']]);
    expect(after.body.detail).toContain('ended');
  });

  it('refuses bad changes naming the field, changing nothing', async () => {
    const { id } = (await create(owner, { type: 'call', toAddress: '+14155550100' })).body;
    const cases: [unknown, number, string][] = [
      [{ startedAt: '2026-01-01T00:00:00.000Z' }, 400, 'startedAt'],
      [{ completedAt: '2026-01-01T00:00:00.000Z' }, 400, 'completedAt'],
      [{ type: 'email' }, 400, 'type'],
      [{ toAddress: 'someone@example.com' }, 400, 'toAddress'],
      [{ status: 'done' }, 400, 'status'],
      [{ metadata: { blob: 'x'.repeat(16_400) } }, 400, 'metadata'],
      [{ agentId: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, 404, 'agentId'],
      [{ assignedTo: devSubject('stranger@x.test') }, 404, 'assignedTo'],
    ];
    const before = await tenantSnapshot(org.id);
    for (const [body, status, field] of cases) {
      const res = await patch(owner, id, body);
      expect([res.status, fieldsOf(res.body)], JSON.stringify(body)).toEqual([status, [field]]);
    }
    const badIfMatch = await patch(owner, id, { priority: 'high' }, { 'if-match': 'nope' });
    expect([badIfMatch.status, fieldsOf(badIfMatch.body)]).toEqual([400, ['If-Match']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('honours If-Match on PATCH and DELETE', async () => {
    const { id } = (await create(owner, { type: 'other' })).body;
    const ok = await patch(owner, id, { priority: 'urgent' }, { 'if-match': '"1"' });
    expect([ok.status, ok.body.priority, ok.headers.etag]).toEqual([200, 'urgent', '"2"']);
    expect((await patch(owner, id, { priority: 'low' }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await call('DELETE', taskPath(id), { as: owner, headers: { 'if-match': '"1"' } })).status).toBe(
      412,
    );
    expect((await call('DELETE', taskPath(id), { as: owner, headers: { 'if-match': '"2"' } })).status).toBe(
      204,
    );
    expect((await call('GET', taskPath(id), { as: owner })).status).toBe(404);
    expect((await call('DELETE', taskPath(id), { as: owner })).status).toBe(404);
  });

  it('lets members change tasks assigned to them only, managers any, viewers none', async () => {
    const mine = (await create(owner, { type: 'other', assignedTo: devSubject(member) })).body.id;
    const theirs = (await create(owner, { type: 'other', assignedTo: devSubject(other) })).body.id;
    const nobodys = (await create(owner, { type: 'other' })).body.id;

    expect((await create(viewer, { type: 'other' })).status).toBe(403);
    expect((await patch(viewer, mine, { priority: 'high' })).status).toBe(403);
    expect((await patch(member, theirs, { status: 'in_progress' })).status).toBe(403);
    expect((await patch(member, nobodys, { priority: 'high' })).status).toBe(403);
    expect((await patch(member, mine, { status: 'in_progress' })).status).toBe(200);
    expect((await patch(manager, theirs, { status: 'cancelled' })).status).toBe(200);
    expect((await patch(manager, nobodys, { assignedTo: devSubject(member) })).status).toBe(200);
    expect((await patch(member, nobodys, { priority: 'urgent' })).status).toBe(200);

    expect((await call('DELETE', taskPath(mine), { as: member })).status).toBe(403);
    expect((await call('DELETE', taskPath(mine), { as: viewer })).status).toBe(403);
    expect((await call('DELETE', taskPath(mine), { as: manager })).status).toBe(204);
  });

  it('lets exactly one of 10 concurrent starts win; the rest hear 409 that it is in_progress', async () => {
    const { id } = (await create(owner, { type: 'call' })).body;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => patch(manager, id, { status: 'in_progress' })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    for (const lost of answers.filter((a) => a.status === 409)) {
      expect(fieldsOf(lost.body)).toEqual(['status']);
      expect(lost.body.detail).toContain('in_progress');
    }
    const task = (await call('GET', taskPath(id), { as: owner })).body;
    expect([task.status, task.version]).toEqual(['in_progress', 2]);
    const audits = (await partition(keys.auditPk(org.id))).filter(
      (e) => (e.target as { id: string }).id === id && e.action === 'task.in_progress',
    );
    expect(audits).toHaveLength(1);
  });
});

/** The pending and in_progress call counts of the quarter hour a task was created in. */
async function countsOf(task: Task) {
  const { sk } = keys.taskCounter(task.orgId, taskBucket(task.createdAt));
  const counter = (await partition(orgPk(task.orgId))).find((i) => i.sk === sk)!;
  return {
    pending: counter['call#pending'] as number,
    in_progress: (counter['call#in_progress'] as number) ?? 0,
  };
}

describe('the condition on status', () => {
  it('decides between two writers that read the same pending task: one saves, the other is told it is in_progress', async () => {
    const { id } = (await create(owner, { type: 'call' })).body;
    const read = (await store.getTask(org.id, id))!;
    const countsBefore = await countsOf(read);
    const started = (at: string) => moveTask(read, 'in_progress', new Date(at)) as Task;
    const ifChanged = () => refusals.changedMeanwhile('task');
    const results = await Promise.allSettled([
      store.saveTask(started('2026-01-01T00:00:00.000Z'), read, { ifChanged }),
      store.saveTask(started('2026-01-01T00:00:01.000Z'), read, { ifChanged }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(Refusal);
    expect([lost.reason.kind, lost.reason.field]).toEqual(['conflict', 'status']);
    expect(lost.reason.message).toContain('in_progress');
    // The counter moved once: one more in_progress and one fewer pending in the task's quarter hour.
    expect(await countsOf(read)).toEqual({
      pending: countsBefore.pending - 1,
      in_progress: countsBefore.in_progress + 1,
    });
    expect((await store.getTask(org.id, id))!.version).toBe(2);
  });

  it('lets a webhook move a task with transitionTask, refusing an illegal move', async () => {
    const { id } = (await create(owner, { type: 'call' })).body;
    const moved = await store.transitionTask(org.id, id, 'in_progress', { now: new Date() });
    expect(moved.status).toBe('in_progress');
    await expect(store.transitionTask(org.id, id, 'in_progress', { now: new Date() })).rejects.toMatchObject({
      kind: 'conflict',
      field: 'status',
    });
    await expect(
      store.transitionTask(org.id, 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'in_progress', { now: new Date() }),
    ).rejects.toMatchObject({ kind: 'not_found' });
  });
});

describe('Idempotency-Key', () => {
  const body = { type: 'email', toAddress: 'bob@example.com', subject: 'Quote', metadata: { n: 1 } };

  it('replays the first result for the same key and body, within 24 hours, even after the task changed', async () => {
    const first = await create(member, body, { 'Idempotency-Key': 'order-42' });
    expect(first.status).toBe(201);
    // The same body written in another key order is the same request.
    const reordered = { metadata: { n: 1 }, subject: 'Quote', toAddress: 'bob@example.com', type: 'email' };
    const replay = await create(member, reordered, { 'idempotency-key': 'order-42' });
    expect([replay.status, replay.body, replay.headers['idempotent-replayed']]).toEqual([
      201,
      first.body,
      'true',
    ]);

    await patch(owner, first.body.id, { status: 'in_progress' });
    const later = await create(member, body, { 'Idempotency-Key': 'order-42' });
    expect([later.status, later.body]).toEqual([201, first.body]);

    const created = (await partition(keys.auditPk(org.id))).filter(
      (e) => e.action === 'task.created' && (e.target as { id: string }).id === first.body.id,
    );
    expect(created).toHaveLength(1);
    const items = (await partition(orgPk(org.id))).filter((i) => i.type === 'IDEMPOTENCY');
    const item = items.find((i) => i.taskId === first.body.id)!;
    const ttl = (item.expiresAt as number) - Date.parse(first.body.createdAt) / 1000;
    expect(ttl).toBeGreaterThan(24 * 3600 - 2);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });

  it('refuses the same key with another body: 422 naming Idempotency-Key, nothing stored', async () => {
    await create(member, body, { 'Idempotency-Key': 'order-43' });
    const before = await tenantSnapshot(org.id);
    const res = await create(member, { ...body, subject: 'Other' }, { 'Idempotency-Key': 'order-43' });
    expect([res.status, fieldsOf(res.body)]).toEqual([422, ['Idempotency-Key']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('scopes keys to their creator: another member with the same key creates their own task', async () => {
    const a = await create(member, body, { 'Idempotency-Key': 'shared-key' });
    const b = await create(other, body, { 'Idempotency-Key': 'shared-key' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('creates one task for 8 concurrent requests with one key', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        create(member, { type: 'other', subject: 'race' }, { 'Idempotency-Key': 'race-1' }),
      ),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
  });

  it('refuses a malformed key naming the header; the OpenAPI document lists it', async () => {
    const res = await create(member, body, { 'Idempotency-Key': 'has space' });
    expect([res.status, fieldsOf(res.body)]).toEqual([400, ['Idempotency-Key']]);
    const doc = (await call('GET', '/openapi.json')).body;
    expect(doc.paths['/orgs/{orgId}/tasks'].post.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
  });
});

describe('deleting the org', () => {
  it('removes its tasks, counters and idempotency keys', async () => {
    const doomedOwner = 'owner@tasks-doomed.test';
    const doomed = await createOrg(doomedOwner);
    await call('POST', `/orgs/${doomed.id}/tasks`, {
      as: doomedOwner,
      body: { type: 'other' },
      headers: { 'Idempotency-Key': 'k' },
    });
    const kinds = new Set((await partition(orgPk(doomed.id))).map((i) => i.type));
    expect([...kinds]).toEqual(expect.arrayContaining(['TASK', 'TASK_COUNT', 'IDEMPOTENCY']));
    expect((await call('DELETE', `/orgs/${doomed.id}`, { as: doomedOwner })).status).toBe(204);
    expect(await partition(orgPk(doomed.id))).toEqual([]);
  });
});
