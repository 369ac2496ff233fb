/**
 * The tools an agent's model may call (README "Voice worker turns and tools"): their descriptions
 * and JSON Schemas as the model reads them, the checks of the arguments it writes, and the
 * sentence of the system prompt that says how to use them. Pure: the platform runs the first three
 * (http/turns/agent-tools.ts); transfer and end_call are handed back to the voice worker.
 */
import * as z from 'zod/mini';
import type { ToolName } from '../api/schemas/runtime-turns';
import type { ToolSpec } from './llm';

const instant = { type: 'string', description: 'An instant in ISO 8601 UTC, such as 2026-01-15T14:00:00Z' };
const email = { type: 'string', description: 'The member’s email address' };

export const toolSpecs: Record<ToolName, ToolSpec> = {
  find_free_slots: {
    name: 'find_free_slots',
    description:
      'Free times of the organization’s members with a connected calendar (or one member), within working hours.',
    parameters: {
      type: 'object',
      properties: {
        from: { ...instant, description: 'Start of the range (default now)' },
        to: { ...instant, description: 'End of the range (default three days after from)' },
        durationMinutes: { type: 'integer', minimum: 5, maximum: 480, description: 'Length of the meeting' },
        memberEmail: email,
      },
    },
  },
  book_event: {
    name: 'book_event',
    description:
      'Book an event on a member’s calendar. Only after the caller agreed out loud to this exact time: set confirmed to true then, never before.',
    parameters: {
      type: 'object',
      properties: {
        memberEmail: email,
        start: instant,
        durationMinutes: { type: 'integer', minimum: 5, maximum: 480 },
        title: { type: 'string' },
        attendeeEmail: { type: 'string', description: 'The caller’s email, when they gave it' },
        confirmed: { type: 'boolean', description: 'true only once the caller said yes to this time' },
      },
      required: ['memberEmail', 'start', 'title', 'confirmed'],
    },
  },
  create_task: {
    name: 'create_task',
    description: 'Create a follow-up task for the organization, assigned to a member when one is named.',
    parameters: {
      type: 'object',
      properties: {
        subject: { type: 'string' },
        content: { type: 'string' },
        assigneeEmail: email,
        scheduledAt: { ...instant, description: 'When to follow up' },
      },
      required: ['subject'],
    },
  },
  transfer: {
    name: 'transfer',
    description: 'Transfer the caller to a human at this phone number (E.164).',
    parameters: {
      type: 'object',
      properties: { number: { type: 'string', description: 'E.164, such as +14155550123' } },
      required: ['number'],
    },
  },
  end_call: {
    name: 'end_call',
    description: 'End the call after saying goodbye.',
    parameters: { type: 'object', properties: { reason: { type: 'string' } } },
  },
};

/** What the system prompt adds when tools are offered: the confirm-before-booking rule above all. */
export const toolInstructions =
  'You can use tools. Before booking anything, read the time back to the caller and ask them to ' +
  'confirm; call book_event with confirmed set to true only after they said yes. Use transfer when ' +
  'the caller asks for a person, and end_call once the conversation is over.';

const Instant = z.iso.datetime({ offset: false });
const Minutes = z._default(z.number().check(z.int(), z.gte(5), z.lte(480)), 30);
const Email = z.email().check(z.maxLength(254));

export const toolArguments = {
  find_free_slots: z.object({
    from: z.optional(Instant),
    to: z.optional(Instant),
    durationMinutes: Minutes,
    memberEmail: z.optional(Email),
  }),
  book_event: z.object({
    memberEmail: Email,
    start: Instant,
    durationMinutes: Minutes,
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
    attendeeEmail: z.optional(Email),
    confirmed: z._default(z.boolean(), false),
  }),
  create_task: z.object({
    subject: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
    content: z.optional(z.string().check(z.maxLength(8000))),
    assigneeEmail: z.optional(Email),
    scheduledAt: z.optional(Instant),
  }),
  transfer: z.object({ number: z.string().check(z.regex(/^\+[1-9]\d{7,14}$/, 'must be an E.164 number')) }),
  end_call: z.object({ reason: z.optional(z.string().check(z.maxLength(500))) }),
};

/** Arguments the model wrote that do not fit: the first problem, as a sentence it can act on. */
export function argumentProblem(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'arguments'} ${issue?.message ?? 'are not valid'}`;
}

/** How far ahead find_free_slots looks when the model names no end. */
export const defaultSearchDays = 3;
/** Free slots given back per member: enough to offer a choice, short enough to read out. */
export const slotsPerMember = 5;
/** Model calls in one turn: the first, and at most two more after tool results. */
export const maxModelCalls = 3;
