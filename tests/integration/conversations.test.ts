// Every log line is written (and captured where a test greps for keys).
process.env.LOG_LEVEL = 'debug';

/**
 * Conversations through the real handlers, with the LLM stand-in as Bedrock and as an
 * OpenAI-compatible server: replies grounded in the org's knowledge (the stand-in quotes the passage
 * it was sent), the history window, every provider fault (the question kept, the reply stored as
 * failed), the rate limit, the monthly token budget, keys kept out of every item, response and log,
 * and bad input refused by field with nothing changed.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { monthlyTokens } from '../../functions/api/plans';
import { keys } from '../../functions/data/keys';
import { startLlmStandin } from '../../infra/local/llm-standin';
import { call, captureLogs } from '../support/api';
import { tableName, testDb } from '../support/env';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const standin = await startLlmStandin({ slowMs: 10_000 });
const historyMessages = 4;
const perMinute = 12;
Object.assign(process.env, {
  BEDROCK_ENDPOINT: standin.url,
  LLM_TIMEOUT_MS: '1000',
  LLM_MAX_ATTEMPTS: '1',
  HISTORY_MESSAGES: String(historyMessages),
  MESSAGES_PER_ORG_PER_MINUTE: String(perMinute),
});
afterAll(() => standin.stop());

async function team(tag: string, plan: 'free' | 'starter' = 'starter') {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan });
  await addMember(org.id, owner, `member@${tag}.test`, 'member');
  await addMember(org.id, owner, `viewer@${tag}.test`, 'viewer');
  return { org, owner, member: `member@${tag}.test`, viewer: `viewer@${tag}.test` };
}

const agentsOf = (orgId: string) => `/orgs/${orgId}/agents`;
const conversationsOf = (orgId: string, agentId: string) => `/orgs/${orgId}/agents/${agentId}/conversations`;

async function agent(orgId: string, owner: string, body: Record<string, unknown> = {}) {
  const res = await call('POST', agentsOf(orgId), {
    as: owner,
    body: { name: 'Helper', type: 'chat', ...body },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; llm: unknown };
}

async function entry(orgId: string, as: string, title: string, content: string) {
  const res = await call('POST', `/orgs/${orgId}/knowledge`, { as, body: { title, content } });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
}

async function start(orgId: string, agentId: string, as: string) {
  const res = await call('POST', conversationsOf(orgId, agentId), { as, body: { channel: 'console' } });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

const send = (orgId: string, agentId: string, conversationId: string, as: string, text: string) =>
  call('POST', `${conversationsOf(orgId, agentId)}/${conversationId}/messages`, { as, body: { text } });

const messagesOf = async (orgId: string, agentId: string, conversationId: string, as: string) =>
  (await call('GET', `${conversationsOf(orgId, agentId)}/${conversationId}/messages?limit=100`, { as })).body
    .items as { role: string; status: string; text: string; error: string | null }[];

/** A small bank whose entries share no topic words, so the stand-in's pick is unambiguous. */
async function bank(orgId: string, owner: string) {
  return {
    refunds: await entry(
      orgId,
      owner,
      'Refunds',
      'Refunds reach the original card within five working days.',
    ),
    parking: await entry(orgId, owner, 'Parking', 'Visitors park in the basement garage beside the lifts.'),
    wifi: await entry(orgId, owner, 'Guest network', 'The guest wireless password is printed at reception.'),
  };
}

