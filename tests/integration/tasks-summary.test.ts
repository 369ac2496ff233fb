/**
 * The summary comes from counters kept on write; after 500 random writes (creates at random times,
 * with and without an agent, transitions, agents changed and cleared, deletes, through the store the
 * API uses and through the API itself) it must equal a recount of the tasks, per day by type and
 * status and per agent's calls by status, in zones with whole, half and three-quarter hour offsets
 * and across DST.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type Task, type TaskStatus, taskStatuses, taskTypes } from '../../functions/api/schemas/tasks';
import { keys } from '../../functions/data/keys';
import * as tasks from '../../functions/data/tasks';
import { orRefuse, refusals } from '../../functions/domain/refusal';
import { applyTaskChange, newTask, taskTransitions } from '../../functions/domain/tasks';
import { createAgents } from '../support/agents';
import { call } from '../support/api';
import { expectDayRangeRules } from '../support/day-range';
import { tableName, testDb } from '../support/env';
import { seededRandom } from '../support/seeded-random';
import { createOrg } from '../support/tenancy';

/** A small deterministic generator, so a failure can be replayed. */
const zones = [
  'UTC',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Chatham',
  'America/New_York',
  'Australia/Eucla',
];

async function storedTasks(orgId: string): Promise<Task[]> {
  const found: Task[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await testDb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.org(orgId).pk, ':prefix': keys.taskPrefix },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? [])
      found.push({ ...(item as Task), type: item.taskType, createdAt: item.createdAt });
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

/** Counts per local day by type and status, straight from the tasks, with Intl as the only clock. */
function recount(all: Task[], tz: string) {
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const counts = new Map<string, Record<string, number>>();
  for (const task of all) {
    const date = day.format(new Date(task.createdAt));
    const entry = counts.get(date) ?? {};
    entry[`${task.type}.${task.status}`] = (entry[`${task.type}.${task.status}`] ?? 0) + 1;
    counts.set(date, entry);
  }
  return counts;
}

/** Calls per agent by status, straight from the tasks. */
function recountAgents(all: Task[]) {
  const counts = new Map<string, Record<string, number>>();
  for (const task of all) {
    if (task.type !== 'call' || !task.agentId) continue;
    const entry = counts.get(task.agentId) ?? {};
    entry[task.status] = (entry[task.status] ?? 0) + 1;
    counts.set(task.agentId, entry);
  }
  return counts;
}

