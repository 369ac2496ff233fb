import { describe, expect, it } from 'vitest';
import type { Conversation, ConversationMessage } from '../../functions/api/schemas/conversations';
import {
  replyCounts,
  startedCounts,
  summarizeConversations,
} from '../../functions/domain/conversation-summary';

const reply = (status: 'ok' | 'failed', latencyMs: number, inputTokens = 0, outputTokens = 0) =>
  ({ status, latencyMs, inputTokens, outputTokens }) as ConversationMessage;
const counts = (...deltas: [string, number][][]) => {
  const sum: Record<string, number> = {};
  for (const [name, n] of deltas.flat()) sum[name] = (sum[name] ?? 0) + n;
  return sum;
};

describe('conversations summary counters', () => {
  it('count an answer with its tokens and latency, a failure only as failed', () => {
    expect(replyCounts('agt_a', reply('failed', 900))).toEqual([
      ['failed', 1],
      ['agent#agt_a#failed', 1],
    ]);
    expect(Object.fromEntries(replyCounts('agt_a', reply('ok', 120, 30, 12)))).toEqual({
      answered: 1,
      inputTokens: 30,
      outputTokens: 12,
      latencyMs: 120,
      'agent#agt_a#answered': 1,
      'agent#agt_a#tokens': 42,
      'agent#agt_a#latencyMs': 120,
    });
  });

  it('fold into local days (Kathmandu, +5:45) and agents, averaging latency over answers only', () => {
    const started = (agentId: string) => startedCounts({ agentId } as Conversation);
    const summary = summarizeConversations('2026-03-01', '2026-03-03', 'Asia/Kathmandu', [
      // 23:45 local on the 1st.
      {
        bucket: '2026-03-01T18:00Z',
        counts: counts(started('agt_b'), replyCounts('agt_b', reply('ok', 100, 5, 5))),
      },
      // 00:00 local on the 2nd.
      {
        bucket: '2026-03-01T18:15Z',
        counts: counts(
          started('agt_a'),
          started('agt_a'),
          replyCounts('agt_a', reply('ok', 101, 1, 2)),
          replyCounts('agt_a', reply('ok', 200, 3, 4)),
          replyCounts('agt_a', reply('failed', 5000)),
        ),
      },
      // The 3rd: outside [from, to).
      { bucket: '2026-03-03T00:00Z', counts: counts(started('agt_c')) },
    ]);
    expect(summary.days).toEqual([
      {
        date: '2026-03-01',
        conversations: 1,
        answered: 1,
        failed: 0,
        latencyMs: 100,
        averageLatencyMs: 100,
        inputTokens: 5,
        outputTokens: 5,
      },
      {
        date: '2026-03-02',
        conversations: 2,
        answered: 2,
        failed: 1,
        latencyMs: 301,
        averageLatencyMs: 151,
        inputTokens: 4,
        outputTokens: 6,
      },
    ]);
    expect(
      summary.agents.map((a) => [a.agentId, a.conversations, a.failed, a.tokens, a.averageLatencyMs]),
    ).toEqual([
      ['agt_a', 2, 1, 10, 151],
      ['agt_b', 1, 0, 10, 100],
    ]);
  });
});
