/**
 * Tasks stored before times were normalised may hold `…:34Z`, which the by-status list sorts after
 * `…:34.500Z`; infra/scripts/backfill-task-times.ts rewrites them (and their index key) in the
 * normal form, keeping the version, and running it again changes nothing.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../functions/api/schemas/tasks';
import { keys } from '../../functions/data/keys';
import { normalizeTaskTimes, storedTask } from '../../functions/data/tasks';
import { backfillTaskTimes } from '../../infra/scripts/backfill-task-times';
import { call } from '../support/api';
import { tableName, testDb } from '../support/env';
import { createOrg } from '../support/tenancy';

const stored = async (task: Task) =>
  (await testDb.send(new GetCommand({ TableName: tableName, Key: keys.task(task.orgId, task.id) }))).Item;

describe('backfill of task times', () => {
  it('rewrites a task stored with `…:34Z` so the by-status list sorts it by time, and is idempotent', async () => {
    const owner = 'owner@legacy-task-times.test';
    const org = await createOrg(owner);
    const tasks = `/orgs/${org.id}/tasks`;
    const create = async (scheduledAt: string) =>
      (await call('POST', tasks, { as: owner, body: { type: 'other', scheduledAt } })).body as Task;
    const later = await create('2026-03-01T10:00:34.500Z');
    const legacy = await create('2026-03-01T10:00:34.000Z');
    // As stored before times were normalised.
    await testDb.send(
      new PutCommand({
        TableName: tableName,
        Item: storedTask({
          ...legacy,
          scheduledAt: '2026-03-01T10:00:34Z',
          updatedAt: '2026-03-01T09:00:00Z',
        }),
      }),
    );
    const pending = async () =>
      (await call('GET', `${tasks}?status=pending`, { as: owner })).body.items.map((t: Task) => t.id);
    expect(await pending()).toEqual([later.id, legacy.id]);
    const laterBefore = await stored(later);

    const first = await backfillTaskTimes();
    expect(first.rewritten).toBeGreaterThanOrEqual(1);
    expect(await stored(legacy)).toMatchObject({
      scheduledAt: '2026-03-01T10:00:34.000Z',
      updatedAt: '2026-03-01T09:00:00.000Z',
      gsi3sk: `2026-03-01T10:00:34.000Z#${legacy.id}`,
      version: legacy.version,
    });
    expect(await stored(later)).toEqual(laterBefore);
    expect(await pending()).toEqual([legacy.id, later.id]);
    const read = await call('GET', `${tasks}/${legacy.id}`, { as: owner });
    expect([read.body.scheduledAt, read.headers.etag]).toEqual(['2026-03-01T10:00:34.000Z', '"1"']);

    const second = await backfillTaskTimes();
    expect(second.rewritten).toBe(0);
    expect(second.normal).toBeGreaterThanOrEqual(2);
  });

  it('leaves a task deleted before its rewrite gone', async () => {
    const owner = 'owner@legacy-task-gone.test';
    const org = await createOrg(owner);
    const task = (await call('POST', `/orgs/${org.id}/tasks`, { as: owner, body: { type: 'other' } })).body;
    await call('DELETE', `/orgs/${org.id}/tasks/${task.id}`, { as: owner });
    expect(await normalizeTaskTimes(org.id, task.id)).toBe('gone');
    expect(await stored(task)).toBeUndefined();
  });
});
