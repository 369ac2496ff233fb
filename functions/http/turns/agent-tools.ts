/**
 * The platform's side of an agent's tools (README "Voice worker turns and tools"): free slots of the
 * org's members from the synced calendars (domain/availability.ts), a booking written to the
 * member's Google Calendar first and stored after (as the calendar routes do), a follow-up task.
 * Every call is audited with the agent as the actor; transfer and end_call are not run here but
 * handed back to the voice worker. What a tool refuses goes back to the model as `{error}`, so it
 * can say so to the caller; only a failing dependency of our own ends the turn.
 */
import { sessionFor } from '../../adapters/calendar-tokens';
import { GoogleError, googleCalendar } from '../../adapters/google-calendar';
import type { AuditActor } from '../../api/schemas/audit';
import { toolNames as names, type ToolCall, type ToolName } from '../../api/schemas/runtime-turns';
import { auditPut } from '../../data/audit';
import { adjustEventCount, getConnection, listConnections } from '../../data/calendar-connections';
import { eventsInRange, storeEvent } from '../../data/calendar-events';
import { listMembers } from '../../data/memberships';
import { createTask } from '../../data/tasks';
import { transact } from '../../data/transact';
import { getUser } from '../../data/users';
import { argumentProblem, defaultSearchDays, slotsPerMember, toolArguments } from '../../domain/agent-tools';
import { auditEntry } from '../../domain/audit';
import { freeSlots, parseWorkingHours } from '../../domain/availability';
import { recordFromGoogle } from '../../domain/calendar-sync';
import type { ToolUse } from '../../domain/llm';
import { Refusal } from '../../domain/refusal';
import { newTask } from '../../domain/tasks';

export interface ToolContext {
  orgId: string;
  agent: { id: string; name: string };
  conversationId: string;
  callId: string | undefined;
  requestId: string;
  now: Date;
}

const workingHours = parseWorkingHours('09:00-17:00');
/** Members considered for availability: one page of the member list. */
const memberPage = 100;

type Outcome = Pick<ToolCall, 'status' | 'result'>;
const refused = (error: string): Outcome => ({ status: 'refused', result: { error } });

/** The org's members by email (one Query), for tools that name a member. */
async function membersByEmail(orgId: string) {
  const page = await listMembers(orgId, memberPage, undefined);
  return new Map(page.items.map((m) => [m.email.toLowerCase(), m]));
}

async function findFreeSlots(ctx: ToolContext, raw: unknown): Promise<Outcome> {
  const parsed = toolArguments.find_free_slots.safeParse(raw);
  if (!parsed.success) return refused(argumentProblem(parsed.error));
  const args = parsed.data;
  const from = args.from ?? ctx.now.toISOString();
  const to = args.to ?? new Date(Date.parse(from) + defaultSearchDays * 86_400_000).toISOString();
  if (Date.parse(to) <= Date.parse(from)) return refused('to must be after from.');
  const [members, connections] = await Promise.all([
    membersByEmail(ctx.orgId),
    listConnections(ctx.orgId, { limit: memberPage }),
  ]);
  const byUser = new Map([...members.values()].map((m) => [m.userId, m]));
  let people = connections.items.filter((c) => c.status !== 'needs_reauth' && byUser.has(c.userId));
  if (args.memberEmail) {
    const wanted = members.get(args.memberEmail.toLowerCase());
    if (!wanted) return refused(`${args.memberEmail} is not a member of this organization.`);
    people = people.filter((c) => c.userId === wanted.userId);
    if (people.length === 0) return refused(`${args.memberEmail} has no connected calendar.`);
  }
  const found = await Promise.all(
    people.map(async ({ userId }) => {
      const [user, events] = await Promise.all([getUser(userId), eventsInRange(ctx.orgId, userId, from, to)]);
      const slots = freeSlots({
        from: Date.parse(from),
        to: Date.parse(to),
        durationMinutes: args.durationMinutes,
        workingHours,
        people: [{ timezone: user?.profile.timezone ?? 'UTC', events }],
      });
      return {
        email: byUser.get(userId)?.email ?? '',
        slots: slots.slice(0, slotsPerMember).map((s) => ({
          start: new Date(s.start).toISOString(),
          end: new Date(s.end).toISOString(),
        })),
      };
    }),
  );
  return { status: 'ok', result: { from, to, durationMinutes: args.durationMinutes, members: found } };
}

