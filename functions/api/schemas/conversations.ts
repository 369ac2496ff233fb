import * as z from 'zod';
import { AgentId, DisplayText, Email, IsoDateTime, ListQuery, LongText } from './common';
import { OrgId, PlanName } from './orgs';
import { E164 } from './phone-numbers';

export const ConversationId = z
  .string()
  .regex(/^cnv_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a conversation id (cnv_…)');
export const AgentConversationParams = z.strictObject({ orgId: OrgId, agentId: AgentId });
export const ConversationParams = AgentConversationParams.extend({ conversationId: ConversationId });

export const conversationChannels = ['console', 'api', 'web'] as const;
export const ConversationChannel = z.enum(conversationChannels);

/** Who the conversation is with, when known (a website visitor who left their details). */
export const Contact = z
  .strictObject({
    name: DisplayText(100).optional(),
    email: Email.optional(),
    phone: E164.optional(),
  })
  .meta({ id: 'ConversationContact' });

export const CreateConversationBody = z.strictObject({
  channel: ConversationChannel,
  contact: Contact.optional(),
});
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

/** A message is sent to the model with the history window on every turn: bounded well below the window. */
export const maxMessageBytes = 4 * 1024;
export const SendMessageBody = z.strictObject({ text: LongText(maxMessageBytes) });

/** Who started a conversation: a person of the org or an org API client. */
export const ConversationCreator = z.object({ kind: z.enum(['member', 'apiClient']), id: z.string() });

export const Conversation = z
  .object({
    id: z.string(),
    orgId: z.string(),
    agentId: z.string(),
    channel: ConversationChannel,
    contact: Contact.nullable(),
    createdBy: ConversationCreator,
    messageCount: z.number().int(),
    /** Replies that failed (the model timed out or refused); their user messages are kept. */
    failedCount: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    createdAt: IsoDateTime,
    lastMessageAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'Conversation' });
export type Conversation = z.infer<typeof Conversation>;

/** A knowledge passage given to the model with a message; `cited` when the reply names it. */
export const Citation = z
  .object({
    entryId: z.string(),
    title: z.string(),
    heading: z.string().nullable(),
    chunk: z.number().int(),
    cited: z.boolean(),
  })
  .meta({ id: 'Citation' });
export type Citation = z.infer<typeof Citation>;

export const ConversationMessage = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    role: z.enum(['user', 'assistant']),
    text: z.string(),
    /** `failed`: the model gave no answer; `error` says why, and `text` is empty. */
    status: z.enum(['ok', 'failed']),
    error: z.string().nullable(),
    citations: z.array(Citation),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    /** How long the model took (replies only). */
    latencyMs: z.number().int().nullable(),
    /** `bedrock:<modelId>` or `openai-compatible:<model>` (replies only). */
    model: z.string().nullable(),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'ConversationMessage' });
export type ConversationMessage = z.infer<typeof ConversationMessage>;

export const Exchange = z
  .object({ message: ConversationMessage, reply: ConversationMessage })
  .meta({ id: 'ConversationExchange' });

const listFilters = ['agentId', 'day'] as const;

export const ConversationListQuery = ListQuery.extend({
  agentId: AgentId.optional(),
  /** A UTC day: the conversations started on it. */
  day: z.iso.date().optional(),
}).superRefine((query, ctx) => {
  for (const name of listFilters.filter((n) => query[n] !== undefined).slice(1)) {
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: `give at most one of ${listFilters.join(', ')} (each is a list of its own)`,
    });
  }
});

export const UsageQuery = z.strictObject({
  /** A UTC calendar month; this month when absent. */
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-01')
    .optional(),
});

export const ConversationUsage = z
  .object({
    month: z.string(),
    plan: PlanName,
    /** The plan's monthly budget of model tokens (input + output). */
    monthlyTokens: z.number().int(),
    usedTokens: z.number().int(),
    remainingTokens: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    /** Replies the model gave this month. */
    replies: z.number().int(),
  })
  .meta({ id: 'ConversationUsage' });
export type ConversationUsage = z.infer<typeof ConversationUsage>;

/** A span's counts: replies answered or failed, model tokens, and the answered replies' latency. */
const ReplyCounts = {
  answered: z.number().int(),
  failed: z.number().int(),
  /** Summed over the answered replies: add spans' sums and answers to average across them. */
  latencyMs: z.number().int(),
  /** latencyMs / answered, rounded; null when nothing was answered. */
  averageLatencyMs: z.number().int().nullable(),
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
        conversations: z.number().int(),
        ...ReplyCounts,
        inputTokens: z.number().int(),
        outputTokens: z.number().int(),
      }),
    ),
    /** The whole range per agent, most conversations first; agents without any left out. */
    agents: z.array(
      z.object({
        agentId: z.string(),
        conversations: z.number().int(),
        ...ReplyCounts,
        /** Input and output together. */
        tokens: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ConversationSummary' });
export type ConversationSummary = z.infer<typeof ConversationSummary>;
