/**
 * With a SIP trunk configured, a number's assignment is also a LiveKit SIP dispatch rule: created on
 * assignment, replaced in place on reassignment, deleted on unassignment, release and agent
 * deletion. LiveKit is called first; its refusal is a 502 with nothing written, and a write refused
 * afterwards puts LiveKit back.
 */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SipClient } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { tableName, testDb } from '../support/env';
import { livekitStandinForFile } from '../support/livekit';
import { createOrg, tenantSnapshot } from '../support/tenancy';

const apiKey = 'devkey-sip';
const apiSecret = 'dev-secret-for-sip-dispatch-rules-0123456789';
const trunkId = 'ST_sip';
const standin = await livekitStandinForFile({ apiKey, apiSecret, trunkId });

const numberPath = (orgId: string, e164: string) =>
  `/orgs/${orgId}/phone-numbers/${encodeURIComponent(e164)}`;
const storedRule = async (orgId: string, e164: string) =>
  (
    await testDb.send(
      new GetCommand({ TableName: tableName, Key: { pk: `ORG#${orgId}`, sk: `PHONE#${e164}` } }),
    )
  ).Item?.sipDispatchRuleId as string | null | undefined;
const rulesFor = (e164: string) => standin.dispatchRules().filter((r) => r.numbers.includes(e164));
const prefixOf = (e164: string) =>
  rulesFor(e164).map((r) =>
    r.rule?.rule.case === 'dispatchRuleIndividual' ? r.rule.rule.value.roomPrefix : '',
  );

async function setup(tag: string, e164: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const agent = async (name: string) =>
    (await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name, type: 'voice' } })).body
      .id as string;
  const [a, b] = [await agent('A'), await agent('B')];
  await call('POST', `/orgs/${org.id}/phone-numbers`, { as: owner, body: { e164 } });
  return { owner, org, a, b };
}

describe('phone numbers with a SIP trunk', () => {
  it('assigning creates the rule, reassigning replaces it, unassigning and releasing delete it', async () => {
    const e164 = '+14155550161';
    const { owner, org, a, b } = await setup('sip-lifecycle', e164);
    const assign = (agentId: string | null) =>
      call('PATCH', numberPath(org.id, e164), { as: owner, body: { agentId } });

    const assigned = await assign(a);
    expect(assigned.status).toBe(200);
    expect(assigned.body).not.toHaveProperty('sipDispatchRuleId');
    const ruleId = await storedRule(org.id, e164);
    expect(rulesFor(e164).map((r) => [r.sipDispatchRuleId, r.trunkIds])).toEqual([[ruleId, [trunkId]]]);
    expect(prefixOf(e164)).toEqual([`${org.id}-${a}-call`]);

    expect((await assign(b)).status).toBe(200);
    expect(await storedRule(org.id, e164)).toBe(ruleId);
    expect(prefixOf(e164)).toEqual([`${org.id}-${b}-call`]);

    // An assignment the table refuses (no such agent) puts the rule back as it was.
    expect((await assign('agt_01JD0000000000000000000000')).status).toBe(404);
    expect(prefixOf(e164)).toEqual([`${org.id}-${b}-call`]);

    expect((await assign(null)).status).toBe(200);
    expect(await storedRule(org.id, e164)).toBeNull();
    expect(rulesFor(e164)).toEqual([]);

    await assign(a);
    expect(rulesFor(e164)).toHaveLength(1);
    expect((await call('DELETE', numberPath(org.id, e164), { as: owner })).status).toBe(204);
    expect(rulesFor(e164)).toEqual([]);
  });

  it('deleting the agent deletes its numbers’ rules', async () => {
    const e164 = '+14155550162';
    const { owner, org, a } = await setup('sip-agent-deleted', e164);
    await call('PATCH', numberPath(org.id, e164), { as: owner, body: { agentId: a } });
    expect(rulesFor(e164)).toHaveLength(1);
    expect((await call('DELETE', `/orgs/${org.id}/agents/${a}`, { as: owner })).status).toBe(204);
    expect(rulesFor(e164)).toEqual([]);
    expect(await storedRule(org.id, e164)).toBeNull();
  });

  it('never routes a number to an agent it may not take: another org’s or a deleted one is refused before LiveKit', async () => {
    const e164 = '+14155550164';
    const { owner, org, a } = await setup('sip-foreign-agent', e164);
    const other = await setup('sip-foreign-owner', '+14155550165');
    expect((await call('DELETE', `/orgs/${org.id}/agents/${a}`, { as: owner })).status).toBe(204);
    const sent = standin.requests.length;
    for (const agentId of [other.a, a]) {
      const refused = await call('PATCH', numberPath(org.id, e164), { as: owner, body: { agentId } });
      expect(refused.status).toBe(404);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['agentId']);
    }
    expect(standin.requests.slice(sent)).toEqual([]);
    expect(rulesFor(e164)).toEqual([]);
  });

  it('LiveKit refusing the rule is a 502 and nothing is written', async () => {
    const e164 = '+14155550163';
    const { owner, org, a } = await setup('sip-refused', e164);
    // Someone else's rule already takes calls to this number on the trunk: LiveKit refuses a second.
    const foreign = await new SipClient(standin.url, apiKey, apiSecret).createSipDispatchRule(
      { type: 'direct', roomName: 'elsewhere' },
      { trunkIds: [trunkId] },
    );
    const before = await tenantSnapshot(org.id);
    const refused = await call('PATCH', numberPath(org.id, e164), { as: owner, body: { agentId: a } });
    expect(refused.status).toBe(502);
    expect(refused.body.detail).toMatch(
      /^LiveKit did not create the number’s call routing \(400 .*Nothing was changed/,
    );
    expect(await tenantSnapshot(org.id)).toEqual(before);
    await new SipClient(standin.url, apiKey, apiSecret).deleteSipDispatchRule(foreign.sipDispatchRuleId);
  });
});