async function bookEvent(ctx: ToolContext, raw: unknown): Promise<Outcome> {
  const parsed = toolArguments.book_event.safeParse(raw);
  if (!parsed.success) return refused(argumentProblem(parsed.error));
  const args = parsed.data;
  // The rule the prompt states, held here too: nothing is booked before the caller said yes.
  if (!args.confirmed)
    return refused(
      'Nothing was booked: read the time back to the caller, and call again with confirmed true once they agree.',
    );
  const member = (await membersByEmail(ctx.orgId)).get(args.memberEmail.toLowerCase());
  if (!member) return refused(`${args.memberEmail} is not a member of this organization.`);
  const connection = await getConnection(ctx.orgId, member.userId);
  if (!connection || connection.status === 'needs_reauth')
    return refused(`${args.memberEmail} has no connected calendar.`);
  const end = new Date(Date.parse(args.start) + args.durationMinutes * 60_000).toISOString();
  const [user, events] = await Promise.all([
    getUser(member.userId),
    eventsInRange(ctx.orgId, member.userId, args.start, end),
  ]);
  const free = freeSlots({
    from: Date.parse(args.start),
    to: Date.parse(end),
    durationMinutes: args.durationMinutes,
    workingHours,
    people: [{ timezone: user?.profile.timezone ?? 'UTC', events }],
  });
  if (free.length === 0)
    return refused(`${args.memberEmail} is not free at ${args.start}; look for free slots again.`);
  let created: Awaited<ReturnType<ReturnType<typeof googleCalendar>['insertEvent']>>;
  try {
    created = await googleCalendar().insertEvent(await sessionFor(connection), {
      summary: args.title,
      description: `Booked by the agent ${ctx.agent.name}${ctx.callId ? ` on call ${ctx.callId}` : ''}.`,
      start: { dateTime: args.start },
      end: { dateTime: end },
      transparency: 'opaque',
      ...(args.attendeeEmail ? { attendees: [{ email: args.attendeeEmail }] } : {}),
    });
  } catch (error) {
    if (error instanceof GoogleError) return refused(`Google Calendar refused the booking: ${error.message}`);
    throw error;
  }
  const record = recordFromGoogle(created);
  if (record) {
    await storeEvent(ctx.orgId, member.userId, record);
    await adjustEventCount(ctx.orgId, member.userId, 1);
  }
  return {
    status: 'ok',
    result: {
      eventId: record?.event.id ?? created.id,
      memberEmail: member.email,
      title: args.title,
      start: args.start,
      end,
    },
  };
}

async function createFollowUp(ctx: ToolContext, raw: unknown, actor: AuditActor): Promise<Outcome> {
  const parsed = toolArguments.create_task.safeParse(raw);
  if (!parsed.success) return refused(argumentProblem(parsed.error));
  const args = parsed.data;
  let assignedTo: string | undefined;
  if (args.assigneeEmail) {
    const member = (await membersByEmail(ctx.orgId)).get(args.assigneeEmail.toLowerCase());
    if (!member) return refused(`${args.assigneeEmail} is not a member of this organization.`);
    assignedTo = member.userId;
  }
  const task = newTask(
    ctx.orgId,
    {
      type: 'other',
      priority: 'medium',
      subject: args.subject,
      ...(args.content ? { content: args.content } : {}),
      ...(args.scheduledAt ? { scheduledAt: new Date(args.scheduledAt).toISOString() } : {}),
      agentId: ctx.agent.id,
      ...(assignedTo ? { assignedTo } : {}),
      metadata: { conversationId: ctx.conversationId, ...(ctx.callId ? { callId: ctx.callId } : {}) },
    },
    { kind: 'agent', id: ctx.agent.id },
    ctx.now,
  );
  const audit = auditEntry({
    orgId: ctx.orgId,
    actor,
    action: 'task.created',
    target: { type: 'task', id: task.id, name: task.subject ?? undefined },
    after: { subject: task.subject, assignedTo: task.assignedTo, agentId: ctx.agent.id },
    requestId: ctx.requestId,
    now: ctx.now,
  });
  const { task: stored } = await createTask(task, { audit });
  return {
    status: 'ok',
    result: { taskId: stored.id, subject: stored.subject, assigneeEmail: args.assigneeEmail ?? null },
  };
}

/** Worker actions: checked, recorded, and handed back; the worker performs them on the call. */
function handOver(name: 'transfer' | 'end_call', raw: unknown): Outcome {
  const parsed = toolArguments[name].safeParse(raw);
  if (!parsed.success) return refused(argumentProblem(parsed.error));
  return { status: 'handed_to_worker', result: { ...parsed.data, handedTo: 'voice worker' } };
}

const isToolName = (name: string): name is ToolName => (names as readonly string[]).includes(name);

/** Runs one tool call and audits it as done by the agent. */
export async function runTool(ctx: ToolContext, use: ToolUse): Promise<ToolCall> {
  const actor: AuditActor = { agentId: ctx.agent.id, name: ctx.agent.name };
  const at = new Date().toISOString();
  if (!isToolName(use.name))
    return {
      id: use.id,
      name: 'end_call',
      arguments: use.arguments,
      status: 'refused',
      result: { error: `There is no tool ${use.name}.` },
      at,
    };
  let outcome: Outcome;
  try {
    outcome =
      use.name === 'find_free_slots'
        ? await findFreeSlots(ctx, use.arguments)
        : use.name === 'book_event'
          ? await bookEvent(ctx, use.arguments)
          : use.name === 'create_task'
            ? await createFollowUp(ctx, use.arguments, actor)
            : handOver(use.name, use.arguments);
  } catch (error) {
    // A rule of ours that said no (an unknown assignee, a full task list) is the model's to explain.
    if (!(error instanceof Refusal) || error.kind === 'unavailable') throw error;
    outcome = refused(error.message);
  }
  const call: ToolCall = { id: use.id, name: use.name, arguments: use.arguments, ...outcome, at };
  await transact([
    auditPut(
      auditEntry({
        orgId: ctx.orgId,
        actor,
        action: 'agent.tool_called',
        target: { type: 'conversation', id: ctx.conversationId },
        after: { tool: use.name, status: call.status, ...(ctx.callId ? { callId: ctx.callId } : {}) },
        requestId: ctx.requestId,
        now: new Date(),
      }),
    ),
  ]);
  return call;
}
