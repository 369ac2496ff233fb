import { describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { addMember, createOrg, tokenOf } from '../support/tenancy';

describe('GET /orgs/{orgId}/audit', () => {
  it('records every mutation, newest first, with actor, target, request id and no secrets', async () => {
    const owner = 'owner@audit.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const member = await addMember(org.id, owner, 'm@audit.test');
    await call('PATCH', `/orgs/${org.id}`, { as: owner, body: { description: 'Audited' } });
    await call('PATCH', `/orgs/${org.id}/members/${member.userId}`, { as: owner, body: { role: 'manager' } });
    const sent = await call('POST', `/orgs/${org.id}/invites`, {
      as: owner,
      body: { email: 'r@audit.test' },
    });
    const resent = await call('POST', `/orgs/${org.id}/invites/${sent.body.id}/resend`, { as: owner });
    await call('DELETE', `/orgs/${org.id}/invites/${sent.body.id}`, { as: owner });
    await call('DELETE', `/orgs/${org.id}/members/${member.userId}`, { as: owner });

    const seen: any[] = [];
    let cursor: string | undefined;
    do {
      const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await call('GET', `/orgs/${org.id}/audit?limit=3${q}`, { as: owner });
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);

    expect(seen.map((e) => e.action)).toEqual([
      'member.removed',
      'invite.revoked',
      'invite.resent',
      'invite.created',
      'member.updated',
      'org.updated',
      'invite.accepted',
      'invite.created',
      'org.entitlements_changed',
      'org.created',
    ]);
    const times = seen.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(seen[0]).toMatchObject({
      actor: { email: owner },
      target: { type: 'member', id: member.userId },
      requestId: expect.any(String),
      before: { role: 'manager' },
      after: null,
    });
    const text = JSON.stringify(seen);
    for (const token of [tokenOf(sent.body), tokenOf(resent.body)]) expect(text).not.toContain(token);
    expect(text).not.toMatch(/tokenHash|[0-9a-f]{64}/);
  });

  it('is for admins and owners', async () => {
    const owner = 'owner@audit-roles.test';
    const org = await createOrg(owner);
    await addMember(org.id, owner, 'mgr@audit-roles.test', 'manager');
    expect((await call('GET', `/orgs/${org.id}/audit`, { as: 'mgr@audit-roles.test' })).status).toBe(403);
  });
});
