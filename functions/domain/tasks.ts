/**
 * Task rules: a new task, changes to it, its status state machine, who may change it, and how the
 * per-quarter-hour counters fold into the per-day summary.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { can, type OrgRole } from '../api/permissions';
import type { AuditActor } from '../api/schemas/audit';
import { normalTime } from '../api/schemas/common';
import {
  addressProblem,
  type CreateTaskBody,
  normalizeAddress,
  type Task,
  type TaskStatus,
  type TaskSummary,
  type TaskType,
  taskStatuses,
  taskTypes,
  type UpdateTaskBody,
} from '../api/schemas/tasks';
import { agentCounterName, agentTotals, type BucketCounts, type Counts, foldDays } from './day-buckets';
import { Refusal, refuse } from './refusal';

export type TaskCreator = Task['createdBy'];

/** Where each status may go next; the ended ones go nowhere. */
export const taskTransitions: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/**
 * Null when `from` may move to `to`. Moving to the status a task already has is refused too: two
 * workers starting the same task must not both hear "started".
 */
export function transitionRefusal(from: TaskStatus, to: TaskStatus): Refusal | null {
  const allowed = taskTransitions[from];
  if (allowed.includes(to)) return null;
  return refuse(
    'conflict',
    allowed.length
      ? `A ${from} task can move to ${allowed.join(', ')} only, not ${to}.`
      : `A ${from} task has ended; its status cannot change.`,
    'status',
  );
}

/** The task in its new status; startedAt and completedAt are set here and nowhere else. */
export function moveTask(task: Task, to: TaskStatus, now: Date): Task | Refusal {
  const refusal = transitionRefusal(task.status, to);
  if (refusal) return refusal;
  const at = now.toISOString();
  return {
    ...task,
    status: to,
    startedAt: to === 'in_progress' ? at : task.startedAt,
    completedAt: to === 'in_progress' ? task.completedAt : at,
    updatedAt: at,
    version: task.version + 1,
  };
}

function addressRefusal(type: TaskType, field: 'fromAddress' | 'toAddress', value: string | null) {
  const problem = value === null ? undefined : addressProblem(type, value);
  return problem ? refuse('invalid', problem, field) : null;
}

const address = (type: TaskType, value: string | null | undefined) =>
  value ? normalizeAddress(type, value) : null;

