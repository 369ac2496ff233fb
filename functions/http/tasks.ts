import { createTask, deleteTask, getTask, getTaskSummary, listTasks, updateTask } from '../api/routes/tasks';
import type { Task } from '../api/schemas/tasks';
import * as tasks from '../data/tasks';
import { enforce, orRefuse } from '../domain/refusal';
import {
  applyTaskChange,
  creatorOf,
  newTask,
  requestHash,
  summarize,
  summaryBuckets,
  taskEditRefusal,
} from '../domain/tasks';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found, lostRace } from './pipeline/refusals';

const taskTarget = (task: Task) => ({ type: 'task', id: task.id });

export const handler = httpHandler([
  implement(createTask, async ({ params, body, headers, actor, audit, now }) => {
    const task = newTask(params.orgId, body, creatorOf(actor), now);
    const key = headers['Idempotency-Key'];
    const created = await tasks.createTask(task, {
      audit: audit({ action: 'task.created', target: taskTarget(task), after: task }),
      ...(key ? { idempotency: { key, bodyHash: requestHash(body) } } : {}),
    });
    return {
      body: created.task,
      ...(created.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  }),

  implement(listTasks, async ({ params, query }) => ({
    body: await tasks.listTasks(params.orgId, query),
  })),

  implement(getTaskSummary, async ({ params, query }) => {
    const { first, last } = summaryBuckets(query.from, query.to, query.tz);
    const counters = await tasks.readTaskCounters(params.orgId, first, last);
    return { body: summarize(query.from, query.to, query.tz, counters) };
  }),

  implement(getTask, async ({ params }) => ({
    body: found(await tasks.getTask(params.orgId, params.taskId)),
  })),

  implement(updateTask, async ({ params, body, actor, membership, ifMatch, audit, now }) => {
    const current = found(await tasks.getTask(params.orgId, params.taskId));
    enforce(taskEditRefusal(membership.role, actor, current));
    checkIfMatch(ifMatch, current);
    const updated = orRefuse(applyTaskChange(current, body, now));
    await tasks.saveTask(updated, current, {
      audit: audit({
        action: body.status && body.status !== current.status ? `task.${body.status}` : 'task.updated',
        target: taskTarget(current),
        before: current,
        after: updated,
      }),
      ifChanged: lostRace(ifMatch, 'task'),
    });
    return { body: updated };
  }),

  implement(deleteTask, async ({ params, ifMatch, audit }) => {
    const current = found(await tasks.getTask(params.orgId, params.taskId));
    checkIfMatch(ifMatch, current);
    await tasks.deleteTask(current, {
      audit: audit({ action: 'task.deleted', target: taskTarget(current), before: current }),
      ifChanged: lostRace(ifMatch, 'task'),
    });
    return {};
  }),
]);
