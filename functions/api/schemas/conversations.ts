import * as z from 'zod/mini';
import { AgentId, DisplayText, Email, IsoDateTime, ListQuery, LongText } from './common';
import { OrgId, PlanName } from './orgs';
import { E164 } from './phone-numbers';

export const ConversationId = z
  .string()
  .check(z.regex(/^cnv_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a conversation id (cnv_…)'));
export const AgentConversationParams = z.strictObject({ orgId: OrgId, agentId: AgentId });
export const ConversationParams = z.extend(AgentConversationParams, { conversationId: ConversationId });

export const conversationChannels = ['console', 'api', 'web'] as const;
export const ConversationChannel = z.enum(conversationChannels);
/** A call's transcript (README "Call records (issue 21)"): created with the call, never by a client. */
export const callChannels = ['phone', 'test_call'] as const;
export const StoredChannel = z.enum([...conversationChannels, ...callChannels]);

/** Who the conversation is with, when known (a website visitor who left their details). */
export const Contact = z
  .strictObject({
    name: z.optional(DisplayText(100)),
    email: z.optional(Email),
    phone: z.optional(E164),
  })
  .register(z.globalRegistry, { id: 'ConversationContact' });

export const CreateConversationBody = z.strictObject({
  channel: ConversationChannel,
  contact: z.optional(Contact),
});
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

/** A message is sent to the model with the history window on every turn: bounded well below the window. */
export const maxMessageBytes = 4 * 1024;
export const SendMessageBody = z.strictObject({ text: LongText(maxMessageBytes) });

/** Who started a conversation: a person of the org, an org API client, or a call (its record's id). */
export const ConversationCreator = z.object({
  kind: z.enum(['member', 'apiClient', 'call']),
  id: z.string(),
});

export const Conversation = z
  .object({
    id: z.string(),
    orgId: z.string(),
    agentId: z.string(),
    channel: StoredChannel,
    contact: z.nullable(Contact),
    createdBy: ConversationCreator,
    messageCount: z.number().check(z.int()),
    /** Replies that failed (the model timed out or refused); their user messages are kept. */
    failedCount: z.number().check(z.int()),
    inputTokens: z.number().check(z.int()),
    outputTokens: z.number().check(z.int()),
    createdAt: IsoDateTime,
    lastMessageAt: z.nullable(IsoDateTime),
    /** The start of its first question, for lists; null until one is asked. */
    preview: z._default(z.nullable(z.string()), null),
  })
  .register(z.globalRegistry, { id: 'Conversation' });
export type Conversation = z.infer<typeof Conversation>;

/** A knowledge passage given to the model with a message; `cited` when the reply names it. */
export const Citation = z
  .object({
    entryId: z.string(),
    title: z.string(),
    heading: z.nullable(z.string()),
    chunk: z.number().check(z.int()),
    cited: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'Citation' });
export type Citation = z.infer<typeof Citation>;

export const messageVias = ['text', 'voice'] as const;
export const MessageVia = z.enum(messageVias);
export type MessageVia = z.infer<typeof MessageVia>;

export const toolNames = ['find_free_slots', 'book_event', 'create_task', 'transfer', 'end_call'] as const;
export const ToolName = z.enum(toolNames);
export type ToolName = z.infer<typeof ToolName>;

/** One tool call of a reply: what the model asked for and what came of it (README "Voice worker turns and tools"). */
export const ToolCall = z
  .object({
    /** The model's id for the call (tool_call id / toolUseId). */
    id: z.string(),
    name: ToolName,
    arguments: z.record(z.string(), z.unknown()),
    /** `refused`: the platform would not (its sentence in `result.error`); `handed_to_worker`: transfer, end_call. */
    status: z.enum(['ok', 'refused', 'handed_to_worker']),
    result: z.record(z.string(), z.unknown()),
    at: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'ToolCall' });
export type ToolCall = z.infer<typeof ToolCall>;

export const ConversationMessage = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    role: z.enum(['user', 'assistant']),
    text: z.string(),
    /** `failed`: the model gave no answer; `error` says why, and `text` is empty. */
    status: z.enum(['ok', 'failed']),
    error: z.nullable(z.string()),
    citations: z.array(Citation),
    inputTokens: z.number().check(z.int()),
    outputTokens: z.number().check(z.int()),
    /** How long the model took (replies only). */
    latencyMs: z.nullable(z.number().check(z.int())),
    /** `bedrock:<modelId>` or `openai-compatible:<model>` (replies only). */
    model: z.nullable(z.string()),
    /** How the turn was taken: typed, or spoken (POST …/voice; the question is its transcript). */
    via: z._default(MessageVia, 'text'),
    /** The tools the model called for this reply, in order, with their results (replies only). */
    toolCalls: z.optional(z.array(ToolCall)),
    createdAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'ConversationMessage' });
export type ConversationMessage = z.infer<typeof ConversationMessage>;

export const Exchange = z
  .object({ message: ConversationMessage, reply: ConversationMessage })
  .register(z.globalRegistry, { id: 'ConversationExchange' });

const listFilters = ['agentId', 'day'] as const;

export const ConversationListQuery = z
  .extend(ListQuery, {
    agentId: z.optional(AgentId),
    /** A UTC day: the conversations started on it. */
    day: z.optional(z.iso.date()),
  })
  .check(
    z.superRefine((query, ctx) => {
      for (const name of listFilters.filter((n) => query[n] !== undefined).slice(1)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `give at most one of ${listFilters.join(', ')} (each is a list of its own)`,
        });
      }
    }),
  );

export const UsageQuery = z.strictObject({
  /** A UTC calendar month; this month when absent. */
  month: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-01'))),
});

export const ConversationUsage = z
  .object({
    month: z.string(),
    plan: PlanName,
    /** The plan's monthly budget of model tokens (input + output). */
    monthlyTokens: z.number().check(z.int()),
    usedTokens: z.number().check(z.int()),
    remainingTokens: z.number().check(z.int()),
    inputTokens: z.number().check(z.int()),
    outputTokens: z.number().check(z.int()),
    /** Replies the model gave this month. */
    replies: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'ConversationUsage' });
export type ConversationUsage = z.infer<typeof ConversationUsage>;

/** A span's counts: replies answered or failed, model tokens, and the answered replies' latency. */
const ReplyCounts = {
  answered: z.number().check(z.int()),
  failed: z.number().check(z.int()),
  /** Summed over the answered replies: add spans' sums and answers to average across them. */
  latencyMs: z.number().check(z.int()),
  /** latencyMs / answered, rounded; null when nothing was answered. */
  averageLatencyMs: z.nullable(z.number().check(z.int())),
};

export const ConversationSummary = z
  .object({
    from: z.string(),
    to: z.string(),
    tz: z.string(),
    /** Every local day of [from, to): conversations started that day, replies given that day. */
    days: z.array(
      z.object({
        date: z.string(),
        conversations: z.number().check(z.int()),
        ...ReplyCounts,
        inputTokens: z.number().check(z.int()),
        outputTokens: z.number().check(z.int()),
      }),
    ),
    /** The whole range per agent, most conversations first; agents without any left out. */
    agents: z.array(
      z.object({
        agentId: z.string(),
        conversations: z.number().check(z.int()),
        ...ReplyCounts,
        /** Input and output together. */
        tokens: z.number().check(z.int()),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'ConversationSummary' });
export type ConversationSummary = z.infer<typeof ConversationSummary>;
