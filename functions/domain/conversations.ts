/**
 * Conversation rules: a new conversation and its messages, what the model is sent (the agent's
 * prompt, the retrieved passages with their ids, a bounded window of history), which passages a
 * reply cites, and the guards (message rate, monthly token budget).
 */
import { ulid } from 'ulid';
import type {
  Citation,
  Conversation,
  ConversationMessage,
  CreateConversationBody,
  MessageVia,
  ToolCall,
} from '../api/schemas/conversations';
import type { Passage } from '../api/schemas/knowledge';
import type { AgentState } from './agents';
import type { ChatTurn, LlmRequest } from './llm';
import type { RateLimit } from './rate-limits';
import { type Refusal, refuse } from './refusal';

export type ConversationCreator = Conversation['createdBy'];

/** How much of its first question a conversation keeps as its preview. */
export const previewChars = 140;

/** A question's start for lists: whitespace folded, cut at a word with an ellipsis when long. */
export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= previewChars) return flat;
  const cut = flat.slice(0, previewChars);
  return `${cut.slice(0, cut.lastIndexOf(' ') > previewChars / 2 ? cut.lastIndexOf(' ') : previewChars)}…`;
}

export function newConversation(
  orgId: string,
  agentId: string,
  body: CreateConversationBody,
  createdBy: ConversationCreator,
  now: Date,
): Conversation {
  return {
    id: `cnv_${ulid(now.getTime())}`,
    orgId,
    agentId,
    channel: body.channel,
    contact: body.contact ?? null,
    createdBy,
    messageCount: 0,
    failedCount: 0,
    inputTokens: 0,
    outputTokens: 0,
    createdAt: now.toISOString(),
    lastMessageAt: null,
    preview: null,
  };
}

const message = (
  conversationId: string,
  at: Date,
): Pick<ConversationMessage, 'id' | 'conversationId' | 'createdAt'> => ({
  id: `msg_${ulid(at.getTime())}`,
  conversationId,
  createdAt: at.toISOString(),
});

export function userMessage(
  conversationId: string,
  text: string,
  now: Date,
  via: MessageVia = 'text',
): ConversationMessage {
  return {
    ...message(conversationId, now),
    role: 'user',
    via,
    text,
    status: 'ok',
    error: null,
    citations: [],
    inputTokens: 0,
    outputTokens: 0,
    latencyMs: null,
    model: null,
  };
}

/** A reply sorts after its question even when both fall in the same millisecond (ids are ULIDs). */
function replyTime(question: ConversationMessage, now: Date): Date {
  return new Date(Math.max(now.getTime(), new Date(question.createdAt).getTime() + 1));
}

export function replyMessage(
  question: ConversationMessage,
  answer: { text: string; inputTokens: number; outputTokens: number },
  details: { citations: Citation[]; model: string; latencyMs: number; toolCalls?: ToolCall[] },
  now: Date,
): ConversationMessage {
  return {
    ...message(question.conversationId, replyTime(question, now)),
    role: 'assistant',
    // A reply is given the way its question was asked.
    via: question.via,
    text: answer.text,
    status: 'ok',
    error: null,
    citations: details.citations,
    inputTokens: answer.inputTokens,
    outputTokens: answer.outputTokens,
    latencyMs: details.latencyMs,
    model: details.model,
    ...(details.toolCalls?.length ? { toolCalls: details.toolCalls } : {}),
  };
}

/** The reply that never came: kept so the conversation shows the question was asked and why it went unanswered. */
export function failedReply(
  question: ConversationMessage,
  reason: string,
  details: { model: string; latencyMs: number; citations: Citation[]; toolCalls?: ToolCall[] },
  now: Date,
): ConversationMessage {
  return {
    ...replyMessage(question, { text: '', inputTokens: 0, outputTokens: 0 }, details, now),
    status: 'failed',
    error: reason,
  };
}

/**
 * The history the model sees: answered exchanges only (a question whose reply failed would put two
 * user turns in a row, which Bedrock refuses), newest kept first, at most `maxMessages` messages and
 * `maxChars` characters, always starting with a user turn. `messages` are oldest first.
 */
