import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { devSubject } from '../../infra/local/dev-identity';
import { call, countRoundTrips } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

/** An org with one member of every role; emails are `<role>@<tag>.test`. */
async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const ids: Record<string, string> = { owner: devSubject(owner) };
  for (const role of ['admin', 'manager', 'member', 'viewer']) {
    ids[role] = (await addMember(org.id, owner, `${role}@${tag}.test`, role)).userId;
  }
  const as = (role: string) => `${role}@${tag}.test`;
  return { org, ids, as };
}

async function roleOf(orgId: string, userId: string) {
  const items = await partition(keys.org(orgId).pk);
  return items.find((i) => i.sk === keys.membership(orgId, userId).sk)?.role;
}

describe('GET /orgs/{orgId}/members', () => {
  it('pages through every member with a signed cursor', async () => {
    const { org, as } = await team('paging');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await call('GET', `/orgs/${org.id}/members?limit=2${q}`, { as: as('viewer') });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((m: { role: string }) => m.role));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['admin', 'manager', 'member', 'owner', 'viewer']);
  });

  it('refuses a cursor from another org’s list, even one the caller belongs to', async () => {
    const { org, as } = await team('cursor-a');
    const other = await createOrg(as('admin'));
    await addMember(other.id, as('admin'), 'friend@cursor-b.test');
    const otherPage = await call('GET', `/orgs/${other.id}/members?limit=1`, { as: as('admin') });
    const res = await call(
      'GET',
      `/orgs/${org.id}/members?cursor=${encodeURIComponent(otherPage.body.nextCursor)}`,
      {
        as: as('admin'),
      },
    );
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['cursor']);
  });

  it('refuses a genuine cursor of another list of the same org (members on invites, and back)', async () => {
    const { org, as } = await team('cursor-lists');
    for (const email of ['l1@cursor-lists.test', 'l2@cursor-lists.test']) {
      await call('POST', `/orgs/${org.id}/invites`, { as: as('admin'), body: { email } });
    }
    const members = await call('GET', `/orgs/${org.id}/members?limit=1`, { as: as('admin') });
    const invites = await call('GET', `/orgs/${org.id}/invites?limit=1`, { as: as('admin') });
    for (const [path, cursor] of [
      ['invites', members.body.nextCursor],
      ['members', invites.body.nextCursor],
    ]) {
      const res = await call('GET', `/orgs/${org.id}/${path}?cursor=${encodeURIComponent(cursor)}`, {
        as: as('admin'),
      });
      expect([res.status, fieldsOf(res.body)], path).toEqual([400, ['cursor']]);
    }
  });
});

describe('GET /orgs/{orgId}/membership', () => {
  it('answers the caller’s own membership from the authorization read alone, whatever the org’s size', async () => {
    const { org, ids, as } = await team('mine');
    const { result, calls } = await countRoundTrips(() =>
      call('GET', `/orgs/${org.id}/membership`, { as: as('viewer') }),
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ orgId: org.id, userId: ids.viewer, role: 'viewer' });
    expect(result.headers.etag).toBe(`"${result.body.version}"`);
    expect(calls).toEqual(['BatchGetItem']);
    expect((await call('GET', `/orgs/${org.id}/membership`, { as: 'outsider@mine.test' })).status).toBe(404);
  });
});

