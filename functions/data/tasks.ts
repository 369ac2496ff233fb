/**
 * Tasks: one item per task in the org partition (sort key TASK#<ULID id>, so the partition lists them
 * in creation order), indexed by status on gsi3, by assignee on gsi1 and by agent on gsi2. Every
 * write is one transaction: the task, its quarter-hour counter (by type and status, and an agent's
 * calls by status: the summary reads counters, never tasks), checks that a named agent and assignee
 * exist, the idempotency key when one was given, and the audit entry.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import type { AuditEntry } from '../api/schemas/audit';
import { Task, type TaskStatus, TaskType } from '../api/schemas/tasks';
import { isTeamMemberId } from '../api/schemas/team-members';
import { orRefuse, type Refusal, refusals } from '../domain/refusal';
import {
  counterDeltas,
  counterNames,
  moveTask,
  type TaskCounts,
  taskBucket,
  taskRefusals,
  transitionRefusal,
  withNormalTimes,
} from '../domain/tasks';
import { usableAgentCheck } from './agent-use';
import { auditPut } from './audit';
import { ddb, tableName } from './client';
import { counterAdd as addToCounter, readCounters } from './counters';
import { isConditionFailure } from './errors';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import { type TxItem, transact } from './transact';

/**
 * The task item as stored: its API shape, with its kind as `taskType` (`type` names what every item
 * of the table is) and metadata as JSON text (DynamoDB numbers cannot hold every JSON number, and
 * nobody queries inside metadata). Parsing it on the way out drops the keys.
 */
const TaskItem = z.pipe(
  z.extend(z.omit(Task, { type: true, metadata: true }), { taskType: TaskType, metadata: z.string() }),
  z.transform(
    ({ taskType, metadata, ...task }): Task => ({
      ...task,
      type: taskType,
      metadata: JSON.parse(metadata) as Task['metadata'],
    }),
  ),
);

const idempotencySeconds = 24 * 3600;

/**
 * Remembers a request under its key: the body's hash and the task it created or saved (JSON),
 * answered on replay. The item outlives the task: deleting a task leaves its keys claimed, so a
 * replayed request cannot bring the task back.
 */
const IdempotencyItem = z.object({
  bodyHash: z.string(),
  response: z.pipe(
    z.string(),
    z.transform((text) => Task.parse(JSON.parse(text))),
  ),
  expiresAt: z.number(),
});

/** An idempotency key and the hash of the request it came with (domain/tasks.ts requestHash). */
export interface IdempotencyMarker {
  key: string;
  bodyHash: string;
}

/** The task as stored, with its keys and index keys. */
export function storedTask(task: Task): Record<string, unknown> {
  const { type, metadata, ...fields } = Task.parse(task);
  return {
    ...fields,
    taskType: type,
    metadata: JSON.stringify(metadata),
    ...keys.task(task.orgId, task.id),
    ...keys.taskIndexes(task),
    type: 'TASK',
  };
}

function taskPut(task: Task, condition: string, values: Record<string, unknown> = {}): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: storedTask(task),
      ConditionExpression: condition,
      ...(condition.includes('#status') ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      // A lost race says which status won without reading the task again.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Adds to the counters of the quarter hour the task was created in. */
const counterAdd = (task: Task, deltas: [string, number][]): TxItem =>
  addToCounter(keys.taskCounter(task.orgId, taskBucket(task.createdAt)), 'TASK_COUNT', deltas);

/**
 * The assignee exists: a member with a login, or a team member (issue 25: people without logins
 * are assigned work too), told apart by the team member id's prefix.
 */
function assigneeCheck(orgId: string, assignee: string): TxItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: isTeamMemberId(assignee) ? keys.teamMember(orgId, assignee) : keys.membership(orgId, assignee),
      ConditionExpression: 'attribute_exists(pk)',
    },
  };
}

function idempotencyPut(task: Task, marker: IdempotencyMarker): TxItem {
  // The write's own time: a new task's creation, a saved one's change (a later event of a call).
  const now = Math.floor(Date.parse(task.updatedAt) / 1000);
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.idempotencyKey(task.orgId, task.createdBy, marker.key),
        type: 'IDEMPOTENCY',
        bodyHash: marker.bodyHash,
        response: JSON.stringify(Task.parse(task)),
        expiresAt: now + idempotencySeconds,
        taskId: task.id,
      },
      // TTL deletes within days, not at the second: an expired key that is still there is free.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': now },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** A failed claim: the first request's task when it had the same body, else the key's refusal. */
