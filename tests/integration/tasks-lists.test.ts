/**
 * The task lists over 1,000 tasks: each list pages in its order, every page is one Query (besides
 * the two authorization reads), and a cursor belongs to the list that made it.
 */
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Task, taskStatuses } from '../../functions/api/schemas/tasks';
import { batchWrite } from '../../functions/data/batch';
import { storedTask } from '../../functions/data/tasks';
import { newTask } from '../../functions/domain/tasks';
import { readCommands } from '../bench/round-trip-budgets';
import { call, roundTripLog } from '../support/api';
import { createOrg } from '../support/tenancy';

const owner = 'owner@task-lists.test';
const assignees = ['usr_a', 'usr_b', 'usr_c'];
const agents = [`agt_${ulid()}`, `agt_${ulid()}`];
let orgId: string;
const seeded: Task[] = [];

beforeAll(async () => {
  orgId = (await createOrg(owner)).id;
  const start = Date.parse('2026-02-01T00:00:00.000Z');
  for (let i = 0; i < 1000; i++) {
    // Distinct milliseconds make the ULID ids strictly time-ordered.
    const created = new Date(start + i * 61_000 + (i % 7));
    const task = newTask(
      orgId,
      {
        type: (['call', 'email', 'other'] as const)[i % 3]!,
        priority: 'medium',
        // Schedules in a different order from creation, and some tasks unscheduled.
        ...(i % 4 === 0
          ? {}
          : { scheduledAt: new Date(start + ((i * 7919) % 1000) * 3_600_000).toISOString() }),
        ...(i % 5 === 0 ? {} : { assignedTo: assignees[i % 3] }),
        ...(i % 2 === 0 ? { agentId: agents[i % 4 === 0 ? 0 : 1] } : {}),
      },
      { kind: 'member', id: 'usr_seed' },
      created,
    );
    seeded.push({ ...task, status: taskStatuses[i % 5]! });
  }
  await batchWrite(seeded.map((task) => ({ PutRequest: { Item: storedTask(task) } })));
}, 60_000);

/** Every page of a list, checking each page's DynamoDB commands. */
async function everyPage(query: string) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const url = `/orgs/${orgId}/tasks?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await call('GET', url, { as: owner });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { commands } = roundTripLog.at(-1)!;
    expect(commands.filter((c) => c === 'Query')).toEqual(['Query']);
    expect(commands.filter((c) => readCommands.has(c)).sort()).toEqual(['BatchGetItem', 'Query']);
    ids.push(...res.body.items.map((t: Task) => t.id));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

const newestFirst = (tasks: Task[]) =>
  tasks
    .map((t) => t.id)
    .sort()
    .reverse();

describe('task lists across 1,000 tasks', () => {
  it('lists all, newest first, 100 a page', async () => {
    const { ids, pages } = await everyPage('');
    expect(ids).toEqual(newestFirst(seeded));
    expect(pages).toBeGreaterThanOrEqual(10);
  });

  it.each(taskStatuses)('lists %s tasks by schedule (unscheduled ones by creation time)', async (status) => {
    const expected = seeded
      .filter((t) => t.status === status)
      .sort((a, b) => {
        const ka = `${a.scheduledAt ?? a.createdAt}#${a.id}`;
        const kb = `${b.scheduledAt ?? b.createdAt}#${b.id}`;
        return ka < kb ? -1 : 1;
      })
      .map((t) => t.id);
    expect((await everyPage(`&status=${status}`)).ids).toEqual(expected);
  });

  it.each(assignees)('lists the tasks assigned to %s, newest first', async (userId) => {
    const { ids } = await everyPage(`&assignedTo=${userId}`);
    expect(ids).toEqual(newestFirst(seeded.filter((t) => t.assignedTo === userId)));
  });

  it('lists the tasks of each agent, newest first', async () => {
    for (const agentId of agents) {
      const { ids } = await everyPage(`&agentId=${agentId}`);
      expect(ids).toEqual(newestFirst(seeded.filter((t) => t.agentId === agentId)));
    }
  });

  it('refuses two lists at once naming the second, and a cursor of another list naming cursor', async () => {
    const both = await call('GET', `/orgs/${orgId}/tasks?status=pending&agentId=${agents[0]}`, { as: owner });
    expect([both.status, both.body.errors.map((e: { field: string }) => e.field)]).toEqual([
      400,
      ['agentId'],
    ]);
    const bad = await call('GET', `/orgs/${orgId}/tasks?status=stuck`, { as: owner });
    expect([bad.status, bad.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['status']]);

    const pending = await call('GET', `/orgs/${orgId}/tasks?status=pending&limit=5`, { as: owner });
    for (const other of ['', '&status=failed', `&assignedTo=${assignees[0]}`]) {
      const res = await call(
        'GET',
        `/orgs/${orgId}/tasks?limit=5${other}&cursor=${encodeURIComponent(pending.body.nextCursor)}`,
        { as: owner },
      );
      expect([res.status, res.body.errors.map((e: { field: string }) => e.field)], other).toEqual([
        400,
        ['cursor'],
      ]);
    }
  });
});
