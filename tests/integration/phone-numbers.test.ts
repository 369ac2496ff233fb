import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { call } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  await addMember(org.id, owner, `viewer@${tag}.test`, 'viewer');
  return { org, owner, viewer: `viewer@${tag}.test` };
}

const numbers = (orgId: string) => `/orgs/${orgId}/phone-numbers`;
const numberPath = (orgId: string, e164: string) => `${numbers(orgId)}/${encodeURIComponent(e164)}`;
const add = (orgId: string, as: string, e164: unknown) =>
  call('POST', numbers(orgId), { as, body: { e164 } });
const claimOf = async (e164: string) => partition(keys.phoneClaim(e164).pk);
const auditActions = async (orgId: string) =>
  (await partition(keys.auditPk(orgId))).map((e) => e.action as string);

describe('phone numbers', () => {
  it('adds, lists and releases numbers; viewers read and do not write', async () => {
    const { org, owner, viewer } = await team('phones-crud');
    const added = await add(org.id, owner, '+14155550101');
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ e164: '+14155550101', orgId: org.id, agentId: null, version: 1 });
    expect((await add(org.id, viewer, '+14155550102')).status).toBe(403);

    const listed = await call('GET', numbers(org.id), { as: viewer });
    expect(listed.body.items.map((n: { e164: string }) => n.e164)).toEqual(['+14155550101']);
    expect(await claimOf('+14155550101')).toMatchObject([{ orgId: org.id }]);

    expect((await call('DELETE', numberPath(org.id, '+14155550101'), { as: viewer })).status).toBe(403);
    expect((await call('DELETE', numberPath(org.id, '+14155550101'), { as: owner })).status).toBe(204);
    expect((await call('GET', numbers(org.id), { as: viewer })).body.items).toEqual([]);
    expect(await claimOf('+14155550101')).toEqual([]);
    expect((await call('DELETE', numberPath(org.id, '+14155550101'), { as: owner })).status).toBe(404);
    expect(await auditActions(org.id)).toEqual(
      expect.arrayContaining(['phone_number.created', 'phone_number.deleted']),
    );
  });

  it.each<[unknown, string]>([
    ['14155550101', 'no plus'],
    ['+04155550101', 'a leading zero'],
    ['+1415555', '7 digits'],
    ['+1415555010199999', '16 digits'],
    ['+1 415 555 0101', 'spaces'],
    [14155550101, 'a number, not a string'],
  ])('refuses %s (%s) with a 400 naming e164, changing nothing', async (e164) => {
    const { org, owner } = await team(`phones-bad-${String(e164).replace(/\W/g, '')}`);
    const before = await tenantSnapshot(org.id);
    const res = await add(org.id, owner, e164);
    expect([res.status, fieldsOf(res.body)]).toEqual([400, ['e164']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('keeps a number in one org platform-wide: a second org gets 409 naming e164 until it is released', async () => {
    const a = await team('phones-claim-a');
    const b = await team('phones-claim-b');
    expect((await add(a.org.id, a.owner, '+442071838750')).status).toBe(201);

    const again = await add(a.org.id, a.owner, '+442071838750');
    expect([again.status, fieldsOf(again.body)]).toEqual([409, ['e164']]);
    const before = await tenantSnapshot(b.org.id);
    const taken = await add(b.org.id, b.owner, '+442071838750');
    expect([taken.status, fieldsOf(taken.body)]).toEqual([409, ['e164']]);
    expect(JSON.stringify(taken.body)).not.toContain(a.org.id);
    expect(await tenantSnapshot(b.org.id)).toEqual(before);

    // Another org cannot release it either: the path names only its own numbers.
    expect((await call('DELETE', numberPath(b.org.id, '+442071838750'), { as: b.owner })).status).toBe(404);
    expect((await call('DELETE', numberPath(a.org.id, '+442071838750'), { as: a.owner })).status).toBe(204);
    expect((await add(b.org.id, b.owner, '+442071838750')).status).toBe(201);
  });

  it('assigns to the org’s own agents with If-Match, refuses shared-in and unknown agents (404 naming agentId), and unassigns', async () => {
    const { org, owner, viewer } = await team('phones-assign');
    const sister = await createOrg(owner, { name: 'Sister' });
    const agent = (
      await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Bot', type: 'voice' } })
    ).body;
    const foreign = (
      await call('POST', `/orgs/${sister.id}/agents`, { as: owner, body: { name: 'Theirs', type: 'voice' } })
    ).body;
    await call('POST', `/orgs/${sister.id}/agents/${foreign.id}/shares`, {
      as: owner,
      body: { targetOrgId: org.id },
    });
    await add(org.id, owner, '+14155550111');
    await add(org.id, owner, '+14155550112');
    const path = numberPath(org.id, '+14155550111');
    expect(path).toContain('%2B14155550111');

    expect((await call('PATCH', path, { as: viewer, body: { agentId: agent.id } })).status).toBe(403);
    const before = await tenantSnapshot(org.id);
    const refusals: [unknown, number][] = [
      [{ agentId: foreign.id }, 404],
      [{ agentId: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, 404],
      [{ agentId: 'bot-1' }, 400],
      [{}, 400],
    ];
    for (const [body, status] of refusals) {
      const res = await call('PATCH', path, { as: owner, body });
      expect([res.status, fieldsOf(res.body)], JSON.stringify(body)).toEqual([status, ['agentId']]);
    }
    const badPath = await call('PATCH', `${numbers(org.id)}/0041555`, { as: owner, body: { agentId: null } });
    expect([badPath.status, fieldsOf(badPath.body)]).toEqual([400, ['e164']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);

    const assigned = await call('PATCH', path, {
      as: owner,
      body: { agentId: agent.id },
      headers: { 'if-match': '"1"' },
    });
    expect([assigned.status, assigned.body.agentId, assigned.headers.etag]).toEqual([200, agent.id, '"2"']);
    const stale = await call('PATCH', path, {
      as: owner,
      body: { agentId: null },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const ofAgent = await call('GET', `${numbers(org.id)}?agentId=${agent.id}`, { as: viewer });
    expect(ofAgent.body.items.map((n: { e164: string }) => n.e164)).toEqual(['+14155550111']);

    const unassigned = await call('PATCH', path, { as: owner, body: { agentId: null } });
    expect([unassigned.status, unassigned.body.agentId]).toEqual([200, null]);
    expect(await auditActions(org.id)).toEqual(
      expect.arrayContaining(['phone_number.assigned', 'phone_number.unassigned']),
    );
  });

  it('keeps 20 concurrent adds within the plan’s maxPhoneNumbers, and releasing frees a place', async () => {
    const { org, owner } = await team('phones-limit');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => add(org.id, owner, `+1415555${String(1000 + i)}`)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 422)).toHaveLength(15);
    expect(results.find((r) => r.status === 422)!.body.detail).toMatch(/allows 5 phone numbers/);
    const listed = (await call('GET', numbers(org.id), { as: owner })).body.items;
    expect(listed).toHaveLength(5);
    // The refused numbers were not claimed: any org may still add them.
    const refused = results.flatMap((r, i) => (r.status === 422 ? [`+1415555${String(1000 + i)}`] : []));
    expect((await Promise.all(refused.map(claimOf))).flat()).toEqual([]);

    expect((await call('DELETE', numberPath(org.id, listed[0].e164), { as: owner })).status).toBe(204);
    expect((await add(org.id, owner, '+14155552000')).status).toBe(201);
    expect((await add(org.id, owner, '+14155552001')).status).toBe(422);
  });

  it('unassigns an agent’s numbers when the agent is deleted', async () => {
    const { org, owner } = await team('phones-agent-gone');
    const agent = (
      await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Bot', type: 'voice' } })
    ).body;
    for (const e164 of ['+14155550121', '+14155550122']) {
      await add(org.id, owner, e164);
      await call('PATCH', numberPath(org.id, e164), { as: owner, body: { agentId: agent.id } });
    }
    expect((await call('DELETE', `/orgs/${org.id}/agents/${agent.id}`, { as: owner })).status).toBe(204);
    const listed = (await call('GET', numbers(org.id), { as: owner })).body.items;
    expect(listed.map((n: { agentId: string | null }) => n.agentId)).toEqual([null, null]);
    expect((await auditActions(org.id)).filter((a) => a === 'phone_number.unassigned')).toHaveLength(2);
    // A deleted agent takes no number.
    const late = await call('PATCH', numberPath(org.id, '+14155550121'), {
      as: owner,
      body: { agentId: agent.id },
    });
    expect([late.status, fieldsOf(late.body)]).toEqual([404, ['agentId']]);
  });

  it('deletes the org’s numbers and their claims with the org, so another org can add them', async () => {
    const { org, owner } = await team('phones-org-gone');
    const other = await team('phones-org-next');
    await add(org.id, owner, '+4930901820');
    expect(await claimOf('+4930901820')).toHaveLength(1);
    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);
    expect(await claimOf('+4930901820')).toEqual([]);
    expect((await add(other.org.id, other.owner, '+4930901820')).status).toBe(201);
  });
});
