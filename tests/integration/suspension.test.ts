/**
 * A suspended org's agents stop everywhere, not only on its org routes: the voice runtime refuses
 * them (as it refuses an inactive agent), orgs they are shared with cannot chat with them or call
 * them, LiveKit's webhooks about their rooms record nothing, and their numbers' SIP dispatch rules
 * are deleted on suspension and made again on reactivation. Through the real handlers, the LiveKit
 * stand-in (calls and signed webhooks over HTTP) and the dev Cognito's runtime client.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SipClient, WebhookEvent } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { routeNumber } from '../../functions/adapters/livekit';
import { call } from '../support/api';
import { runtimeToken } from '../support/dev-cognito';
import { tableName, testDb } from '../support/env';
import { livekitStandinForFile, receiveWebhooksFrom } from '../support/livekit';
import { addMember, createOrg, tenantSnapshot } from '../support/tenancy';

const apiKey = 'devkey-suspension';
const apiSecret = 'dev-secret-for-suspension-0123456789abcdef';
const trunkId = 'ST_suspension';
const standin = await livekitStandinForFile({ apiKey, apiSecret, trunkId });

await receiveWebhooksFrom(standin);

const root = 'root@platform.test';
const suspendedByPlatform =
  'The agent’s organization is suspended by the platform operator; its agents do not run until it is reactivated.';
const sharedFromSuspended =
  'The organization that shares this agent is suspended by the platform operator; the agent cannot be used until it is reactivated.';

const suspend = (orgId: string) => call('POST', `/admin/orgs/${orgId}/suspend`, { as: root });
const reactivate = (orgId: string) => call('POST', `/admin/orgs/${orgId}/reactivate`, { as: root });

async function voiceAgent(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const res = await call('POST', `/orgs/${org.id}/agents`, {
    as: owner,
    body: { name: 'Reception', type: 'voice' },
  });
  expect(res.status).toBe(201);
  return { owner, org, agent: res.body as { id: string; version: number } };
}

const callTasks = async (orgId: string, as: string) =>
  ((await call('GET', `/orgs/${orgId}/tasks`, { as })).body.items as Record<string, any>[]).filter(
    (t) => t.type === 'call',
  );
const numberPath = (orgId: string, e164: string) =>
  `/orgs/${orgId}/phone-numbers/${encodeURIComponent(e164)}`;
const rulesFor = (e164: string) => standin.dispatchRules().filter((r) => r.numbers.includes(e164));
const storedRule = async (orgId: string, e164: string) =>
  (
    await testDb.send(
      new GetCommand({ TableName: tableName, Key: { pk: `ORG#${orgId}`, sk: `PHONE#${e164}` } }),
    )
  ).Item?.sipDispatchRuleId as string | null | undefined;

describe('the voice runtime', () => {
  it('refuses (403, saying why) the agent of a suspended org, and an inactive agent; serves them again after', async () => {
    const { owner, org, agent } = await voiceAgent('suspended-runtime');
    const token = await runtimeToken();
    const path = `/runtime/agents/${agent.id}`;
    expect((await call('GET', path, { token })).status).toBe(200);

    expect((await suspend(org.id)).status).toBe(200);
    const refused = await call('GET', path, { token });
    expect([refused.status, refused.body.detail]).toEqual([403, suspendedByPlatform]);
    expect((await reactivate(org.id)).status).toBe(200);
    expect((await call('GET', path, { token })).status).toBe(200);

    const inactive = await call('PATCH', `/orgs/${org.id}/agents/${agent.id}`, {
      as: owner,
      headers: { 'if-match': `"${agent.version}"` },
      body: { status: 'inactive' },
    });
    expect(inactive.status).toBe(200);
    const off = await call('GET', path, { token });
    expect([off.status, off.body.detail]).toEqual([
      403,
      'The agent is inactive; its organization switched it off, so it does not run.',
    ]);
  });
});

describe('an agent shared from a suspended org', () => {
  it('cannot be chatted with or called from the org it is shared with (403, saying why) until reactivation', async () => {
    const { owner, org: owners, agent } = await voiceAgent('suspended-share-owner');
    const theirOwner = 'owner@suspended-share-target.test';
    const theirs = await createOrg(theirOwner, { plan: 'starter' });
    await addMember(theirs.id, theirOwner, owner, 'admin');
    const shared = await call('POST', `/orgs/${owners.id}/agents/${agent.id}/shares`, {
      as: owner,
      body: { targetOrgId: theirs.id },
    });
    expect(shared.status).toBe(201);
    const conversations = `/orgs/${theirs.id}/agents/${agent.id}/conversations`;
    const started = await call('POST', conversations, { as: theirOwner, body: { channel: 'console' } });
    expect(started.status).toBe(201);

    expect((await suspend(owners.id)).status).toBe(200);
    const before = await tenantSnapshot(theirs.id);
    const refusals = [
      await call('POST', conversations, { as: theirOwner, body: { channel: 'console' } }),
      await call('POST', `${conversations}/${started.body.id}/messages`, {
        as: theirOwner,
        body: { text: 'Hello?' },
      }),
      await call('POST', `/orgs/${theirs.id}/agents/${agent.id}/sessions`, { as: theirOwner }),
    ];
    for (const res of refusals) expect([res.status, res.body.detail]).toEqual([403, sharedFromSuspended]);
    expect(await tenantSnapshot(theirs.id)).toEqual(before);
    // Reading it stays possible: the receiving org still sees what is shared with it.
    expect((await call('GET', `/orgs/${theirs.id}/agents/${agent.id}`, { as: theirOwner })).status).toBe(200);

    expect((await reactivate(owners.id)).status).toBe(200);
    expect((await call('POST', conversations, { as: theirOwner, body: { channel: 'console' } })).status).toBe(
      201,
    );
  });
});

describe('LiveKit webhooks', () => {
  const roomEvents = (roomName: string, tag: string) =>
    ['room_started', 'room_finished'].map((event, i) =>
      WebhookEvent.fromJson({
        event,
        id: `EV_${tag}_${i}`,
        createdAt: String(1767225600 + i * 60),
        room: { sid: `RM_${tag}`, name: roomName, creationTime: '1767225600' },
      }),
    );

  it('record nothing for a suspended org’s rooms, nor for an inactive agent’s (200 ignored)', async () => {
    const { owner, org, agent } = await voiceAgent('suspended-webhooks');
    const room = `${org.id}-${agent.id}-0123456789ab`;
    expect((await suspend(org.id)).status).toBe(200);
    const before = await tenantSnapshot(org.id);
    for (const event of roomEvents(room, 'suspended')) {
      const res = await standin.sendWebhook(event);
      expect([res.status, JSON.parse(res.body)]).toEqual([200, { outcome: 'ignored' }]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect((await reactivate(org.id)).status).toBe(200);

    const inactive = await call('PATCH', `/orgs/${org.id}/agents/${agent.id}`, {
      as: owner,
      headers: { 'if-match': `"${agent.version}"` },
      body: { status: 'inactive' },
    });
    expect(inactive.status).toBe(200);
    for (const event of roomEvents(room, 'inactive')) {
      const res = await standin.sendWebhook(event);
      expect([res.status, JSON.parse(res.body)]).toEqual([200, { outcome: 'ignored' }]);
    }
    expect(await callTasks(org.id, owner)).toEqual([]);
  });
});

describe('SIP dispatch rules', () => {
  async function withNumbers(tag: string, numbers: string[]) {
    const { owner, org, agent } = await voiceAgent(tag);
    for (const e164 of numbers) {
      expect(
        (await call('POST', `/orgs/${org.id}/phone-numbers`, { as: owner, body: { e164 } })).status,
      ).toBe(201);
      const assigned = await call('PATCH', numberPath(org.id, e164), {
        as: owner,
        body: { agentId: agent.id },
      });
      expect(assigned.status).toBe(200);
    }
    return { owner, org, agent };
  }

  it('suspension deletes the org’s rules, so its numbers take no calls; reactivation makes them again', async () => {
    const numbers = ['+14155550181', '+14155550182'];
    const { owner, org, agent } = await withNumbers('suspended-sip', numbers);
    for (const e164 of numbers) expect(rulesFor(e164)).toHaveLength(1);

    expect((await suspend(org.id)).status).toBe(200);
    for (const e164 of numbers) expect(rulesFor(e164)).toEqual([]);
    await expect(standin.inboundCall({ from: '+442071838750', to: numbers[0]! })).rejects.toThrow(
      /no dispatch rule/,
    );

    expect((await reactivate(org.id)).status).toBe(200);
    for (const e164 of numbers) {
      const [rule, ...others] = rulesFor(e164);
      expect(others).toEqual([]);
      expect(rule!.trunkIds).toEqual([trunkId]);
      expect(await storedRule(org.id, e164)).toBe(rule!.sipDispatchRuleId);
    }
    // Calls ring through to the agent again and are recorded.
    const { room } = await standin.inboundCall({ from: '+442071838750', to: numbers[0]! });
    await standin.endCall(room, 12);
    expect(await callTasks(org.id, owner)).toMatchObject([
      { status: 'completed', agentId: agent.id, toAddress: numbers[0] },
    ]);
  });

  it('a reactivation LiveKit refuses is a 502: the org stays suspended and no rule of it is left', async () => {
    const numbers = ['+14155550183', '+14155550184'];
    const { org } = await withNumbers('suspended-sip-refused', numbers);
    expect((await suspend(org.id)).status).toBe(200);
    // Meanwhile another rule took calls to the second number: LiveKit refuses a rule matching them too.
    const foreign = await routeNumber({
      orgId: 'org_01JD0000000000000000000000',
      agentId: 'agt_01JD0000000000000000000000',
      e164: numbers[1]!,
      ruleId: null,
    });
    const refused = await reactivate(org.id);
    expect(refused.status).toBe(502);
    expect(refused.body.detail).toMatch(/^LiveKit did not create the number’s call routing/);
    expect((await call('GET', `/admin/orgs/${org.id}`, { as: root })).body.org.status).toBe('suspended');
    expect(rulesFor(numbers[0]!)).toEqual([]);

    await new SipClient(standin.url, apiKey, apiSecret).deleteSipDispatchRule(foreign!);
    expect((await reactivate(org.id)).status).toBe(200);
    for (const e164 of numbers) expect(rulesFor(e164)).toHaveLength(1);
  });
});
