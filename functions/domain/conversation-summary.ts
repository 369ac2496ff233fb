/**
 * The conversations summary's counters: what starting a conversation and storing a reply add to
 * their quarter hour (in the same transaction as the write), and how those fold into local days
 * and agents (domain/day-buckets.ts).
 */
import type { Conversation, ConversationMessage, ConversationSummary } from '../api/schemas/conversations';
import { agentCounterName, agentTotals, type BucketCounts, type Counts, foldDays } from './day-buckets';

export const conversationCounterNames = [
  'started',
  'answered',
  'failed',
  'inputTokens',
  'outputTokens',
  'latencyMs',
] as const;

/**
 * Five counters per agent (started, answered, failed, tokens, latencyMs): a name is under 50
 * bytes, so the 500 agents an enterprise org may own (plus any shared into it) all busy in one
 * quarter hour come to about 125 KB, inside DynamoDB's 400 KB item limit.
 */
export function startedCounts(conversation: Conversation): [string, number][] {
  return [
    ['started', 1],
    [agentCounterName(conversation.agentId, 'started'), 1],
  ];
}

/** What a reply adds: an answer its tokens and latency, a failure only itself (it used no tokens). */
export function replyCounts(agentId: string, reply: ConversationMessage): [string, number][] {
  const agent = (counter: string) => agentCounterName(agentId, counter);
  if (reply.status === 'failed') {
    return [
      ['failed', 1],
      [agent('failed'), 1],
    ];
  }
  const latency = reply.latencyMs ?? 0;
  return [
    ['answered', 1],
    ['inputTokens', reply.inputTokens],
    ['outputTokens', reply.outputTokens],
    ['latencyMs', latency],
    [agent('answered'), 1],
    [agent('tokens'), reply.inputTokens + reply.outputTokens],
    [agent('latencyMs'), latency],
  ];
}

function replyCountsOf(counts: Counts) {
  const answered = counts.answered ?? 0;
  const latencyMs = counts.latencyMs ?? 0;
  return {
    answered,
    failed: counts.failed ?? 0,
    latencyMs,
    averageLatencyMs: answered ? Math.round(latencyMs / answered) : null,
  };
}

/** Folds quarter-hour counters into every local day of [from, to) in `tz` and into agents. */
export function summarizeConversations(
  from: string,
  to: string,
  tz: string,
  buckets: readonly BucketCounts[],
): ConversationSummary {
  const days = foldDays(from, to, tz, buckets);
  return {
    from,
    to,
    tz,
    days: days.map(({ date, counts }) => ({
      date,
      conversations: counts.started ?? 0,
      ...replyCountsOf(counts),
      inputTokens: counts.inputTokens ?? 0,
      outputTokens: counts.outputTokens ?? 0,
    })),
    agents: [...agentTotals(days)]
      .map(([agentId, counts]) => ({
        agentId,
        conversations: counts.started ?? 0,
        ...replyCountsOf(counts),
        tokens: counts.tokens ?? 0,
      }))
      .filter((agent) => agent.conversations + agent.answered + agent.failed > 0)
      .sort((a, b) => b.conversations - a.conversations || (a.agentId < b.agentId ? -1 : 1)),
  };
}