export function newTask(orgId: string, body: CreateTaskBody, createdBy: TaskCreator, now: Date): Task {
  const at = now.toISOString();
  return {
    id: `tsk_${ulid(now.getTime())}`,
    orgId,
    type: body.type,
    status: 'pending',
    priority: body.priority,
    fromAddress: address(body.type, body.fromAddress),
    toAddress: address(body.type, body.toAddress),
    subject: body.subject ?? null,
    content: body.content ?? null,
    metadata: body.metadata ?? {},
    scheduledAt: body.scheduledAt ?? null,
    startedAt: null,
    completedAt: null,
    agentId: body.agentId ?? null,
    assignedTo: body.assignedTo ?? null,
    createdBy,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** The task with the change applied, or why not (an address wrong for its type, an illegal move). */
export function applyTaskChange(task: Task, change: UpdateTaskBody, now: Date): Task | Refusal {
  const { status, ...fields } = change;
  for (const field of ['fromAddress', 'toAddress'] as const) {
    const value = fields[field];
    const refusal = value === undefined ? null : addressRefusal(task.type, field, value);
    if (refusal) return refusal;
  }
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const changed: Task = {
    ...task,
    ...defined,
    ...(fields.fromAddress !== undefined ? { fromAddress: address(task.type, fields.fromAddress) } : {}),
    ...(fields.toAddress !== undefined ? { toAddress: address(task.type, fields.toAddress) } : {}),
    updatedAt: now.toISOString(),
    version: task.version + 1,
  };
  if (status === undefined) return changed;
  const moved = moveTask(changed, status, now);
  return moved instanceof Refusal ? moved : { ...moved, version: task.version + 1 };
}

/**
 * The task with every time in the normal form (schemas/common.ts normalTime), as every write stores
 * them now; tasks stored before that may hold `…:34Z` (infra/scripts/backfill-task-times.ts).
 */
export function withNormalTimes(task: Task): Task {
  const time = (value: string | null) => value && normalTime(value);
  return {
    ...task,
    scheduledAt: time(task.scheduledAt),
    startedAt: time(task.startedAt),
    completedAt: time(task.completedAt),
    createdAt: normalTime(task.createdAt),
    updatedAt: normalTime(task.updatedAt),
  };
}

/** A person creates as a member of the org, an org API client or an agent (through a tool) as itself. */
export function creatorOf(actor: AuditActor): TaskCreator {
  if ('userId' in actor) return { kind: 'member', id: actor.userId };
  return 'apiClientId' in actor
    ? { kind: 'apiClient', id: actor.apiClientId }
    : { kind: 'agent', id: actor.agentId };
}

/**
 * Members change the tasks assigned to them; managers and up change any. An API client is assigned
 * nothing, so its role alone decides.
 */
export function taskEditRefusal(role: OrgRole, actor: AuditActor, task: Task): Refusal | null {
  if (can(role, 'tasks:updateAny') || ('userId' in actor && task.assignedTo === actor.userId)) return null;
  return refuse('forbidden', 'Members change only the tasks assigned to them; ask a manager.');
}

export const taskRefusals = {
  noSuchAgent: () =>
    refuse('not_found', 'No agent of this organization, or shared into it, has this id.', 'agentId'),
  noSuchMember: () =>
    refuse('not_found', 'No member or team member of this organization has this id.', 'assignedTo'),
  idempotencyKeyReused: () =>
    refuse(
      'refused',
      'This Idempotency-Key was used with another request body in the last 24 hours; use a new key.',
      'Idempotency-Key',
    ),
};

/** JSON with object keys sorted, so the same body always hashes the same however it was written. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What an idempotency key remembers of its request: the sha256 of the validated body. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The quarter hour a task was created in keeps its counters (domain/day-buckets.ts). */
export { bucketRange as summaryBuckets, quarterHour as taskBucket } from './day-buckets';

/** The counter attribute of one type in one status. */
export const counterName = (type: TaskType, status: TaskStatus) => `${type}#${status}`;
export const counterNames = taskTypes.flatMap((type) =>
  taskStatuses.map((status) => counterName(type, status)),
);

/**
 * Only calls are counted per agent, by status and not by type, to keep a quarter hour's counter
 * item bounded: a name is under 50 bytes, so 5 statuses of the 500 agents an enterprise org may
 * own (plus any shared into it) all active in one quarter hour come to about 125 KB, well inside
 * DynamoDB's 400 KB item limit.
 */
export { agentCounterPrefix } from './day-buckets';

function countersOf(task: Task): string[] {
  const names = [counterName(task.type, task.status)];
  if (task.type === 'call' && task.agentId) names.push(agentCounterName(task.agentId, task.status));
  return names;
}

/**
 * What a write adds to the counters of the task's quarter hour: -1 for each counter the stored
 * task was in, +1 for each the new one is in (no `before`: a creation, no `after`: a deletion).
 * A change of status or agent moves the counts; counters that net to 0 are left out.
 */
export function counterDeltas(before: Task | undefined, after: Task | undefined): [string, number][] {
  const deltas = new Map<string, number>();
  for (const name of before ? countersOf(before) : []) deltas.set(name, (deltas.get(name) ?? 0) - 1);
  for (const name of after ? countersOf(after) : []) deltas.set(name, (deltas.get(name) ?? 0) + 1);
  return [...deltas].filter(([, delta]) => delta !== 0);
}

export type TaskCounts = BucketCounts;

type DayCounts = TaskSummary['days'][number]['byType'];

const statusCounts = (counts: Counts, name: (status: TaskStatus) => string) =>
  Object.fromEntries(taskStatuses.map((s) => [s, counts[name(s)] ?? 0])) as Record<TaskStatus, number>;

const totalOf = (byStatus: Record<TaskStatus, number>) => taskStatuses.reduce((n, s) => n + byStatus[s], 0);

/** Folds quarter-hour counters into every local day of [from, to) in `tz`, empty days included. */
export function summarize(from: string, to: string, tz: string, buckets: readonly TaskCounts[]): TaskSummary {
  const days = foldDays(from, to, tz, buckets);
  return {
    from,
    to,
    tz,
    days: days.map(({ date, counts }) => {
      const byType = Object.fromEntries(
        taskTypes.map((type) => [type, statusCounts(counts, (s) => counterName(type, s))]),
      ) as DayCounts;
      return { date, total: taskTypes.reduce((n, type) => n + totalOf(byType[type]), 0), byType };
    }),
    agents: [...agentTotals(days)]
      .map(([agentId, counts]) => {
        const byStatus = statusCounts(counts, (s) => s);
        return { agentId, calls: totalOf(byStatus), byStatus };
      })
      .filter((agent) => agent.calls > 0)
      .sort((a, b) => b.calls - a.calls || (a.agentId < b.agentId ? -1 : 1)),
  };
}
