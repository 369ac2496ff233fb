import * as z from 'zod/mini';
import { canonicalEmail } from '../../lib/email';
import { AgentId, DayRangeQuery, Email, IncomingTime, IsoDateTime, ListQuery } from './common';
import { UserId } from './members';
import { OrgId } from './orgs';
import { E164 } from './phone-numbers';

export const TaskId = z.string().check(z.regex(/^tsk_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a task id (tsk_…)'));
export const TaskParams = z.strictObject({ orgId: OrgId, taskId: TaskId });

export const taskTypes = ['call', 'email', 'other'] as const;
export const taskStatuses = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export const taskPriorities = ['low', 'medium', 'high', 'urgent'] as const;
/** Who created a task: a person of the org, an org API client, a platform admin, or an integration (a webhook). */
export const creatorKinds = ['member', 'apiClient', 'platformAdmin', 'integration', 'agent'] as const;
export const TaskType = z.enum(taskTypes);
export const TaskStatus = z.enum(taskStatuses);
export const TaskPriority = z.enum(taskPriorities);
export type TaskType = z.infer<typeof TaskType>;
export type TaskStatus = z.infer<typeof TaskStatus>;

export const maxMetadataBytes = 16 * 1024;

/** Integrators keep references and small records here, not documents. */
export const maxMetadataDepth = 8;

/** How many levels of objects and arrays a JSON value nests (a scalar is 0). */
function depthOf(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

/** Any JSON object (finite numbers only) of at most 16 KB as UTF-8 JSON, nesting at most 8 levels. */
const Metadata = z.record(z.string(), z.json()).check(
  z.refine(
    (value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxMetadataBytes,
    `must be at most ${maxMetadataBytes} bytes as JSON`,
  ),
  z.refine(
    (value) => depthOf(value) <= maxMetadataDepth,
    `must nest at most ${maxMetadataDepth} levels deep`,
  ),
);

/** An address as sent: its form depends on the task's type, which the body-level rule checks. */
const Address = z.string().check(z.trim(), z.minLength(1), z.maxLength(320));

/**
 * Why `value` is not an address of a task of this type, or undefined when it is one: E.164 for
 * calls, an email address for emails (no lookalike characters, as lib/email.ts compares them),
 * anything for other tasks. Creation and changes both ask this.
 */
export function addressProblem(type: TaskType, value: string): string | undefined {
  if (type === 'call') return E164.safeParse(value).error?.issues[0]?.message;
  if (type === 'email') {
    const ok = Email.safeParse(value).success && canonicalEmail(value, false) !== undefined;
    return ok ? undefined : 'must be an email address for an email task';
  }
  return undefined;
}

/** The stored form of a valid address: emails compared as lib/email.ts does, others as given. */
export function normalizeAddress(type: TaskType, value: string): string {
  return type === 'email' ? (canonicalEmail(value, false) ?? value) : value;
}

const addressFields = ['fromAddress', 'toAddress'] as const;

/** What a client sets when creating a task and may change later; null clears a field. */
const editableFields = {
  fromAddress: z.optional(z.nullable(Address)),
  toAddress: z.optional(z.nullable(Address)),
  subject: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(500)))),
  content: z.optional(z.nullable(z.string().check(z.maxLength(20_000)))),
  metadata: z.optional(Metadata),
  scheduledAt: z.optional(z.nullable(IncomingTime)),
  agentId: z.optional(z.nullable(AgentId)),
  assignedTo: z.optional(z.nullable(UserId)),
};

export const CreateTaskBody = z
  .strictObject({ type: TaskType, priority: z._default(TaskPriority, 'medium'), ...editableFields })
  .check(
    z.superRefine((body, ctx) => {
      for (const field of addressFields) {
        const value = body[field];
        const problem = value ? addressProblem(body.type, value) : undefined;
        if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
      }
    }),
  );
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;

/**
 * A change: any field given replaces it; `status` moves the task through its state machine. The
 * type is fixed at creation (addresses are checked against it, and the summary counts by it);
 * startedAt and completedAt are set by transitions only.
 */
export const UpdateTaskBody = z.strictObject({
  status: z.optional(TaskStatus),
  priority: z.optional(TaskPriority),
  ...editableFields,
});
export type UpdateTaskBody = z.infer<typeof UpdateTaskBody>;

/** Printable ASCII, as Stripe's and the IETF draft's keys are; a UUID is the usual choice. */
export const CreateTaskHeaders = z.object({
  'Idempotency-Key': z
    .optional(
      z
        .string()
        .check(z.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters without spaces')),
    )
    .register(z.globalRegistry, {
      description:
        'Replaying the same key with the same body within 24 hours returns the first result; another body is a 422.',
    }),
});

const listFilters = ['status', 'assignedTo', 'agentId'] as const;

/**
 * One list at a time, each one Query on an index built for it: by status (ordered by scheduledAt,
 * unscheduled ones by creation), by assignee or by agent (newest first), or all (newest first).
 */
export const TaskListQuery = z
  .extend(ListQuery, {
    status: z.optional(TaskStatus),
    assignedTo: z.optional(UserId),
    agentId: z.optional(AgentId),
  })
  .check(
    z.superRefine((query, ctx) => {
      const given = listFilters.filter((name) => query[name] !== undefined);
      for (const name of given.slice(1)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `give at most one of ${listFilters.join(', ')} (each is a list of its own)`,
        });
      }
    }),
  );

export const TaskSummaryQuery = DayRangeQuery;

export const TaskCreator = z
  .object({ kind: z.enum(creatorKinds), id: z.string() })
  .register(z.globalRegistry, { id: 'TaskCreator' });

export const Task = z
  .object({
    id: z.string(),
    orgId: z.string(),
    type: TaskType,
    status: TaskStatus,
    priority: TaskPriority,
    fromAddress: z.nullable(z.string()),
    toAddress: z.nullable(z.string()),
    subject: z.nullable(z.string()),
    content: z.nullable(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    scheduledAt: z.nullable(IsoDateTime),
    /** Set when the task moves to in_progress. */
    startedAt: z.nullable(IsoDateTime),
    /** Set when the task ends: completed, failed or cancelled. */
    completedAt: z.nullable(IsoDateTime),
    agentId: z.nullable(z.string()),
    assignedTo: z.nullable(z.string()),
    createdBy: TaskCreator,
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'Task' });
export type Task = z.infer<typeof Task>;

export const StatusCounts = z.object(
  Object.fromEntries(taskStatuses.map((s) => [s, z.number().check(z.int())])),
) as z.ZodMiniObject<Record<TaskStatus, z.ZodMiniNumber>>;

export const TaskSummary = z
  .object({
    from: z.string(),
    to: z.string(),
    tz: z.string(),
    /** Every local day of [from, to), with the tasks created that day by type and current status. */
    days: z.array(
      z.object({
        date: z.string(),
        total: z.number().check(z.int()),
        byType: z.object({ call: StatusCounts, email: StatusCounts, other: StatusCounts }),
      }),
    ),
    /**
     * Calls (tasks of type call) created in the whole range per agent they are handled by now,
     * by current status; most calls first, agents without any left out.
     */
    agents: z.array(
      z.object({ agentId: z.string(), calls: z.number().check(z.int()), byStatus: StatusCounts }),
    ),
  })
  .register(z.globalRegistry, { id: 'TaskSummary' });
export type TaskSummary = z.infer<typeof TaskSummary>;
