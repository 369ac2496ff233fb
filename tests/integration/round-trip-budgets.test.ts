/**
 * Every route stays within its DynamoDB round-trip budget (tests/bench/round-trip-budgets.ts: at
 * most 3 reads including authorization and at most one write, a transaction or a single item;
 * exceptions declared there with their reason). tests/support/api.ts records the commands of every
 * call and fails any call over its route's budget, in every integration test; this file makes sure
 * the tenancy, profile and agent routes are all driven through a realistic life, and checks again
 * every call it made, refusals included. `npm run bench` shows the same budgets beside the maxima
 * the whole integration suite recorded.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/routes';
import { overBudget } from '../bench/round-trip-budgets';
import { type ApiResponse, call, roundTripLog } from '../support/api';
import { addMember, createOrg, tokenOf } from '../support/tenancy';

const spec = (operationId: string) => routes.find((r) => r.operationId === operationId)!;
const owner = 'owner@budget.test';
const ok = async (promise: Promise<ApiResponse>, status?: number) => {
  const res = await promise;
  if (status !== undefined) expect(res.status, JSON.stringify(res.body)).toBe(status);
  else expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
};

describe('DynamoDB round-trip budgets', () => {
  afterAll(() => {
    // Nothing in this file may end with a call over budget, whichever test made it.
    expect(roundTripLog.map((c) => overBudget(spec(c.operationId), c.commands)).filter(Boolean)).toEqual([]);
  });

  it('profile, orgs and members', async () => {
    await ok(call('GET', '/health'));
    await ok(call('GET', '/openapi.json'));
    const me = await ok(call('GET', '/me', { as: owner }));
    await ok(
      call('PATCH', '/me', {
        as: owner,
        body: { timezone: 'Europe/Oslo' },
        headers: { 'if-match': me.headers.etag! },
      }),
    );
    const org = await createOrg(owner, { plan: 'starter', domain: 'budget.test', autoJoinByDomain: true });
    await ok(call('GET', `/orgs/${org.id}`, { as: owner }));
    await ok(call('PATCH', `/orgs/${org.id}`, { as: owner, body: { name: 'Budgeted' } }));
    await ok(call('GET', '/me/orgs', { as: owner }));
    await ok(call('GET', `/orgs/${org.id}/membership`, { as: owner }));
    const member = await addMember(org.id, owner, 'member@budget.test');
    const admin = await addMember(org.id, owner, 'admin@budget.test', 'admin');
    await ok(call('GET', `/orgs/${org.id}/members`, { as: owner }));
    await ok(
      call('PATCH', `/orgs/${org.id}/members/${member.userId}`, { as: owner, body: { role: 'viewer' } }),
    );
    await ok(call('POST', `/orgs/${org.id}/join`, { as: 'joiner@budget.test' }));
    await ok(call('POST', `/orgs/${org.id}/leave`, { as: 'joiner@budget.test' }));
    await ok(call('DELETE', `/orgs/${org.id}/members/${member.userId}`, { as: owner }));
    await ok(call('GET', `/orgs/${org.id}/audit`, { as: owner }));
    await ok(
      call('POST', `/orgs/${org.id}/transfer-ownership`, { as: owner, body: { userId: admin.userId } }),
    );
    await ok(call('DELETE', `/orgs/${org.id}`, { as: 'admin@budget.test' }));
  });

  it('invites', async () => {
    const org = await createOrg('inviter@budget.test', { plan: 'starter' });
    const as = 'inviter@budget.test';
    const invite = (email: string) =>
      ok(call('POST', `/orgs/${org.id}/invites`, { as, body: { email, role: 'member' } }), 201);
    const a = await invite('a@budget-inv.test');
    const b = await invite('b@budget-inv.test');
    const c = await invite('c@budget-inv.test');
    const d = await invite('d@budget-inv.test');
    const e = await invite('e@budget-inv.test');
    await ok(call('GET', `/orgs/${org.id}/invites`, { as }));
    await ok(call('POST', '/invites/preview', { as: 'a@budget-inv.test', body: { token: tokenOf(a.body) } }));
    await ok(call('POST', `/orgs/${org.id}/invites/${a.body.id}/resend`, { as }));
    await ok(call('DELETE', `/orgs/${org.id}/invites/${e.body.id}`, { as }));
    await ok(call('POST', '/invites/accept', { as: 'b@budget-inv.test', body: { token: tokenOf(b.body) } }));
    await ok(call('POST', '/invites/decline', { as: 'c@budget-inv.test', body: { token: tokenOf(c.body) } }));
    await ok(call('GET', '/me/invites', { as: 'd@budget-inv.test' }));
    await ok(call('POST', `/me/invites/${org.id}/${d.body.id}/accept`, { as: 'd@budget-inv.test' }));
    const f = await invite('f@budget-inv.test');
    await ok(call('POST', `/me/invites/${org.id}/${f.body.id}/decline`, { as: 'f@budget-inv.test' }));
  });

  it('agents', async () => {
    const as = 'agents@budget.test';
    const org = await createOrg(as, { plan: 'starter' });
    const other = await createOrg(as, { plan: 'starter', name: 'Other' });
    await ok(call('GET', '/agent-providers', { as }));
    const agent = await ok(
      call('POST', `/orgs/${org.id}/agents`, { as, body: { name: 'Receptionist', type: 'voice' } }),
      201,
    );
    const path = `/orgs/${org.id}/agents/${agent.body.id}`;
    await ok(call('GET', `/orgs/${org.id}/agents`, { as }));
    const got = await ok(call('GET', path, { as }));
    await ok(
      call('PATCH', path, { as, body: { name: 'Front desk' }, headers: { 'if-match': got.headers.etag! } }),
    );
    await ok(call('POST', `${path}/shares`, { as, body: { targetOrgId: other.id } }));
    await ok(call('GET', `${path}/shares`, { as }));
    await ok(call('DELETE', `${path}/shares/${other.id}`, { as }));
    await ok(call('DELETE', path, { as }));
  });
});
