/**
 * The monthly token budget when messages race for it: each message reserves the most it may spend
 * (what it sends, counted as one token per byte, plus the agent's maxTokens) in its question's
 * transaction and settles it when the reply is stored, so concurrent messages cannot together pass
 * the budget, and a failed reply gives its reservation back. The stand-in answers `[fault:slow]`
 * messages after 1.5 s, so every racing question is stored before any reply.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultLlm } from '../../functions/api/llm';
import { monthlyTokens } from '../../functions/api/plans';
import { keys } from '../../functions/data/keys';
import { startLlmStandin } from '../../infra/local/llm-standin';
import { call } from '../support/api';
import { tableName, testDb } from '../support/env';
import { createOrg, partition } from '../support/tenancy';

const standin = await startLlmStandin({ slowMs: 1500 });
Object.assign(process.env, {
  BEDROCK_ENDPOINT: standin.url,
  LLM_TIMEOUT_MS: '10000',
  LLM_MAX_ATTEMPTS: '1',
  MESSAGES_PER_ORG_PER_MINUTE: '1000',
});
afterAll(() => standin.stop());

const budget = monthlyTokens.free;
/** The agent's longest reply: most of each reservation, so a test can tell how many fit. */
const maxTokens = 8192;
const month = () => new Date().toISOString().slice(0, 7);

/** A free org (its budget) with one agent allowed replies of `maxTokens`. */
async function setup(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner);
  const agent = await call('POST', `/orgs/${org.id}/agents`, {
    as: owner,
    body: { name: 'Helper', type: 'chat', llm: { ...defaultLlm, maxTokens } },
  });
  expect(agent.status).toBe(201);
  const conversations = `/orgs/${org.id}/agents/${agent.body.id}/conversations`;
  return {
    org,
    /** A new conversation's message path. */
    async conversation() {
      const res = await call('POST', conversations, { as: owner, body: { channel: 'console' } });
      expect(res.status).toBe(201);
      return `${conversations}/${res.body.id}/messages`;
    },
    send: (path: string, text: string) => call('POST', path, { as: owner, body: { text } }),
  };
}

/** The month's counter as if `tokens` had been spent already. */
const spend = (orgId: string, tokens: number) =>
  testDb.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...keys.tokenUsage(orgId, month()),
        type: 'TOKEN_USAGE',
        tokens,
        inputTokens: tokens,
        outputTokens: 0,
        replies: 1,
      },
    }),
  );

async function counter(orgId: string) {
  const { Item } = await testDb.send(
    new GetCommand({ TableName: tableName, Key: keys.tokenUsage(orgId, month()), ConsistentRead: true }),
  );
  return Item as { tokens: number; inputTokens: number; outputTokens: number; replies: number };
}

describe('the monthly token budget under concurrent messages', () => {
  it('answers only the racing messages whose reservations fit (422 for the others, nothing stored) and settles every reservation', async () => {
    const { org, conversation, send } = await setup('budget-race');
    // Room for two reservations (each a little over maxTokens), not three.
    const used = budget - (2 * maxTokens + 3000);
    await spend(org.id, used);
    const paths = await Promise.all(Array.from({ length: 6 }, () => conversation()));
    const results = await Promise.all(paths.map((path, i) => send(path, `[fault:slow] hello ${i}`)));

    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422, 422]);
    for (const refused of results.filter((r) => r.status === 422)) {
      expect(refused.body.detail).toMatch(/^This message may use up to [\d,]+ model tokens/);
      expect(refused.body.detail).toContain('of the plan’s 100,000 this month are free');
    }
    for (const [i, path] of paths.entries()) {
      const stored = (await call('GET', path, { as: 'owner@budget-race.test' })).body.items;
      expect(stored).toHaveLength(results[i]!.status === 201 ? 2 : 0);
    }
    // Every reservation settled: the counter holds what the two replies spent, no more.
    const after = await counter(org.id);
    const spent = results
      .filter((r) => r.status === 201)
      .reduce((n, r) => n + r.body.reply.inputTokens + r.body.reply.outputTokens, 0);
    expect([after.tokens, after.inputTokens + after.outputTokens, after.replies]).toEqual([
      used + spent,
      used + spent,
      3,
    ]);
    expect(after.tokens).toBeLessThanOrEqual(budget);
  });

  it('never lets racing messages take a nearly spent budget past its end', async () => {
    const { org, conversation, send } = await setup('budget-edge');
    await spend(org.id, budget - 10);
    const paths = await Promise.all(Array.from({ length: 4 }, () => conversation()));
    const results = await Promise.all(paths.map((path) => send(path, '[fault:slow] one more answer')));

    expect(results.map((r) => r.status)).toEqual([422, 422, 422, 422]);
    expect(results[0]!.body.detail).toContain('and 10 of the plan’s 100,000 this month are free');
    const usage = await call('GET', `/orgs/${org.id}/conversations/usage`, { as: 'owner@budget-edge.test' });
    expect(usage.body).toMatchObject({ usedTokens: budget - 10, remainingTokens: 10 });
    expect((await counter(org.id)).tokens).toBe(budget - 10);
  });

  it('releases the reservation of a reply the model failed, so the next message may use it', async () => {
    const { org, conversation, send } = await setup('budget-release');
    // Room for one reservation only.
    const used = budget - (maxTokens + 3000);
    await spend(org.id, used);
    const path = await conversation();

    const failed = await send(path, '[fault:500] hello');
    expect(failed.status).toBe(502);
    expect((await counter(org.id)).tokens).toBe(used);
    const answered = await send(path, 'hello again');
    expect(answered.status).toBe(201);
    const { reply } = answered.body;
    expect(await counter(org.id)).toMatchObject({
      tokens: used + reply.inputTokens + reply.outputTokens,
      replies: 2,
    });
    expect(await partition(keys.conversationPk(org.id, reply.conversationId))).toHaveLength(4);
  });
});
