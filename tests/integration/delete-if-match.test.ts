/**
 * Every DELETE of a versioned resource (one whose reads carry an ETag) honours If-Match: a stale
 * version is a 412 that deletes nothing, the current one deletes. Each case first changes the
 * resource once, so the version it was created with is stale.
 */
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { devSubject } from '../../infra/local/dev-identity';
import { call } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

/** What a refused delete must leave alone: the org partition, its audit and the knowledge partition. */
const snapshot = async (orgId: string) => ({
  ...(await tenantSnapshot(orgId)),
  knowledge: await partition(keys.knowledgePk(orgId)),
});

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  return { org, owner };
}

/** Deletes naming the version before `current` (refused, nothing changed), then naming `current`. */
async function expectIfMatchHonoured(orgId: string, as: string, path: string, current = 2) {
  const before = await snapshot(orgId);
  const stale = await call('DELETE', path, { as, headers: { 'if-match': `"${current - 1}"` } });
  expect([stale.status, stale.headers['content-type']]).toEqual([412, 'application/problem+json']);
  expect(await snapshot(orgId)).toEqual(before);
  const deleted = await call('DELETE', path, { as, headers: { 'if-match': `"${current}"` } });
  expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
}

describe('DELETE honours If-Match', () => {
  it('on an agent', async () => {
    const { org, owner } = await team('ifmatch-agent');
    const path = `/orgs/${org.id}/agents/${
      (await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Bot', type: 'chat' } })).body
        .id
    }`;
    expect((await call('PATCH', path, { as: owner, body: { name: 'Bot 2' } })).body.version).toBe(2);
    await expectIfMatchHonoured(org.id, owner, path);
    expect((await call('GET', path, { as: owner })).status).toBe(404);
  });

  it('on a prompt', async () => {
    const { org, owner } = await team('ifmatch-prompt');
    const created = await call('POST', `/orgs/${org.id}/prompts`, {
      as: owner,
      body: { name: 'Desk', text: 'Be brief.' },
    });
    const path = `/orgs/${org.id}/prompts/${created.body.id}`;
    expect((await call('PATCH', path, { as: owner, body: { text: 'Be briefer.' } })).body.version).toBe(2);
    await expectIfMatchHonoured(org.id, owner, path);
    expect((await call('GET', path, { as: owner })).status).toBe(404);
  });

  it('on a knowledge entry', async () => {
    const { org, owner } = await team('ifmatch-knowledge');
    const created = await call('POST', `/orgs/${org.id}/knowledge`, {
      as: owner,
      body: { title: 'Parking', content: 'Behind the building.' },
    });
    const path = `/orgs/${org.id}/knowledge/${created.body.id}`;
    expect((await call('PATCH', path, { as: owner, body: { title: 'Parking lot' } })).body.version).toBe(2);
    await expectIfMatchHonoured(org.id, owner, path);
    expect((await call('GET', path, { as: owner })).status).toBe(404);
  });

  it('on a phone number', async () => {
    const { org, owner } = await team('ifmatch-number');
    const agentId = (
      await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Bot', type: 'voice' } })
    ).body.id;
    await call('POST', `/orgs/${org.id}/phone-numbers`, { as: owner, body: { e164: '+14155550177' } });
    const path = `/orgs/${org.id}/phone-numbers/${encodeURIComponent('+14155550177')}`;
    expect((await call('PATCH', path, { as: owner, body: { agentId } })).body.version).toBe(2);
    await expectIfMatchHonoured(org.id, owner, path);
    expect((await call('GET', `/orgs/${org.id}/phone-numbers`, { as: owner })).body.items).toEqual([]);
  });

  it('on a member', async () => {
    const { org, owner } = await team('ifmatch-member');
    await addMember(org.id, owner, 'member@ifmatch-member.test', 'member');
    const path = `/orgs/${org.id}/members/${devSubject('member@ifmatch-member.test')}`;
    expect((await call('PATCH', path, { as: owner, body: { role: 'viewer' } })).body.version).toBe(2);
    await expectIfMatchHonoured(org.id, owner, path);
    const members = (await call('GET', `/orgs/${org.id}/members`, { as: owner })).body.items;
    expect(members.map((m: { userId: string }) => m.userId)).toEqual([devSubject(owner)]);
  });

  it('on an invite (revoking it)', async () => {
    const { org, owner } = await team('ifmatch-invite');
    const invite = await call('POST', `/orgs/${org.id}/invites`, {
      as: owner,
      body: { email: 'guest@ifmatch-invite.test', role: 'member' },
    });
    const path = `/orgs/${org.id}/invites/${invite.body.id}`;
    expect((await call('POST', `${path}/resend`, { as: owner })).status).toBe(200);
    await expectIfMatchHonoured(org.id, owner, path);
    const invites = (await call('GET', `/orgs/${org.id}/invites`, { as: owner })).body.items;
    expect(invites.map((i: { status: string }) => i.status)).toEqual(['revoked']);
  });

  it('on the organization', async () => {
    const { org, owner } = await team('ifmatch-org');
    const path = `/orgs/${org.id}`;
    const renamed = await call('PATCH', path, { as: owner, body: { name: 'Renamed' } });
    await expectIfMatchHonoured(org.id, owner, path, renamed.body.version);
    expect(await partition(keys.org(org.id).pk)).toEqual([]);
  });
});
