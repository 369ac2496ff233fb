/**
 * Conversations: one item per conversation in the org partition (listed by agent on gsi1 and by UTC
 * day on gsi2), its messages in a partition of their own, and the org's monthly token counter.
 * The question is stored before the model is called, in one transaction with the org's message
 * rate bucket and the message's token reservation, conditioned on the budget; the reply (or its
 * failure) in a second one with the conversation's and the month's token totals, settling the
 * reservation. Both that and starting a conversation add to the quarter hour's counters the
 * conversations summary reads (never the messages).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { plans } from '../api/plans';
import type { AuditEntry } from '../api/schemas/audit';
import { Conversation, ConversationMessage } from '../api/schemas/conversations';
import { conversationCounterNames, replyCounts, startedCounts } from '../domain/conversation-summary';
import { conversationRefusals, previewOf } from '../domain/conversations';
import { quarterHour } from '../domain/day-buckets';
import { type RateLimit, windowOf } from '../domain/rate-limits';
import { Refusal } from '../domain/refusal';
import { auditPut } from './audit';
import { batchGet } from './batch';
import { ddb, tableName } from './client';
import { counterAdd, readCounters } from './counters';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import { rateHit } from './rate-limits';
import { type TxItem, transact } from './transact';

const UsageItem = z.object({
  inputTokens: z._default(z.number().check(z.int()), 0),
  outputTokens: z._default(z.number().check(z.int()), 0),
  replies: z._default(z.number().check(z.int()), 0),
});
export type Usage = z.infer<typeof UsageItem>;

/** The summary's counters of the quarter hour `at` falls in (domain/conversation-summary.ts). */
const conversationCounterAdd = (orgId: string, at: string, deltas: [string, number][]) =>
  counterAdd(keys.conversationCounter(orgId, quarterHour(at)), 'CONV_COUNT', deltas);

/** A new conversation and the summary's count of it: written with whatever starts it (a person, a call). */
export function conversationStart(conversation: Conversation): TxItem[] {
  // No preview until the first question sets it (if_not_exists would keep a stored null).
  const { preview: _none, ...stored } = Conversation.parse(conversation);
  return [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...stored,
          ...keys.conversation(conversation.orgId, conversation.id),
          ...keys.conversationIndexes(conversation),
          type: 'CONVERSATION',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    conversationCounterAdd(conversation.orgId, conversation.createdAt, startedCounts(conversation)),
  ];
}

export async function createConversation(conversation: Conversation, audit: AuditEntry): Promise<void> {
  const outcome = await transact([...conversationStart(conversation), auditPut(audit)]);
  if (!outcome.ok) throw new Error(`conversation id ${conversation.id} collided`);
}

/** The conversation, when it is the org's and with this agent. */
export async function getConversation(
  orgId: string,
  agentId: string,
  conversationId: string,
): Promise<Conversation | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.conversation(orgId, conversationId) }),
  );
  const conversation = Item && Conversation.parse(Item);
  return conversation?.agentId === agentId ? conversation : undefined;
}