describe('PATCH /orgs/{orgId}/members/{userId}', () => {
  it('changes role and additional roles with If-Match and audits before and after', async () => {
    const { org, ids, as } = await team('patch');
    const path = `/orgs/${org.id}/members/${ids.member}`;
    const res = await call('PATCH', path, {
      as: as('admin'),
      body: { role: 'manager', additionalRoles: ['sales', 'bot_trainer'] },
      headers: { 'if-match': '"1"' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      role: 'manager',
      additionalRoles: ['sales', 'bot_trainer'],
      version: 2,
    });
    expect(res.headers.etag).toBe('"2"');
    const stale = await call('PATCH', path, {
      as: as('admin'),
      body: { role: 'viewer' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(await roleOf(org.id, ids.member!)).toBe('manager');
    const audit = await call('GET', `/orgs/${org.id}/audit?limit=1`, { as: as('owner') });
    expect(audit.body.items[0]).toMatchObject({
      action: 'member.updated',
      actor: { userId: ids.admin },
      before: { role: 'member', additionalRoles: [] },
      after: { role: 'manager', additionalRoles: ['sales', 'bot_trainer'] },
    });
  });

  const refusals: [string, string, string, unknown, number, string | null][] = [
    ['a manager making itself admin', 'manager', 'manager', { role: 'admin' }, 403, null],
    ['an admin making itself owner', 'admin', 'admin', { role: 'owner' }, 403, 'role'],
    ['an admin making a member owner', 'admin', 'member', { role: 'owner' }, 403, 'role'],
    ['an admin demoting an owner', 'admin', 'owner', { role: 'member' }, 403, 'userId'],
    ['the last owner demoting itself', 'owner', 'owner', { role: 'admin' }, 422, 'role'],
    ['an unknown role', 'owner', 'member', { role: 'superuser' }, 400, 'role'],
    [
      'a malformed additional role',
      'owner',
      'member',
      { additionalRoles: ['Sales Team'] },
      400,
      'additionalRoles.0',
    ],
    [
      'a repeated additional role',
      'owner',
      'member',
      { additionalRoles: ['a', 'a'] },
      400,
      'additionalRoles',
    ],
    [
      'too many additional roles',
      'owner',
      'member',
      { additionalRoles: Array.from({ length: 21 }, (_, i) => `r${i}`) },
      400,
      'additionalRoles',
    ],
    ['an empty change', 'owner', 'member', {}, 400, 'role'],
    ['an unknown field', 'owner', 'member', { email: 'x@y.z' }, 400, 'email'],
  ];
  it.each(refusals)('refuses %s and changes nothing', async (name, actor, target, body, status, field) => {
    const { org, ids, as } = await team(`refuse-${name.replace(/\W+/g, '-')}`);
    const before = await tenantSnapshot(org.id);
    const res = await call('PATCH', `/orgs/${org.id}/members/${ids[target]}`, { as: as(actor), body });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json');
    if (field) expect(fieldsOf(res.body)).toContain(field);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('lets an owner make a second owner, after which the first may step down', async () => {
    const { org, ids, as } = await team('two-owners');
    const up = await call('PATCH', `/orgs/${org.id}/members/${ids.admin}`, {
      as: as('owner'),
      body: { role: 'owner' },
    });
    expect(up.status).toBe(200);
    const down = await call('PATCH', `/orgs/${org.id}/members/${ids.owner}`, {
      as: as('owner'),
      body: { role: 'admin' },
    });
    expect(down.status).toBe(200);
    const last = await call('PATCH', `/orgs/${org.id}/members/${ids.admin}`, {
      as: as('admin'),
      body: { role: 'member' },
    });
    expect(last.status).toBe(422);
  });

  it('answers 404 for a user who is not a member', async () => {
    const { org, as } = await team('missing');
    const res = await call('PATCH', `/orgs/${org.id}/members/usr_nobody`, {
      as: as('owner'),
      body: { role: 'member' },
    });
    expect(res.status).toBe(404);
  });
});

describe('DELETE /orgs/{orgId}/members/{userId} and POST /orgs/{orgId}/leave', () => {
  it('removes a member, lowers the count and audits it', async () => {
    const { org, ids, as } = await team('remove');
    const res = await call('DELETE', `/orgs/${org.id}/members/${ids.viewer}`, { as: as('admin') });
    expect(res.status).toBe(204);
    expect(await roleOf(org.id, ids.viewer!)).toBeUndefined();
    expect((await call('GET', `/orgs/${org.id}`, { as: as('owner') })).body.memberCount).toBe(4);
    expect((await call('GET', `/orgs/${org.id}`, { as: as('viewer') })).status).toBe(404);
    const audit = await call('GET', `/orgs/${org.id}/audit?limit=1`, { as: as('owner') });
    expect(audit.body.items[0]).toMatchObject({
      action: 'member.removed',
      target: { id: ids.viewer },
      after: null,
    });
  });

  it('refuses an admin removing an owner, a manager removing anyone, and removing the last owner', async () => {
    const { org, ids, as } = await team('remove-refusals');
    expect((await call('DELETE', `/orgs/${org.id}/members/${ids.owner}`, { as: as('admin') })).status).toBe(
      403,
    );
    expect(
      (await call('DELETE', `/orgs/${org.id}/members/${ids.member}`, { as: as('manager') })).status,
    ).toBe(403);
    expect((await call('DELETE', `/orgs/${org.id}/members/${ids.owner}`, { as: as('owner') })).status).toBe(
      422,
    );
    expect((await partition(keys.org(org.id).pk)).filter((i) => i.type === 'MEMBERSHIP')).toHaveLength(5);
  });

  it('lets a member leave but not the last owner', async () => {
    const { org, as } = await team('leave');
    expect((await call('POST', `/orgs/${org.id}/leave`, { as: as('member') })).status).toBe(204);
    expect((await call('GET', '/me/orgs', { as: as('member') })).body.items).toEqual([]);
    const res = await call('POST', `/orgs/${org.id}/leave`, { as: as('owner') });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/owner/);
    expect((await call('GET', `/orgs/${org.id}`, { as: as('owner') })).body.memberCount).toBe(4);
  });

  it('keeps one owner when two owners leave at the same time', async () => {
    const { org, ids, as } = await team('leave-race');
    await call('PATCH', `/orgs/${org.id}/members/${ids.admin}`, { as: as('owner'), body: { role: 'owner' } });
    const results = await Promise.all(
      ['owner', 'admin'].map((r) => call('POST', `/orgs/${org.id}/leave`, { as: as(r) })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([204, 422]);
    const owners = (await partition(keys.org(org.id).pk)).filter((i) => i.role === 'owner');
    expect(owners).toHaveLength(1);
  });
});

describe('POST /orgs/{orgId}/transfer-ownership', () => {
  it('makes the member owner and the caller admin in one step', async () => {
    const { org, ids, as } = await team('transfer');
    const res = await call('POST', `/orgs/${org.id}/transfer-ownership`, {
      as: as('owner'),
      body: { userId: ids.member },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      newOwner: { userId: ids.member, role: 'owner' },
      previousOwner: { role: 'admin' },
    });
    expect(await roleOf(org.id, ids.member!)).toBe('owner');
    expect(await roleOf(org.id, ids.owner!)).toBe('admin');
    expect((await call('POST', `/orgs/${org.id}/leave`, { as: as('member') })).status).toBe(422);
  });

  it('refuses non-owners, non-members and the caller itself, changing nothing', async () => {
    const { org, ids, as } = await team('transfer-refusals');
    const before = await tenantSnapshot(org.id);
    const cases: [string, unknown, number][] = [
      ['admin', { userId: ids.member }, 403],
      ['owner', { userId: 'usr_stranger' }, 422],
      ['owner', { userId: ids.owner }, 422],
      ['owner', { userId: 'not a user id' }, 400],
      ['owner', {}, 400],
    ];
    for (const [actor, body, status] of cases) {
      const res = await call('POST', `/orgs/${org.id}/transfer-ownership`, { as: as(actor), body });
      expect(res.status, JSON.stringify(body)).toBe(status);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });
});
