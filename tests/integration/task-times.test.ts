/**
 * Task times are stored in one form (Date.prototype.toISOString: milliseconds, Z), whatever form of
 * ISO 8601 the client sent: the by-status list sorts on `<scheduledAt>#<taskId>` as a string, where
 * `…:34Z` would sort after `…:34.500Z`.
 */
import { describe, expect, it } from 'vitest';
import type { Task } from '../../functions/api/schemas/tasks';
import { call } from '../support/api';
import { createOrg } from '../support/tenancy';

const owner = 'owner@task-times.test';

describe('task times', () => {
  it('lists by schedule in time order and answers normalised times, however they were written', async () => {
    const org = await createOrg(owner);
    const tasks = `/orgs/${org.id}/tasks`;
    const create = async (scheduledAt: string) =>
      (await call('POST', tasks, { as: owner, body: { type: 'other', scheduledAt } })).body as Task;
    const later = await create('2026-03-01T10:00:34.500Z');
    const earlier = await create('2026-03-01T10:00:34Z');
    const latest = await create('2026-03-01T10:00:35.1234Z');
    expect(earlier.scheduledAt).toBe('2026-03-01T10:00:34.000Z');
    expect(latest.scheduledAt).toBe('2026-03-01T10:00:35.123Z');

    const listed = await call('GET', `${tasks}?status=pending`, { as: owner });
    expect(listed.body.items.map((t: Task) => t.id)).toEqual([earlier.id, later.id, latest.id]);

    const moved = await call('PATCH', `${tasks}/${latest.id}`, {
      as: owner,
      body: { scheduledAt: '2026-03-01T10:00:33Z' },
    });
    expect(moved.body.scheduledAt).toBe('2026-03-01T10:00:33.000Z');
    expect((await call('GET', `${tasks}/${latest.id}`, { as: owner })).body.scheduledAt).toBe(
      '2026-03-01T10:00:33.000Z',
    );
    const relisted = await call('GET', `${tasks}?status=pending`, { as: owner });
    expect(relisted.body.items.map((t: Task) => t.id)).toEqual([latest.id, earlier.id, later.id]);
  });
});