export async function listConversations(
  orgId: string,
  options: {
    agentId?: string | undefined;
    day?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<Page<Conversation>> {
  const list = options.agentId
    ? { index: 'gsi1' as const, partition: keys.conversationsOfAgent(orgId, options.agentId) }
    : options.day
      ? { index: 'gsi2' as const, partition: keys.conversationsOfDay(orgId, options.day) }
      : { partition: keys.org(orgId).pk, sortPrefix: keys.conversationPrefix };
  const page = await queryPage({ ...list, limit: options.limit, cursor: options.cursor, newestFirst: true });
  return { ...page, items: page.items.map((item) => Conversation.parse(item)) };
}

export async function listMessages(
  orgId: string,
  conversationId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<ConversationMessage>> {
  const page = await queryPage({
    partition: keys.conversationPk(orgId, conversationId),
    sortPrefix: keys.messagePrefix,
    limit: options.limit,
    cursor: options.cursor,
  });
  return { ...page, items: page.items.map((item) => ConversationMessage.parse(item)) };
}

/** The last `count` messages, oldest first: the history window is cut from these (one Query). */
export async function recentMessages(
  orgId: string,
  conversationId: string,
  count: number,
): Promise<ConversationMessage[]> {
  if (count === 0) return [];
  const page = await queryPage({
    partition: keys.conversationPk(orgId, conversationId),
    sortPrefix: keys.messagePrefix,
    limit: count,
    cursor: undefined,
    newestFirst: true,
  });
  return page.items.map((item) => ConversationMessage.parse(item)).reverse();
}

export function messagePut(orgId: string, message: ConversationMessage): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...ConversationMessage.parse(message),
        ...keys.message(orgId, message.conversationId, message.id),
        type: 'CONV_MESSAGE',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The month's tokens: what a message's transactions reserve and settle. */
export interface TokenUse {
  month: string;
  /** The most the message may spend (`tokenReservation`), held from its question to its reply. */
  reserved: number;
}

/**
 * Stores the question and reserves what it may spend, unless the conversation is not this agent's
 * (404), the org has sent its messages for this minute (429), or the month's budget cannot hold
 * the reservation beside the tokens spent and those other messages hold (422): then nothing is
 * stored. The counter's `tokens` is spent plus reserved, so its condition is the whole budget.
 */
export async function appendQuestion(
  orgId: string,
  agentId: string,
  question: ConversationMessage,
  guards: TokenUse & { rate: RateLimit; monthlyTokens: number; now: Date },
): Promise<void> {
  const { reserved, monthlyTokens } = guards;
  // No condition could refuse it on a month with no counter yet.
  if (reserved > monthlyTokens)
    throw conversationRefusals.budgetShort(reserved, monthlyTokens, monthlyTokens);
  const window = windowOf(guards.rate, guards.now);
  const outcome = await transact([
    messagePut(orgId, question),
    {
      Update: {
        TableName: tableName(),
        Key: keys.conversation(orgId, question.conversationId),
        // The first question becomes the conversation's preview in lists.
        UpdateExpression:
          'SET messageCount = messageCount + :one, lastMessageAt = :at, preview = if_not_exists(preview, :preview)',
        ConditionExpression: 'attribute_exists(pk) AND agentId = :agentId',
        ExpressionAttributeValues: {
          ':one': 1,
          ':at': question.createdAt,
          ':agentId': agentId,
          ':preview': previewOf(question.text),
        },
      },
    },
    rateHit(keys.orgRateBucket(orgId, guards.rate.action, window.start), guards.rate, guards.now),
    {
      Update: {
        TableName: tableName(),
        Key: keys.tokenUsage(orgId, guards.month),
        UpdateExpression: 'SET #type = :type ADD tokens :reserved',
        ConditionExpression: 'attribute_not_exists(tokens) OR tokens <= :room',
        // On refusal the counter comes back: spent or only short says which sentence to give.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'TOKEN_USAGE',
          ':reserved': reserved,
          ':room': monthlyTokens - reserved,
        },
      },
    },
  ]);
  if (outcome.ok) return;
  if (outcome.failed.includes(1)) throw conversationRefusals.noSuchConversation();
  if (outcome.failed.includes(2)) {
    throw new Refusal(
      'throttled',
      `This organization has sent ${guards.rate.limit} messages this minute, the most allowed; try again shortly.`,
      undefined,
      window.retryAfterSeconds,
    );
  }
  if (outcome.failed.includes(3)) {
    const held = Number(outcome.old[3]?.tokens?.N ?? 0);
    throw held >= monthlyTokens
      ? conversationRefusals.budgetSpent(monthlyTokens)
      : conversationRefusals.budgetShort(reserved, monthlyTokens - held, monthlyTokens);
  }
  throw new Error(`message id ${question.id} collided`);
}

/**
 * Stores the reply with the conversation's and the month's token totals and the summary's
 * counters, settling the question's reservation: the month keeps what the reply spent (nothing
 * when it failed) and the rest is released.
 */
export async function appendReply(
  orgId: string,
  agentId: string,
  reply: ConversationMessage,
  { month, reserved }: TokenUse,
): Promise<void> {
  const failed = reply.status === 'failed';
  const spent = reply.inputTokens + reply.outputTokens;
  const outcome = await transact([
    messagePut(orgId, reply),
    conversationCounterAdd(orgId, reply.createdAt, replyCounts(agentId, reply)),
    {
      Update: {
        TableName: tableName(),
        Key: keys.conversation(orgId, reply.conversationId),
        UpdateExpression: failed
          ? 'SET messageCount = messageCount + :one, failedCount = failedCount + :one, lastMessageAt = :at'
          : 'SET messageCount = messageCount + :one, lastMessageAt = :at ADD inputTokens :in, outputTokens :out',
        ExpressionAttributeValues: {
          ':one': 1,
          ':at': reply.createdAt,
          ...(failed ? {} : { ':in': reply.inputTokens, ':out': reply.outputTokens }),
        },
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: keys.tokenUsage(orgId, month),
        // `tokens` (spent plus reserved) is what the budget's condition compares: conditions cannot add.
        UpdateExpression: failed
          ? 'ADD tokens :settle'
          : 'ADD tokens :settle, inputTokens :in, outputTokens :out, replies :one',
        ExpressionAttributeValues: {
          ':settle': spent - reserved,
          ...(failed ? {} : { ':in': reply.inputTokens, ':out': reply.outputTokens, ':one': 1 }),
        },
      },
    },
  ]);
  if (!outcome.ok) throw new Error(`reply id ${reply.id} collided`);
}

/** The org's plan and the month's token counter (one BatchGet). */
export async function usageOf(orgId: string, month: string) {
  const items = await batchGet([keys.org(orgId), keys.tokenUsage(orgId, month)]);
  const org = items.find((item) => item.sk === keys.org(orgId).sk);
  const counter = items.find((item) => item.sk === keys.tokenUsage(orgId, month).sk);
  return {
    plan: org ? z.enum(plans).parse(org.plan) : undefined,
    usage: UsageItem.parse(counter ?? {}),
  };
}

/** The summary's counters of the quarter hours from `first` to `last` (both included). */
export const readConversationCounters = (orgId: string, first: string, last: string) =>
  readCounters(orgId, keys.conversationCounter, conversationCounterNames, first, last);
