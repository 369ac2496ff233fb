/** Invites mail anyone the caller names, so they are rate-limited, and managed only by those who could grant them. */
import { describe, expect, it } from 'vitest';
import { outbox } from '../../functions/adapters/mail';
import { keys } from '../../functions/data/keys';
import { call } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

// Small limits so the test reaches them; set before the handlers read their configuration.
process.env.INVITES_PER_ORG_PER_HOUR = '6';
process.env.INVITES_PER_USER_PER_HOUR = '4';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
const invite = (orgId: string, as: string, email: string) =>
  call('POST', `/orgs/${orgId}/invites`, { as, body: { email } });

describe('rate limits', () => {
  it('answer 429 with Retry-After per inviting user and per organization, and store nothing', async () => {
    const owner = 'rate-owner@example.com';
    const org = await createOrg(owner, { plan: 'starter' });
    const manager = 'rate-manager@example.com';
    await addMember(org.id, owner, manager, 'manager');
    // addMember sent one invite as the owner: the org bucket holds 1, the owner's 1.
    for (const n of [1, 2, 3, 4])
      expect((await invite(org.id, manager, `r${n}@example.com`)).status).toBe(201);

    const before = await tenantSnapshot(org.id);
    const userLimited = await invite(org.id, manager, 'r5@example.com');
    expect(userLimited.status).toBe(429);
    expect(userLimited.body.detail).toMatch(/You have sent 4 invites in the last hour/);
    const retryAfter = Number(userLimited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(outbox.some((m) => m.to === 'r5@example.com')).toBe(false);

    expect((await invite(org.id, owner, 'o1@example.com')).status).toBe(201);
    const orgLimited = await invite(org.id, owner, 'o2@example.com');
    expect(orgLimited.status).toBe(429);
    expect(orgLimited.body.detail).toMatch(/This organization has sent 6 invites/);
    const pending = (await call('GET', `/orgs/${org.id}/invites`, { as: owner })).body.items.find(
      (i: { status: string }) => i.status === 'pending',
    );
    const resend = await call('POST', `/orgs/${org.id}/invites/${pending.id}/resend`, { as: owner });
    expect(resend.status).toBe(429);
    const buckets = (await partition(keys.org(org.id).pk)).filter((i) => i.type === 'RATE_BUCKET');
    expect(buckets.map((b) => b.hits)).toEqual([6]);
  });
});

describe('who manages an invite', () => {
  it('lets a manager resend or revoke only invites for roles a manager could grant', async () => {
    const owner = 'manage-owner@example.com';
    const org = await createOrg(owner, { plan: 'starter' });
    const manager = 'manage-manager@example.com';
    await addMember(org.id, owner, manager, 'manager');
    const admin = await call('POST', `/orgs/${org.id}/invites`, {
      as: owner,
      body: { email: 'future-admin@example.com', role: 'admin' },
    });
    const before = await tenantSnapshot(org.id);
    for (const [method, path] of [
      ['POST', `/orgs/${org.id}/invites/${admin.body.id}/resend`],
      ['DELETE', `/orgs/${org.id}/invites/${admin.body.id}`],
    ] as const) {
      const res = await call(method, path, { as: manager });
      expect([res.status, fieldsOf(res.body)]).toEqual([403, ['inviteId']]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
    const member = await call('POST', `/orgs/${org.id}/invites`, {
      as: manager,
      body: { email: 'm@example.com' },
    });
    expect((await call('DELETE', `/orgs/${org.id}/invites/${member.body.id}`, { as: manager })).status).toBe(
      204,
    );
  });
});
