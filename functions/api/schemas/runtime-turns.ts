/**
 * The voice worker's turn through the platform's conversation pipeline (issue 21, VOICE-CONTRACT
 * item 2; README "Voice worker turns and tools"). The answer is newline-delimited JSON: one
 * `TurnEvent` per line, in order, ending with `done`.
 */
import * as z from 'zod/mini';
import { AgentId, IsoDateTime, LongText } from './common';
import { ConversationId, ConversationMessage, maxMessageBytes, ToolCall } from './conversations';

export { type ToolCall, type ToolName, toolNames } from './conversations';

export const RuntimeTurnParams = z.strictObject({ agentId: AgentId, conversationId: ConversationId });

/** The channels a conversation the worker starts is created with (absent until its first turn). */
export const voiceChannels = ['phone', 'test_call'] as const;

export const RuntimeTurnBody = z.strictObject({
  /** The caller's final transcript for this turn. */
  text: LongText(maxMessageBytes),
  /** The call this turn belongs to (POST /runtime/calls answers it), for the record. */
  callId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** When the caller finished speaking (the worker's clock); the platform's time when absent. */
  at: z.optional(IsoDateTime),
  /** Used only when the conversation does not exist yet and is created by this turn. */
  channel: z._default(z.enum(voiceChannels), 'phone'),
});
export type RuntimeTurnBody = z.infer<typeof RuntimeTurnBody>;

/** Tools the platform runs itself (the model's arguments, the platform's result). */
export const platformTools = ['find_free_slots', 'book_event', 'create_task'] as const;
/** Tools the platform hands back to the worker to perform on the call. */
export const workerActions = ['transfer', 'end_call'] as const;

/** One line of the streamed answer. */
export const TurnEvent = z
  .discriminatedUnion('type', [
    /** A piece of the reply's text as the model wrote it. */
    z.object({ type: z.literal('delta'), text: z.string() }),
    /** A tool the platform ran for the model (find_free_slots, book_event, create_task). */
    z.object({ type: z.literal('tool'), call: ToolCall }),
    /** Something the worker must do on the call: transfer {number} or end_call. */
    z.object({
      type: z.literal('action'),
      action: z.discriminatedUnion('name', [
        z.object({ name: z.literal('transfer'), number: z.string() }),
        z.object({ name: z.literal('end_call'), reason: z.nullable(z.string()) }),
      ]),
    }),
    /** Last: the stored question and reply (citations, tokens, tool calls) and the conversation. */
    z.object({
      type: z.literal('done'),
      conversationId: z.string(),
      /** Whether this turn created the conversation. */
      created: z.boolean(),
      message: ConversationMessage,
      reply: ConversationMessage,
    }),
  ])
  .register(z.globalRegistry, { id: 'RuntimeTurnEvent' });
export type TurnEvent = z.infer<typeof TurnEvent>;