export function historyWindow(
  messages: readonly ConversationMessage[],
  { maxMessages, maxChars }: { maxMessages: number; maxChars: number },
): ChatTurn[] {
  const pairs: [ChatTurn, ChatTurn][] = [];
  for (let i = 0; i + 1 < messages.length; i++) {
    const [q, a] = [messages[i]!, messages[i + 1]!];
    if (q.role === 'user' && a.role === 'assistant' && a.status === 'ok') {
      pairs.push([
        { role: 'user', text: q.text },
        { role: 'assistant', text: a.text },
      ]);
      i++;
    }
  }
  const kept: ChatTurn[] = [];
  let chars = 0;
  for (const [q, a] of pairs.reverse()) {
    const size = q.text.length + a.text.length;
    if (kept.length + 2 > maxMessages || chars + size > maxChars) break;
    kept.unshift(q, a);
    chars += size;
  }
  return kept;
}

/**
 * The system prompt: the agent's own (its pinned or latest prompt version), then the passages
 * retrieved for this message, each headed by `[entry:<id>]`, the marker the model is asked to cite.
 */
export function systemPrompt(
  agent: Pick<AgentState, 'name'>,
  prompt: string | null,
  passages: readonly Passage[],
): string {
  const intro = prompt ?? `You are ${agent.name}, a helpful assistant for this organization.`;
  const rules =
    'Answer from the knowledge passages below when they cover the question, and cite each passage ' +
    'you use as [entry:<id>] with its id. When they do not cover it, say that you do not know.';
  const body =
    passages.length === 0
      ? 'No knowledge passages matched this message.'
      : passages
          .map((p) => `[entry:${p.entryId}] ${[p.title, p.heading].filter(Boolean).join(' › ')}\n${p.text}`)
          .join('\n\n');
  return `${intro}\n\n${rules}\n\nKnowledge passages:\n\n${body}\n`;
}

/** The passages given to the model, each marked cited when the reply names its entry. */
export function citationsOf(reply: string, passages: readonly Passage[]): Citation[] {
  const named = new Set([...reply.matchAll(/\[entry:([^\]\s]+)\]/g)].map((m) => m[1]));
  return passages.map((p) => ({
    entryId: p.entryId,
    title: p.title,
    // Retrieval gives an empty heading for a passage under none.
    heading: p.heading || null,
    chunk: p.chunk,
    cited: named.has(p.entryId),
  }));
}

/** What a provider may count beyond the text: role markers and templates, per turn and per request. */
const tokensPerTurn = 8;
const tokensPerRequest = 16;
const utf8 = new TextEncoder();

/**
 * The most tokens one message may spend: reserved against the month's budget when the question is
 * stored, settled when the reply is (the unused part released; all of it when the model failed).
 * What the model is sent counts one token per UTF-8 byte, since a token of a byte-level tokenizer
 * covers at least one byte: never below what the provider counts (about four times it for English
 * text), so the reservations of concurrent messages cannot together pass the budget. Then the
 * agent's maxTokens, the most the reply may be.
 */
export function tokenReservation(request: Pick<LlmRequest, 'system' | 'messages' | 'maxTokens'>): number {
  const sent = [request.system, ...request.messages.map((m) => m.text)].reduce(
    (tokens, text) => tokens + utf8.encode(text).length + tokensPerTurn,
    tokensPerRequest,
  );
  return sent + request.maxTokens;
}

/** The UTC calendar month a moment falls in: the token budget's period. */
export function monthOf(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export function messageRate(perMinute: number): RateLimit {
  return { action: 'message', limit: perMinute, windowSeconds: 60 };
}

export const conversationRefusals = {
  /** An inactive agent is switched off on purpose: it neither answers calls nor chats. */
  inactiveAgent: (agent: AgentState): Refusal | null =>
    agent.status === 'inactive'
      ? refuse('refused', 'The agent is inactive; set it active or training to chat with it.')
      : null,
  budgetSpent: (monthlyTokens: number): Refusal =>
    refuse(
      'refused',
      `The organization has used its plan’s ${monthlyTokens.toLocaleString('en-US')} model tokens this month; they renew on the 1st (UTC), or ask for a larger plan.`,
    ),
  /** Some of the budget is left, but less than this message may spend (what `tokenReservation` holds). */
  budgetShort: (reserved: number, left: number, monthlyTokens: number): Refusal =>
    refuse(
      'refused',
      `This message may use up to ${reserved.toLocaleString('en-US')} model tokens (what it sends, counted generously, and the agent’s longest reply), and ${Math.max(0, left).toLocaleString('en-US')} of the plan’s ${monthlyTokens.toLocaleString('en-US')} this month are free (replies being written hold their share); wait for them, lower the agent’s maxTokens, start a new conversation, or ask for a larger plan.`,
    ),
  noSuchConversation: (): Refusal => refuse('not_found', 'No such conversation with this agent.'),
};
