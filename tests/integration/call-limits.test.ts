/**
 * Calls that cost money each time are bounded per org and per caller a minute: test calls (a
 * LiveKit room and the voice agent's models) and knowledge searches (an index build, BM25). Past a
 * limit the answer is 429 with Retry-After, and the refused call changes nothing: no token, no
 * stored item, no count.
 */
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { type ApiResponse, call } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

// Small limits so the test reaches them; set before the handlers read their configuration.
Object.assign(process.env, {
  TEST_CALLS_PER_ORG_PER_MINUTE: '3',
  TEST_CALLS_PER_CALLER_PER_MINUTE: '2',
  SEARCHES_PER_ORG_PER_MINUTE: '3',
  SEARCHES_PER_CALLER_PER_MINUTE: '2',
  LIVEKIT_URL: 'wss://livekit.example.test',
  LIVEKIT_API_KEY: 'devkey-call-limits',
  LIVEKIT_API_SECRET: 'dev-secret-for-call-limits-0123456789abcdef',
});

/** The buckets count per clock minute: start a test well inside one, so its calls share it. */
async function insideOneMinute() {
  const second = new Date().getUTCSeconds();
  if (second > 45) await new Promise((done) => setTimeout(done, (61 - second) * 1000));
}

/** The org, its audit trail, its knowledge and its rate buckets: what a refused call must leave. */
const everything = async (orgId: string) => ({
  ...(await tenantSnapshot(orgId)),
  knowledge: await partition(keys.knowledgePk(orgId)),
  buckets: await partition(keys.callRatePk(orgId)),
});

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const member = `member@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  await addMember(org.id, owner, member, 'member');
  return { org, owner, member };
}

function expectThrottled(res: ApiResponse, detail: RegExp) {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.body.detail).toMatch(detail);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('call limits', () => {
  it('test calls: 429 with Retry-After per caller, then per org; the refused call signs nothing and counts nothing', async () => {
    const { org, owner, member } = await team('call-limits-sessions');
    const agent = (
      await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Desk', type: 'voice' } })
    ).body as { id: string };
    const sessions = `/orgs/${org.id}/agents/${agent.id}/sessions`;
    await insideOneMinute();

    for (const _ of [1, 2]) expect((await call('POST', sessions, { as: member })).status).toBe(201);
    const before = await everything(org.id);
    const mine = await call('POST', sessions, { as: member });
    expectThrottled(mine, /You have made 2 test calls this minute/);
    expect(mine.body).not.toHaveProperty('token');
    expect(await everything(org.id)).toEqual(before);

    // Another caller has their own bucket, but the org's (3) fills with their first call.
    expect((await call('POST', sessions, { as: owner })).status).toBe(201);
    const full = await everything(org.id);
    expectThrottled(await call('POST', sessions, { as: owner }), /This organization has made 3 test calls/);
    expect(await everything(org.id)).toEqual(full);
  });

  it('knowledge searches: 429 with Retry-After per caller, then per org, changing nothing', async () => {
    const { org, owner, member } = await team('call-limits-search');
    const entry = { title: 'Refunds', content: 'Refunds take five days.' };
    expect((await call('POST', `/orgs/${org.id}/knowledge`, { as: owner, body: entry })).status).toBe(201);
    const search = (as: string) =>
      call('POST', `/orgs/${org.id}/knowledge/search`, { as, body: { query: 'refunds' } });
    await insideOneMinute();

    for (const _ of [1, 2]) expect((await search(member)).body.passages).toHaveLength(1);
    const before = await everything(org.id);
    const mine = await search(member);
    expectThrottled(mine, /You have made 2 searches this minute/);
    expect(await everything(org.id)).toEqual(before);

    expect((await search(owner)).status).toBe(200);
    const full = await everything(org.id);
    expectThrottled(await search(owner), /This organization has made 3 searches/);
    expect(await everything(org.id)).toEqual(full);
  });
});
