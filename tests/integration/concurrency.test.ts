/**
 * Fifty writers at once on one org's counters: members joining and leaving, role changes across
 * the owner line, invites and agents being created. Afterwards every counter on the org item
 * equals the items it counts, and no limit is exceeded.
 */
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { call } from '../support/api';
import { addMember, createOrg, partition } from '../support/tenancy';

describe('50 concurrent writers on one org', () => {
  it('leave every counter equal to the items it counts and within its limit', async () => {
    const owner = 'owner@fifty.test';
    const org = await createOrg(owner, { plan: 'starter', domain: 'fifty.test', autoJoinByDomain: true });
    const seeded = [];
    for (let i = 0; i < 6; i++)
      seeded.push(await addMember(org.id, owner, `m${i}@fifty.test`, i < 2 ? 'admin' : 'member'));

    const writers: Promise<{ status: number }>[] = [];
    for (let i = 0; i < 20; i++)
      writers.push(call('POST', `/orgs/${org.id}/join`, { as: `joiner${i}@fifty.test` }));
    for (let i = 2; i < 6; i++)
      writers.push(call('POST', `/orgs/${org.id}/leave`, { as: `m${i}@fifty.test` }));
    for (const admin of seeded.slice(0, 2)) {
      writers.push(
        call('PATCH', `/orgs/${org.id}/members/${admin.userId}`, { as: owner, body: { role: 'owner' } }),
      );
    }
    for (let i = 0; i < 12; i++) {
      writers.push(
        call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: `Agent ${i}`, type: 'chat' } }),
      );
    }
    for (let i = 0; i < 12; i++) {
      writers.push(
        call('POST', `/orgs/${org.id}/invites`, { as: owner, body: { email: `guest${i}@fifty.test` } }),
      );
    }
    const results = await Promise.all(writers);
    expect(results).toHaveLength(50);
    expect(results.every((r) => r.status < 500)).toBe(true);

    const items = await partition(keys.org(org.id).pk);
    const orgItem = items.find((i) => i.type === 'ORG')!;
    const members = items.filter((i) => i.type === 'MEMBERSHIP');
    const agents = items.filter((i) => i.type === 'AGENT' && i.status !== 'deleted');
    expect(orgItem.memberCount).toBe(members.length);
    expect(orgItem.ownerCount).toBe(members.filter((m) => m.role === 'owner').length);
    expect(orgItem.agentCount).toBe(agents.length);
    expect(members.length).toBeLessThanOrEqual(orgItem.limits.maxUsers);
    expect(agents.length).toBe(orgItem.limits.maxAgents);
  });
});