describe('conversations', () => {
  it('answers a member from the knowledge the question targets, citing it, with tokens and latency', async () => {
    const { org, owner, member, viewer } = await team('conv-cite');
    const { id: agentId } = await agent(org.id, owner);
    const entries = await bank(org.id, owner);

    expect(
      (await call('POST', conversationsOf(org.id, agentId), { as: viewer, body: { channel: 'console' } }))
        .status,
    ).toBe(403);
    const created = await call('POST', conversationsOf(org.id, agentId), {
      as: member,
      body: {
        channel: 'web',
        contact: { name: 'Ada Visitor', email: 'Ada@Example.com', phone: '+14155550123' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      agentId,
      channel: 'web',
      contact: { name: 'Ada Visitor', email: 'ada@example.com', phone: '+14155550123' },
      createdBy: { kind: 'member' },
      messageCount: 0,
    });
    const conversationId = created.body.id;

    const res = await send(org.id, agentId, conversationId, member, 'Where do visitors park their car?');
    expect(res.status).toBe(201);
    const { message, reply } = res.body;
    expect(message).toMatchObject({ role: 'user', status: 'ok', text: 'Where do visitors park their car?' });
    expect(reply).toMatchObject({
      role: 'assistant',
      status: 'ok',
      error: null,
      model: 'bedrock:amazon.nova-lite-v1:0',
    });
    expect(reply.text).toContain(`[entry:${entries.parking.id}]`);
    expect(reply.text).toContain('basement garage');
    const cited = reply.citations.filter((c: { cited: boolean }) => c.cited);
    expect(cited).toEqual([
      { entryId: entries.parking.id, title: 'Parking', heading: null, chunk: 0, cited: true },
    ]);
    expect(reply.outputTokens).toBe(reply.text.match(/[\p{L}\p{N}]+/gu).length);
    expect(reply.inputTokens).toBeGreaterThan(0);
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    // The model was sent the passages with their ids, the question last.
    const sent = standin.requests.at(-1)!;
    expect(sent.system).toContain(`[entry:${entries.parking.id}] Parking`);
    expect(sent.messages).toEqual([{ role: 'user', text: 'Where do visitors park their car?' }]);

    const got = await call('GET', `${conversationsOf(org.id, agentId)}/${conversationId}`, { as: viewer });
    expect(got.body).toMatchObject({
      messageCount: 2,
      failedCount: 0,
      inputTokens: reply.inputTokens,
      outputTokens: reply.outputTokens,
    });
    expect(await messagesOf(org.id, agentId, conversationId, viewer)).toMatchObject([
      { role: 'user', text: 'Where do visitors park their car?' },
      { role: 'assistant', text: reply.text },
    ]);
    const usage = await call('GET', `/orgs/${org.id}/conversations/usage`, { as: viewer });
    expect(usage.body).toMatchObject({
      plan: 'starter',
      monthlyTokens: monthlyTokens.starter,
      usedTokens: reply.inputTokens + reply.outputTokens,
      replies: 1,
    });
    const audit = await partition(keys.auditPk(org.id));
    expect(audit.filter((a) => a.action === 'conversation.started')).toHaveLength(1);
  });

  it('sees a knowledge edit on the very next message', async () => {
    const { org, owner, member } = await team('conv-fresh');
    const { id: agentId } = await agent(org.id, owner);
    const entries = await bank(org.id, owner);
    const { id: conversationId } = await start(org.id, agentId, member);
    const first = await send(org.id, agentId, conversationId, member, 'How long do refunds take?');
    expect(first.body.reply.text).toContain('five working days');

    const edited = await call('PATCH', `/orgs/${org.id}/knowledge/${entries.refunds.id}`, {
      as: owner,
      body: { content: 'Refunds reach the original card within ten working days since March.' },
    });
    expect(edited.status).toBe(200);
    const second = await send(org.id, agentId, conversationId, member, 'How long do refunds take now?');
    expect(second.body.reply.text).toContain('ten working days');
    expect(second.body.reply.text).toContain(`[entry:${entries.refunds.id}]`);
  });

  it('a shared-in agent uses only the knowledge limited to it by name (its owner’s and this org’s), as test retrieval shows', async () => {
    const { org: owners, owner } = await team('conv-shared-owner');
    const { org: theirs, owner: theirOwner, member } = await team('conv-shared-target');
    await addMember(theirs.id, theirOwner, owner, 'admin');
    const { id: agentId } = await agent(owners.id, owner);
    const limited = async (orgId: string, as: string, title: string, content: string) => {
      const res = await call('POST', `/orgs/${orgId}/knowledge`, {
        as,
        body: { title, content, agentIds: [agentId] },
      });
      expect(res.status).toBe(201);
      return res.body as { id: string };
    };
    // The owner's bank: entries for every agent, and one given to this agent by name.
    const general = await bank(owners.id, owner);
    const shuttle = await limited(
      owners.id,
      owner,
      'Shuttle',
      'The airport shuttle leaves hourly from gate four.',
    );
    const shared = await call('POST', `${agentsOf(owners.id)}/${agentId}/shares`, {
      as: owner,
      body: { targetOrgId: theirs.id },
    });
    expect(shared.status).toBe(201);
    // The receiving org's bank: one entry for every agent, one limited to the shared-in agent.
    const lockers = await entry(theirs.id, theirOwner, 'Lockers', 'Coat lockers stand beside the cloakroom.');
    const bicycles = await limited(theirs.id, theirOwner, 'Bicycles', 'Bicycles go in the courtyard rack.');
    // Written after the share: the owner's entries for every agent stay the owner's, later ones too.
    const later = await entry(owners.id, owner, 'Cafeteria', 'The cafeteria serves lunch from noon.');
    const hidden = [general.refunds, general.parking, general.wifi, later, lockers].map((e) => e.id);

    const { id: conversationId } = await start(theirs.id, agentId, member);
    const questions: [string, string | null][] = [
      ['Where do visitors park their car?', null],
      ['How long do refunds take?', null],
      ['What is the guest wireless password?', null],
      ['When does the cafeteria serve lunch?', null],
      ['Where are the coat lockers?', null],
      ['When does the airport shuttle leave?', shuttle.id],
      ['Where do bicycles go?', bicycles.id],
    ];
    for (const [question, expected] of questions) {
      const res = await send(theirs.id, agentId, conversationId, member, question);
      expect(res.status, question).toBe(201);
      const { reply } = res.body;
      const sent = standin.requests.at(-1)!;
      for (const id of hidden) {
        expect(sent.system, question).not.toContain(id);
        expect(reply.text, question).not.toContain(id);
      }
      for (const text of [
        'basement garage',
        'five working days',
        'printed at reception',
        'from noon',
        'cloakroom',
      ]) {
        expect(sent.system, question).not.toContain(text);
      }
      const cited = reply.citations.map((c: { entryId: string }) => c.entryId);
      expect(
        cited.every((id: string) => id === shuttle.id || id === bicycles.id),
        question,
      ).toBe(true);
      if (expected) expect(reply.text, question).toContain(`[entry:${expected}]`);

      // Testing retrieval in the receiving org as this agent returns exactly what it was sent.
      const tested = await call('POST', `/orgs/${theirs.id}/knowledge/search`, {
        as: member,
        body: { query: question, agentId, limit: 4 },
      });
      expect(tested.status).toBe(200);
      expect(
        tested.body.passages.map((p: { entryId: string; chunk: number }) => [p.entryId, p.chunk]),
        question,
      ).toEqual(reply.citations.map((c: { entryId: string; chunk: number }) => [c.entryId, c.chunk]));
    }

    // In its own org the agent still answers from the owner's entries for every agent.
    const { id: ownConversation } = await start(owners.id, agentId, owner);
    const own = await send(owners.id, agentId, ownConversation, owner, 'Where do visitors park their car?');
    expect(own.body.reply.text).toContain(`[entry:${general.parking.id}]`);
  });

  it('sends a bounded history window: at most N earlier messages however long the conversation', async () => {
    const { org, owner, member } = await team('conv-window');
    const { id: agentId } = await agent(org.id, owner);
    await bank(org.id, owner);
    const { id: conversationId } = await start(org.id, agentId, member);
    for (let i = 1; i <= 6; i++) {
      const res = await send(org.id, agentId, conversationId, member, `Question ${i} about parking`);
      expect(res.status).toBe(201);
      const sent = standin.requests.at(-1)!;
      expect(sent.messages.length).toBe(Math.min(2 * (i - 1), historyMessages) + 1);
      expect(sent.messages.at(-1)).toEqual({ role: 'user', text: `Question ${i} about parking` });
      expect(sent.messages[0]!.role).toBe('user');
    }
    // The newest exchanges are the ones kept.
    expect(
      standin.requests
        .at(-1)!
        .messages.map((m) => m.text)
        .filter((t) => t.startsWith('Question')),
    ).toEqual(['Question 4 about parking', 'Question 5 about parking', 'Question 6 about parking']);
  });

  it.each([
    ['slow', 502, 'The model did not answer within 1 s.'],
    ['429', 503, 'The model provider is limiting requests (429); retry in a moment.'],
    ['500', 502, 'The model provider failed: Bedrock InternalServerException (HTTP 500).'],
    ['malformed', 502, 'The model provider sent a reply that could not be read.'],
  ])(
    'a %s provider keeps the question and stores the reply as failed (%i)',
    async (fault, status, detail) => {
      const { org, owner, member } = await team(`conv-fault-${fault}`);
      const { id: agentId } = await agent(org.id, owner);
      await bank(org.id, owner);
      const { id: conversationId } = await start(org.id, agentId, member);
      const res = await send(org.id, agentId, conversationId, member, `[fault:${fault}] where to park?`);
      expect(res.status).toBe(status);
      expect(res.body.detail).toBe(detail);
      expect(await messagesOf(org.id, agentId, conversationId, member)).toMatchObject([
        { role: 'user', status: 'ok', text: `[fault:${fault}] where to park?` },
        { role: 'assistant', status: 'failed', text: '', error: detail },
      ]);
      const got = await call('GET', `${conversationsOf(org.id, agentId)}/${conversationId}`, { as: member });
      expect(got.body).toMatchObject({ messageCount: 2, failedCount: 1, inputTokens: 0, outputTokens: 0 });
      // The failed exchange stays out of the next message's history.
      const next = await send(org.id, agentId, conversationId, member, 'where do visitors park?');
      expect(next.status).toBe(201);
      expect(standin.requests.at(-1)!.messages).toEqual([{ role: 'user', text: 'where do visitors park?' }]);
    },
  );

  it('limits messages per org per minute: 429 with Retry-After, the refused message not stored', async () => {
    const { org, owner, member } = await team('conv-rate');
    const { id: agentId } = await agent(org.id, owner);
    const { id: conversationId } = await start(org.id, agentId, member);
    // Start at the top of a minute so the whole burst falls in one window.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));
    for (let i = 0; i < perMinute; i++) {
      expect((await send(org.id, agentId, conversationId, member, `hello ${i}`)).status).toBe(201);
    }
    const refused = await send(org.id, agentId, conversationId, member, 'one too many');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const stored = await messagesOf(org.id, agentId, conversationId, member);
    expect(stored).toHaveLength(2 * perMinute);
    expect(stored.map((m) => m.text)).not.toContain('one too many');
  }, 120_000);

  it('refuses messages once the month’s token budget is spent (422), storing nothing; usage shows it', async () => {
    const { org, owner, member } = await team('conv-budget', 'free');
    const { id: agentId } = await agent(org.id, owner);
    const { id: conversationId } = await start(org.id, agentId, member);
    expect((await send(org.id, agentId, conversationId, member, 'hello')).status).toBe(201);
    const month = new Date().toISOString().slice(0, 7);
    await testDb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.tokenUsage(org.id, month),
          type: 'TOKEN_USAGE',
          tokens: monthlyTokens.free,
          inputTokens: monthlyTokens.free - 10,
          outputTokens: 10,
          replies: 1,
        },
      }),
    );
    const before = await partition(keys.conversationPk(org.id, conversationId));
    const refused = await send(org.id, agentId, conversationId, member, 'are you there?');
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain('100,000 model tokens this month');
    expect(await partition(keys.conversationPk(org.id, conversationId))).toEqual(before);
    const usage = await call('GET', `/orgs/${org.id}/conversations/usage?month=${month}`, { as: member });
    expect(usage.body).toMatchObject({ plan: 'free', usedTokens: monthlyTokens.free, remainingTokens: 0 });
    const lastMonth = await call('GET', `/orgs/${org.id}/conversations/usage?month=2020-01`, { as: member });
    expect(lastMonth.body).toMatchObject({ usedTokens: 0, remainingTokens: monthlyTokens.free, replies: 0 });
  });

  it('lists conversations newest first: all, by agent and by UTC day, each a page of its own list', async () => {
    const { org, owner, member, viewer } = await team('conv-lists');
    const [a, b] = [await agent(org.id, owner, { name: 'A' }), await agent(org.id, owner, { name: 'B' })];
    const c1 = await start(org.id, a.id, member);
    const c2 = await start(org.id, b.id, member);
    const c3 = await start(org.id, a.id, owner);
    const list = async (query: string) =>
      (await call('GET', `/orgs/${org.id}/conversations${query}`, { as: viewer })).body.items.map(
        (c: { id: string }) => c.id,
      );
    expect(await list('')).toEqual([c3.id, c2.id, c1.id]);
    expect(await list(`?agentId=${a.id}`)).toEqual([c3.id, c1.id]);
    expect(await list(`?agentId=${b.id}`)).toEqual([c2.id]);
    expect(await list(`?day=${new Date().toISOString().slice(0, 10)}`)).toEqual([c3.id, c2.id, c1.id]);
    expect(await list('?day=2020-01-01')).toEqual([]);
    const first = await call('GET', `/orgs/${org.id}/conversations?limit=2`, { as: viewer });
    expect(first.body.items).toHaveLength(2);
    const rest = await call(
      'GET',
      `/orgs/${org.id}/conversations?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      {
        as: viewer,
      },
    );
    expect(rest.body.items.map((c: { id: string }) => c.id)).toEqual([c1.id]);
    // Another agent's path to the same conversation is a 404.
    expect((await call('GET', `${conversationsOf(org.id, b.id)}/${c1.id}`, { as: viewer })).status).toBe(404);
    expect(
      (await call('GET', `${conversationsOf(org.id, b.id)}/${c1.id}/messages`, { as: viewer })).status,
    ).toBe(404);
    expect((await send(org.id, b.id, c1.id, member, 'hi')).status).toBe(404);
  });

  it('answers through an openai-compatible LLM whose key is in no item, response or log', async () => {
    const { org, owner, member } = await team('conv-openai');
    const apiKey = 'sk-CONV-secret-key-4242-zzzz';
    const { result, output } = await captureLogs(async () => {
      const created = await agent(org.id, owner, {
        llm: { provider: 'openai-compatible', baseUrl: standin.openAiBaseUrl, model: 'local-model', apiKey },
      });
      const entries = await bank(org.id, owner);
      const { id: conversationId } = await start(org.id, created.id, member);
      const res = await send(
        org.id,
        created.id,
        conversationId,
        member,
        'What is the guest wireless password?',
      );
      const got = await call('GET', `${agentsOf(org.id)}/${created.id}`, { as: owner });
      return { created, entries, res, got, conversationId };
    });
    expect(result.created.llm).toEqual({
      provider: 'openai-compatible',
      baseUrl: standin.openAiBaseUrl,
      model: 'local-model',
      temperature: 0.2,
      maxTokens: 1024,
      apiKey: { set: true, last4: 'zzzz' },
    });
    expect(result.res.status).toBe(201);
    expect(result.res.body.reply.model).toBe('openai-compatible:local-model');
    expect(result.res.body.reply.text).toContain(`[entry:${result.entries.wifi.id}]`);
    expect(standin.requests.at(-1)!.headers.authorization).toBe(`Bearer ${apiKey}`);

    const items = [
      ...(await partition(keys.org(org.id).pk)),
      ...(await partition(keys.auditPk(org.id))),
      ...(await partition(keys.conversationPk(org.id, result.conversationId))),
    ];
    for (const text of [
      JSON.stringify(items),
      JSON.stringify(result.res.body),
      JSON.stringify(result.got.body),
      output,
    ]) {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain('sk-CONV-secret');
    }
    expect(output).toContain('"level"');
  });

  it('takes LLM settings with the agent: Bedrock models from the allow-list, https servers, keys write-only', async () => {
    const { org, owner } = await team('conv-llm-config');
    const bad = async (body: Record<string, unknown>, field: string) => {
      const before = await tenantSnapshot(org.id);
      const res = await call('POST', agentsOf(org.id), {
        as: owner,
        body: { name: 'X', type: 'chat', ...body },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await tenantSnapshot(org.id)).toEqual(before);
    };
    await bad({ llm: { provider: 'bedrock', modelId: 'gpt-4o' } }, 'llm.modelId');
    await bad(
      { llm: { provider: 'bedrock', modelId: 'amazon.nova-micro-v1:0', apiKey: 'abcdefgh1234' } },
      'llm.apiKey',
    );
    await bad(
      { llm: { provider: 'openai-compatible', baseUrl: 'http://models.example.com/v1', model: 'm' } },
      'llm.baseUrl',
    );
    await bad(
      { llm: { provider: 'openai-compatible', baseUrl: 'https://x.example.com/v1', model: '' } },
      'llm.model',
    );
    await bad(
      { llm: { provider: 'bedrock', modelId: 'amazon.nova-micro-v1:0', temperature: 3 } },
      'llm.temperature',
    );
    await bad({ llm: { provider: 'gemini' } }, 'llm.provider');

    const made = await agent(org.id, owner, {
      llm: { provider: 'bedrock', modelId: 'amazon.nova-micro-v1:0', maxTokens: 300 },
    });
    expect(made.llm).toEqual({
      provider: 'bedrock',
      modelId: 'amazon.nova-micro-v1:0',
      temperature: 0.2,
      maxTokens: 300,
    });
    const switched = await call('PATCH', `${agentsOf(org.id)}/${made.id}`, {
      as: owner,
      body: {
        llm: {
          provider: 'openai-compatible',
          baseUrl: 'https://llm.example.com/v1',
          model: 'm',
          apiKey: 'key-1234-abcd',
        },
      },
    });
    expect(switched.body.llm.apiKey).toEqual({ set: true, last4: 'abcd' });
    const kept = await call('PATCH', `${agentsOf(org.id)}/${made.id}`, {
      as: owner,
      body: { llm: { provider: 'openai-compatible', baseUrl: 'https://llm.example.com/v2', model: 'm' } },
    });
    expect(kept.body.llm).toMatchObject({
      baseUrl: 'https://llm.example.com/v2',
      apiKey: { set: true, last4: 'abcd' },
    });
    const back = await call('PATCH', `${agentsOf(org.id)}/${made.id}`, {
      as: owner,
      body: { llm: { provider: 'bedrock', modelId: 'amazon.nova-pro-v1:0' } },
    });
    expect(back.body.llm).toEqual({
      provider: 'bedrock',
      modelId: 'amazon.nova-pro-v1:0',
      temperature: 0.2,
      maxTokens: 1024,
    });
    const none = await call('PATCH', `${agentsOf(org.id)}/${made.id}`, { as: owner, body: { llm: null } });
    expect(none.body.llm).toBeNull();
  });

  it('refuses bad input on every route with a 400 naming the field, changing nothing', async () => {
    const { org, owner, member } = await team('conv-bad');
    const { id: agentId } = await agent(org.id, owner);
    const { id: conversationId } = await start(org.id, agentId, member);
    const base = conversationsOf(org.id, agentId);
    const cases: [string, string, unknown, string][] = [
      ['POST', base, { channel: 'fax' }, 'channel'],
      ['POST', base, {}, 'channel'],
      ['POST', base, { channel: 'web', contact: { email: 'not-an-email' } }, 'contact.email'],
      ['POST', base, { channel: 'web', contact: { phone: '0123' } }, 'contact.phone'],
      ['POST', base, { channel: 'api', extra: 1 }, 'extra'],
      ['POST', `/orgs/${org.id}/agents/agt_nope/conversations`, { channel: 'api' }, 'agentId'],
      ['POST', `${base}/${conversationId}/messages`, { text: '' }, 'text'],
      ['POST', `${base}/${conversationId}/messages`, { text: '   ' }, 'text'],
      ['POST', `${base}/${conversationId}/messages`, { text: 'x'.repeat(4097) }, 'text'],
      ['POST', `${base}/${conversationId}/messages`, {}, 'text'],
      ['POST', `${base}/cnv_bad/messages`, { text: 'hi' }, 'conversationId'],
      ['GET', `${base}/cnv_bad`, undefined, 'conversationId'],
      ['GET', `${base}/${conversationId}/messages?limit=0`, undefined, 'limit'],
      ['GET', `${base}/${conversationId}/messages?cursor=forged`, undefined, 'cursor'],
      ['GET', `/orgs/${org.id}/conversations?agentId=${agentId}&day=2026-01-01`, undefined, 'day'],
      ['GET', `/orgs/${org.id}/conversations?day=yesterday`, undefined, 'day'],
      ['GET', `/orgs/${org.id}/conversations?agentId=bob`, undefined, 'agentId'],
      ['GET', `/orgs/${org.id}/conversations/usage?month=2026-13`, undefined, 'month'],
    ];
    const before = await tenantSnapshot(org.id);
    const messagesBefore = await partition(keys.conversationPk(org.id, conversationId));
    for (const [method, path, body, field] of cases) {
      const res = await call(method, path, { as: member, ...(body === undefined ? {} : { body }) });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        `${method} ${path}`,
      ).toContain(field);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(await partition(keys.conversationPk(org.id, conversationId))).toEqual(messagesBefore);
    // An unknown agent or conversation is a 404, an inactive agent a 422.
    expect(
      (
        await call('POST', conversationsOf(org.id, 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV'), {
          as: member,
          body: { channel: 'api' },
        })
      ).status,
    ).toBe(404);
    expect((await send(org.id, agentId, 'cnv_01ARZ3NDEKTSV4RRFFQ69G5FAV', member, 'hi')).status).toBe(404);
    await call('PATCH', `${agentsOf(org.id)}/${agentId}`, { as: owner, body: { status: 'inactive' } });
    expect((await send(org.id, agentId, conversationId, member, 'hi')).status).toBe(422);
    expect((await call('POST', base, { as: member, body: { channel: 'api' } })).status).toBe(422);
  });

  it('deleting the org removes its conversations, their messages and its token counters', async () => {
    const { org, owner, member } = await team('conv-delete');
    const { id: agentId } = await agent(org.id, owner);
    const { id: conversationId } = await start(org.id, agentId, member);
    expect((await send(org.id, agentId, conversationId, member, 'hello')).status).toBe(201);
    expect(await partition(keys.conversationPk(org.id, conversationId))).toHaveLength(2);
    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);
    expect(await partition(keys.conversationPk(org.id, conversationId))).toEqual([]);
    expect(await partition(keys.org(org.id).pk)).toEqual([]);
  });
});