function replayOf(old: Record<string, AttributeValue> | undefined, marker: IdempotencyMarker): Task {
  const first = IdempotencyItem.parse(oldItem(old));
  if (first.bodyHash !== marker.bodyHash) throw taskRefusals.idempotencyKeyReused();
  return first.response;
}

/** The checks a write needs for the agent and assignee it newly names. */
function referenceChecks(task: Task, before?: Task) {
  const checks: { item: TxItem; refusal: () => Refusal }[] = [];
  if (task.agentId && task.agentId !== before?.agentId)
    checks.push({ item: usableAgentCheck(task.orgId, task.agentId), refusal: taskRefusals.noSuchAgent });
  if (task.assignedTo && task.assignedTo !== before?.assignedTo)
    checks.push({ item: assigneeCheck(task.orgId, task.assignedTo), refusal: taskRefusals.noSuchMember });
  return checks;
}

const oldItem = (raw: Record<string, AttributeValue> | undefined) => (raw ? unmarshall(raw) : undefined);

/** A task from a stream record's image (jobs/publish-changes.ts); undefined when it is not a valid task item. */
export function taskFromImage(image: Record<string, AttributeValue>): Task | undefined {
  const parsed = TaskItem.safeParse(unmarshall(image));
  return parsed.success ? parsed.data : undefined;
}

export async function getTask(orgId: string, taskId: string): Promise<Task | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.task(orgId, taskId) }),
  );
  return Item ? TaskItem.parse(Item) : undefined;
}

/**
 * Stores a new task (build it with domain/tasks newTask; moveTask it first to record one that has
 * already started or ended) with its counter, in one transaction. With an idempotency marker, the
 * key is claimed in the same transaction: a key already used with the same body answers the task
 * it created then (`replayed`), with another body a 422 naming Idempotency-Key. Keys are scoped to
 * the creator (`task.createdBy`), so an integration's event ids never meet a person's keys.
 */
export async function createTask(
  task: Task,
  options: { audit?: AuditEntry; idempotency?: IdempotencyMarker } = {},
): Promise<{ task: Task; replayed: boolean }> {
  const checks = referenceChecks(task);
  const items: TxItem[] = [
    taskPut(task, 'attribute_not_exists(pk)'),
    counterAdd(task, counterDeltas(undefined, task)),
    ...checks.map((c) => c.item),
    ...(options.audit ? [auditPut(options.audit)] : []),
    ...(options.idempotency ? [idempotencyPut(task, options.idempotency)] : []),
  ];
  const outcome = await transact(items);
  if (outcome.ok) return { task, replayed: false };
  const idempotencyAt = items.length - 1;
  if (options.idempotency && outcome.failed.includes(idempotencyAt))
    return { task: replayOf(outcome.old[idempotencyAt], options.idempotency), replayed: true };
  const check = checks.find((_, i) => outcome.failed.includes(2 + i));
  if (check) throw check.refusal();
  throw new Error(`task id ${task.id} collided`);
}

/**
 * Replaces `before` with `task` if it is still the version that was read and in the status it had.
 * When it is not, the status it has now says why: a transition that became illegal is refused as
 * the state machine refuses it (two workers starting one task: the second hears that it is
 * in_progress), anything else is `ifChanged`. With an idempotency marker the key is claimed in the
 * same transaction, as createTask does: a key already used answers `replayed` and changes nothing.
 */
