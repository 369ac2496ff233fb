import { describe, expect, it } from 'vitest';
import { setEntitlements } from '../../infra/scripts/set-entitlements';
import { call } from '../support/api';
import { addMember, createOrg } from '../support/tenancy';

describe('infra/scripts/set-entitlements (the platform operator’s path)', () => {
  it('sets the plan and SAML, recomputes the limits and audits the change', async () => {
    const owner = 'ent-owner@example.com';
    const org = await createOrg(owner, { maxUsers: 3 });
    const updated = await setEntitlements({
      orgId: org.id,
      plan: 'starter',
      canSetupSaml: true,
      operator: 'ops@example.com',
    });
    expect(updated).toMatchObject({ plan: 'starter', canSetupSaml: true, version: 2 });
    const got = (await call('GET', `/orgs/${org.id}`, { as: owner })).body;
    // The customer's own maxUsers stays a ceiling below the plan's 25.
    expect(got).toMatchObject({ plan: 'starter', canSetupSaml: true, limits: { maxUsers: 3, maxAgents: 5 } });
    const audit = (await call('GET', `/orgs/${org.id}/audit`, { as: owner })).body.items[0];
    expect(audit).toMatchObject({
      action: 'org.entitlements_changed',
      actor: { userId: 'platform-operator', email: 'ops@example.com' },
      before: { plan: 'free', canSetupSaml: false },
      after: { plan: 'starter', canSetupSaml: true },
    });
  });

  it('refuses a plan below the member count and changes nothing', async () => {
    const owner = 'ent-full@example.com';
    const org = await createOrg(owner);
    await setEntitlements({ orgId: org.id, plan: 'starter', operator: 'ops@example.com' });
    for (let i = 0; i < 5; i++) await addMember(org.id, owner, `ent-m${i}@example.com`);
    await expect(
      setEntitlements({ orgId: org.id, plan: 'free', operator: 'ops@example.com' }),
    ).rejects.toThrow(/6 members, more than the new limit of 5/);
    expect((await call('GET', `/orgs/${org.id}`, { as: owner })).body).toMatchObject({ plan: 'starter' });
  });
});