describe('task summary', () => {
  it('equals a recount after 500 random writes, in every zone', async () => {
    const owner = 'owner@task-summary.test';
    const orgId = (await createOrg(owner, { plan: 'starter' })).id;
    const agents = await createAgents(orgId, owner, 'voice', ['Ada', 'Bea', 'Cy']);
    const { next, pick } = seededRandom(12);
    const agentOrNone = () => (next() < 0.25 ? null : pick(agents));
    // Whole quarter hours from 32 days ago, so the range also covers the API's writes of today.
    const start = Math.floor(Date.now() / 900_000) * 900_000 - 32 * 86_400_000;
    const live: Task[] = [];
    const ifChanged = () => refusals.changedMeanwhile('task');

    for (let write = 0; write < 500; write++) {
      const roll = next();
      if (roll < 0.45 || live.length === 0) {
        // Random creation times over 30 days, to the millisecond, including quarter-hour edges.
        const at = new Date(start + Math.floor(next() * 30 * 96) * 900_000 - (next() < 0.2 ? 1 : 0));
        const agentId = agentOrNone();
        const task = newTask(
          orgId,
          { type: pick(taskTypes), priority: 'medium', ...(agentId ? { agentId } : {}) },
          { kind: 'integration', id: 'test' },
          at,
        );
        await tasks.createTask(task);
        live.push(task);
      } else if (roll < 0.6) {
        // Another agent, none, or another agent together with a transition: the counts move with it.
        const index = Math.floor(next() * live.length);
        const task = live[index]!;
        const to = taskTransitions[task.status];
        const change = {
          agentId: agentOrNone(),
          ...(to.length && next() < 0.5 ? { status: pick(to) as TaskStatus } : {}),
        };
        const changed = orRefuse(applyTaskChange(task, change, new Date()));
        await tasks.saveTask(changed, task, { ifChanged });
        live[index] = changed;
      } else if (roll < 0.85) {
        const index = Math.floor(next() * live.length);
        const task = live[index]!;
        const to = taskTransitions[task.status];
        if (to.length === 0) continue;
        live[index] = await tasks.transitionTask(orgId, task.id, pick(to) as TaskStatus, { now: new Date() });
      } else {
        const [task] = live.splice(Math.floor(next() * live.length), 1);
        await tasks.deleteTask(task!, { ifChanged });
      }
    }
    // And through the API: created now, moved, reassigned to another agent, one deleted.
    for (let i = 0; i < 5; i++) {
      const created = await call('POST', `/orgs/${orgId}/tasks`, {
        as: owner,
        body: { type: i % 2 ? 'email' : 'call', agentId: agents[0] },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      if (i < 3) {
        const moved = await call('PATCH', `/orgs/${orgId}/tasks/${created.body.id}`, {
          as: owner,
          body: { status: 'in_progress', agentId: agents[i % 2 ? 2 : 1] },
        });
        expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      }
      if (i === 4) await call('DELETE', `/orgs/${orgId}/tasks/${created.body.id}`, { as: owner });
    }

    const all = await storedTasks(orgId);
    expect(all.length).toBeGreaterThan(150);
    const today = new Date();
    const to = new Date(today.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    // From before the first random write to after today's API writes, in every zone.
    const from = new Date(start - 2 * 86_400_000).toISOString().slice(0, 10);
    // Calls of every agent are left, so the comparison below covers each.
    expect(recountAgents(all).size).toBe(agents.length);
    for (const tz of zones) {
      const res = await call(
        'GET',
        `/orgs/${orgId}/tasks/summary?from=${from}&to=${to}&tz=${encodeURIComponent(tz)}`,
        {
          as: owner,
        },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const expected = recount(
        all.filter((t) => {
          const date = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(t.createdAt));
          return date >= from && date < to;
        }),
        tz,
      );
      const got = new Map<string, Record<string, number>>();
      for (const day of res.body.days as {
        date: string;
        total: number;
        byType: Record<string, Record<string, number>>;
      }[]) {
        const entry: Record<string, number> = {};
        for (const type of taskTypes)
          for (const status of taskStatuses) {
            const n = day.byType[type]![status]!;
            expect(n, `${tz} ${day.date} ${type}.${status}`).toBeGreaterThanOrEqual(0);
            if (n) entry[`${type}.${status}`] = n;
          }
        if (Object.keys(entry).length) got.set(day.date, entry);
      }
      expect(got, tz).toEqual(expected);

      const inRange = all.filter((t) => {
        const date = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(t.createdAt));
        return date >= from && date < to;
      });
      const agentCounts = new Map<string, Record<string, number>>();
      for (const agent of res.body.agents as {
        agentId: string;
        calls: number;
        byStatus: Record<string, number>;
      }[]) {
        const nonZero = Object.fromEntries(Object.entries(agent.byStatus).filter(([, n]) => n !== 0));
        expect(agent.calls, `${tz} ${agent.agentId}`).toBe(
          Object.values(agent.byStatus).reduce((a, b) => a + b, 0),
        );
        agentCounts.set(agent.agentId, nonZero);
      }
      expect(agentCounts, `${tz} agents`).toEqual(recountAgents(inRange));
    }
  }, 120_000);

  it('refuses a bad range or zone naming the field', async () => {
    const owner = 'owner@task-summary-bad.test';
    const orgId = (await createOrg(owner)).id;
    await expectDayRangeRules(`/orgs/${orgId}/tasks/summary`, owner);
  });
});