export async function saveTask(
  task: Task,
  before: Task,
  options: { audit?: AuditEntry; idempotency?: IdempotencyMarker; ifChanged: () => Refusal },
): Promise<{ replayed: boolean }> {
  const statusChanged = task.status !== before.status;
  const deltas = counterDeltas(before, task);
  const checks = referenceChecks(task, before);
  const items: TxItem[] = [
    taskPut(task, 'version = :expected AND #status = :status', {
      ':expected': before.version,
      ':status': before.status,
    }),
    ...(deltas.length ? [counterAdd(task, deltas)] : []),
    ...checks.map((c) => c.item),
    ...(options.audit ? [auditPut(options.audit)] : []),
    ...(options.idempotency ? [idempotencyPut(task, options.idempotency)] : []),
  ];
  const outcome = await transact(items);
  if (outcome.ok) return { replayed: false };
  const idempotencyAt = items.length - 1;
  if (options.idempotency && outcome.failed.includes(idempotencyAt)) {
    replayOf(outcome.old[idempotencyAt], options.idempotency);
    return { replayed: true };
  }
  if (outcome.failed.includes(0)) {
    const now = oldItem(outcome.old[0]);
    if (!now) throw refusals.notFound();
    const current = TaskItem.parse(now);
    if (statusChanged && current.status !== before.status) {
      const refusal = transitionRefusal(current.status, task.status);
      if (refusal) throw refusal;
    }
    throw options.ifChanged();
  }
  const first = deltas.length ? 2 : 1;
  const check = checks.find((_, i) => outcome.failed.includes(first + i));
  throw check ? check.refusal() : options.ifChanged();
}

/**
 * Moves a task to `to` by the state machine (for workers and webhooks): reads it, applies the
 * transition and saves it conditioned on the status it had. Refusals: not_found, conflict (an
 * illegal transition, or a race lost to another writer).
 */
export async function transitionTask(
  orgId: string,
  taskId: string,
  to: TaskStatus,
  options: { now: Date; audit?: (before: Task, after: Task) => AuditEntry },
): Promise<Task> {
  const before = await getTask(orgId, taskId);
  if (!before) throw refusals.notFound();
  const after = orRefuse(moveTask(before, to, options.now));
  await saveTask(after, before, {
    ...(options.audit ? { audit: options.audit(before, after) } : {}),
    ifChanged: () => refusals.changedMeanwhile('task'),
  });
  return after;
}

/** Deletes the task for good and takes it off its counter, if it is still the version that was read. */
export async function deleteTask(task: Task, options: { audit?: AuditEntry; ifChanged: () => Refusal }) {
  const outcome = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.task(task.orgId, task.id),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': task.version },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    counterAdd(task, counterDeltas(task, undefined)),
    ...(options.audit ? [auditPut(options.audit)] : []),
  ]);
  if (outcome.ok) return;
  throw outcome.old[0] ? options.ifChanged() : refusals.notFound();
}

export interface TaskListOptions {
  status?: TaskStatus | undefined;
  assignedTo?: string | undefined;
  agentId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One Query whichever list: by status on gsi3 (by schedule), by assignee on gsi1, by agent on gsi2, else the org partition (newest first). */
export async function listTasks(orgId: string, options: TaskListOptions): Promise<Page<Task>> {
  const { limit, cursor } = options;
  const source = options.status
    ? { index: 'gsi3' as const, partition: keys.tasksByStatus(orgId, options.status) }
    : options.assignedTo
      ? {
          index: 'gsi1' as const,
          partition: keys.tasksOfAssignee(orgId, options.assignedTo),
          newestFirst: true,
        }
      : options.agentId
        ? { index: 'gsi2' as const, partition: keys.tasksOfAgent(orgId, options.agentId), newestFirst: true }
        : { partition: keys.org(orgId).pk, sortPrefix: keys.taskPrefix, newestFirst: true };
  const page = await queryPage({ ...source, limit, cursor });
  return { ...page, items: page.items.map((item) => TaskItem.parse(item)) };
}

/** The counters of the quarter hours from `first` to `last` (both included). */
export const readTaskCounters = (orgId: string, first: string, last: string): Promise<TaskCounts[]> =>
  readCounters(orgId, keys.taskCounter, counterNames, first, last);

/**
 * Rewrites a task stored before times were normalised (`…:34Z`) with its times, and so its
 * by-status index key, in the normal form; the version stays, as the instants are the same
 * (infra/scripts/backfill-task-times.ts). 'normal' when it already was, 'gone' when it is no more.
 * A change meanwhile wins, and the task is read again.
 */
export async function normalizeTaskTimes(
  orgId: string,
  taskId: string,
): Promise<'rewritten' | 'normal' | 'gone'> {
  for (;;) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.task(orgId, taskId), ConsistentRead: true }),
    );
    if (!Item) return 'gone';
    const task = TaskItem.parse(Item);
    const normal = withNormalTimes(task);
    if (JSON.stringify(normal) === JSON.stringify(task)) return 'normal';
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: storedTask(normal),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': task.version },
        }),
      );
      return 'rewritten';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
