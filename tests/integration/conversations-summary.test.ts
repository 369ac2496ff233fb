/**
 * The conversations summary comes from counters kept in the transactions that start a
 * conversation and store a reply; after random conversations and messages through the API (the
 * LLM stand-in answering, failing with 500, 429 and malformed replies), it must equal a recount
 * from the stored conversations and messages, per local day and per agent, in zones with whole,
 * half and three-quarter hour offsets. Bad ranges are refused naming the field.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { Conversation, ConversationMessage } from '../../functions/api/schemas/conversations';
import { keys } from '../../functions/data/keys';
import { startLlmStandin } from '../../infra/local/llm-standin';
import { createAgents } from '../support/agents';
import { call } from '../support/api';
import { expectDayRangeRules } from '../support/day-range';
import { tableName, testDb } from '../support/env';
import { seededRandom } from '../support/seeded-random';
import { createOrg } from '../support/tenancy';

const standin = await startLlmStandin({ slowMs: 10_000 });
Object.assign(process.env, {
  BEDROCK_ENDPOINT: standin.url,
  LLM_TIMEOUT_MS: '1000',
  LLM_MAX_ATTEMPTS: '1',
  MESSAGES_PER_ORG_PER_MINUTE: '1000',
});
afterAll(() => standin.stop());

/** A small deterministic generator, so a failure can be replayed. */
const zones = ['UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Pacific/Kiritimati'];

async function queryAll(pk: string, prefix: string) {
  const found: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await testDb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ExclusiveStartKey: start,
      }),
    );
    found.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

type Tally = Record<string, number>;
const bump = (map: Map<string, Tally>, key: string, counts: Tally) => {
  const entry = map.get(key) ?? {};
  for (const [name, n] of Object.entries(counts)) if (n) entry[name] = (entry[name] ?? 0) + n;
  map.set(key, entry);
};

/** Per local day and per agent, straight from the stored items, with Intl as the only clock. */
async function recount(orgId: string, tz: string, from: string, to: string) {
  const dayOf = (at: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(at));
  const inRange = (at: string) => dayOf(at) >= from && dayOf(at) < to;
  const days = new Map<string, Tally>();
  const agents = new Map<string, Tally>();
  const conversations = (await queryAll(keys.org(orgId).pk, keys.conversationPrefix)) as Conversation[];
  for (const conversation of conversations) {
    if (inRange(conversation.createdAt)) {
      bump(days, dayOf(conversation.createdAt), { conversations: 1 });
      bump(agents, conversation.agentId, { conversations: 1 });
    }
    const messages = (await queryAll(
      keys.conversationPk(orgId, conversation.id),
      keys.messagePrefix,
    )) as ConversationMessage[];
    for (const m of messages) {
      if (m.role !== 'assistant' || !inRange(m.createdAt)) continue;
      const ok = m.status === 'ok';
      const latencyMs = ok ? (m.latencyMs ?? 0) : 0;
      bump(days, dayOf(m.createdAt), {
        answered: ok ? 1 : 0,
        failed: ok ? 0 : 1,
        inputTokens: m.inputTokens,
        outputTokens: m.outputTokens,
        latencyMs,
      });
      bump(agents, conversation.agentId, {
        answered: ok ? 1 : 0,
        failed: ok ? 0 : 1,
        tokens: m.inputTokens + m.outputTokens,
        latencyMs,
      });
    }
  }
  return { days, agents, conversations: conversations.length };
}

const nonZero = (row: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(names.flatMap((n) => (row[n] ? [[n, row[n] as number]] : [])));

describe('conversations summary', () => {
  it('equals a recount from the stored messages after random chats with faults, in every zone', async () => {
    const owner = 'owner@conv-summary.test';
    const orgId = (await createOrg(owner, { plan: 'starter' })).id;
    await call('POST', `/orgs/${orgId}/knowledge`, {
      as: owner,
      body: { title: 'Parking', content: 'Visitors park in the basement garage beside the lifts.' },
    });
    const agents = await createAgents(orgId, owner, 'chat', ['Ada', 'Bea', 'Cy']);
    const { next, pick } = seededRandom(13);
    const open: { agentId: string; id: string }[] = [];
    const statuses = new Map<number, number>();
    for (let step = 0; step < 40; step++) {
      if (open.length === 0 || next() < 0.3) {
        const agentId = pick(agents);
        const res = await call('POST', `/orgs/${orgId}/agents/${agentId}/conversations`, {
          as: owner,
          body: { channel: pick(['console', 'api', 'web'] as const) },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        open.push({ agentId, id: res.body.id });
        continue;
      }
      const { agentId, id } = pick(open);
      const fault = next() < 0.3 ? `[fault:${pick(['500', '429', 'malformed'])}] ` : '';
      const res = await call('POST', `/orgs/${orgId}/agents/${agentId}/conversations/${id}/messages`, {
        as: owner,
        body: { text: `${fault}Where do visitors park, question ${step}?` },
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    // Both answers and failures happened, so the comparison covers each counter.
    expect(statuses.get(201)).toBeGreaterThan(5);
    expect((statuses.get(502) ?? 0) + (statuses.get(503) ?? 0)).toBeGreaterThan(1);

    const now = Date.now();
    const from = new Date(now - 2 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(now + 2 * 86_400_000).toISOString().slice(0, 10);
    for (const tz of zones) {
      const res = await call(
        'GET',
        `/orgs/${orgId}/conversations/summary?from=${from}&to=${to}&tz=${encodeURIComponent(tz)}`,
        { as: owner },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const expected = await recount(orgId, tz, from, to);
      const days = new Map<string, Tally>();
      for (const day of res.body.days) {
        expect(day.averageLatencyMs, `${tz} ${day.date}`).toBe(
          day.answered ? Math.round(day.latencyMs / day.answered) : null,
        );
        const counts = nonZero(day, [
          'conversations',
          'answered',
          'failed',
          'inputTokens',
          'outputTokens',
          'latencyMs',
        ]);
        if (Object.keys(counts).length) days.set(day.date, counts);
      }
      expect(days, tz).toEqual(expected.days);
      expect(res.body.days.length).toBe(4);
      const byAgent = new Map<string, Tally>(
        res.body.agents.map((a: Record<string, unknown>) => [
          a.agentId,
          nonZero(a, ['conversations', 'answered', 'failed', 'tokens', 'latencyMs']),
        ]),
      );
      expect(byAgent, `${tz} agents`).toEqual(expected.agents);
      const order = res.body.agents.map((a: { conversations: number }) => a.conversations);
      expect(order).toEqual([...order].sort((a, b) => b - a));
    }
  }, 120_000);

  it('refuses a bad range or zone naming the field', async () => {
    const owner = 'owner@conv-summary-bad.test';
    const orgId = (await createOrg(owner)).id;
    const body = await expectDayRangeRules(`/orgs/${orgId}/conversations/summary`, owner);
    expect(body.agents).toEqual([]);
    expect(body.days[0]).toEqual({
      date: '2026-01-01',
      conversations: 0,
      answered: 0,
      failed: 0,
      latencyMs: 0,
      averageLatencyMs: null,
      inputTokens: 0,
      outputTokens: 0,
    });
  });
});
