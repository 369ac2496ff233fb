import { PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { devSubject } from '../../infra/local/dev-identity';
import { call } from '../support/api';
import { tableName, testDb } from '../support/env';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

/** Every item of this file's table, in key order: what a refused write must leave alone. */
async function wholeTable() {
  const { Items = [] } = await testDb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return Items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

describe('POST /orgs', () => {
  it('creates the org, the owner membership and the audit entry together', async () => {
    const res = await call('POST', '/orgs', {
      as: 'founder@acme.com',
      body: { name: 'Acme', domain: 'Acme.com' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Acme',
      domain: 'acme.com',
      plan: 'free',
      status: 'active',
      memberCount: 1,
      limits: { maxUsers: 5, maxAgents: 1, maxPhoneNumbers: 1 },
      version: 1,
    });
    expect(res.body.id).toMatch(/^org_[0-9A-Z]{26}$/);
    expect(res.headers.etag).toBe('"1"');
    const items = await partition(keys.org(res.body.id).pk);
    expect(items.map((i) => i.type).sort()).toEqual(['MEMBERSHIP', 'ORG']);
    expect(items.find((i) => i.type === 'MEMBERSHIP')).toMatchObject({
      role: 'owner',
      userId: devSubject('founder@acme.com'),
      gsi1pk: `USER#${devSubject('founder@acme.com')}`,
    });
    const audit = await partition(keys.auditPk(res.body.id));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'org.created', target: { type: 'org', id: res.body.id } });
    expect(audit[0]!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 300 * 86_400);
  });

  it('refuses a user whose profile may not create orgs', async () => {
    const as = 'nocreate@example.com';
    await call('GET', '/me', { as });
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.user(devSubject(as)),
        UpdateExpression: 'SET canCreateOrgs = :f',
        ExpressionAttributeValues: { ':f': false },
      }),
    );
    const res = await call('POST', '/orgs', { as, body: { name: 'Nope' } });
    expect(res.status).toBe(403);
    expect((await call('GET', '/me/orgs', { as })).body.items).toEqual([]);
  });

  it('lets one person create at most maxOrgsCreatedPerUser orgs, concurrently too: 422 naming the limit, nothing written; deleting one frees no place', async () => {
    const as = 'serial-founder@example.com';
    // The default of the setting (MAX_ORGS_CREATED_PER_USER).
    const limit = 5;
    const created = await Promise.all(
      Array.from({ length: limit + 3 }, (_, i) => call('POST', '/orgs', { as, body: { name: `Org ${i}` } })),
    );
    expect(created.map((r) => r.status).sort()).toEqual([...Array(limit).fill(201), ...Array(3).fill(422)]);
    const refused = created.find((r) => r.status === 422)!;
    expect(refused.body.detail).toContain(`created ${limit} organizations, the most one account may create`);
    expect((await call('GET', '/me/orgs', { as })).body.items).toHaveLength(limit);

    const before = await wholeTable();
    const again = await call('POST', '/orgs', { as, body: { name: 'One more' } });
    expect([again.status, again.headers['content-type']]).toEqual([422, 'application/problem+json']);
    expect(await wholeTable()).toEqual(before);

    // A deleted org's place is not given back: its successor would start a fresh free budget.
    const first = created.find((r) => r.status === 201)!;
    expect((await call('DELETE', `/orgs/${first.body.id}`, { as })).status).toBe(204);
    expect((await call('POST', '/orgs', { as, body: { name: 'Replacement' } })).status).toBe(422);
    // Another person is counted apart.
    expect(
      (await call('POST', '/orgs', { as: 'other-founder@example.com', body: { name: 'Mine' } })).status,
    ).toBe(201);
  });

  const badCreates: [string, unknown, number, string][] = [
    ['a missing name', {}, 400, 'name'],
    ['an over-long name', { name: 'x'.repeat(101) }, 400, 'name'],
    ['a name with a line break', { name: 'Acme\nBcc: x@evil.test' }, 400, 'name'],
    ['an over-long description', { name: 'x', description: 'd'.repeat(2001) }, 400, 'description'],
    ['an invalid domain', { name: 'x', domain: 'not a domain' }, 400, 'domain'],
    ['a plan (an entitlement, not the customer’s to set)', { name: 'x', plan: 'enterprise' }, 400, 'plan'],
    ['the SAML entitlement', { name: 'x', canSetupSaml: true }, 400, 'canSetupSaml'],
    ['a maxUsers above the plan’s limit', { name: 'x', maxUsers: 6 }, 422, 'maxUsers'],
    ['a zero maxUsers', { name: 'x', maxUsers: 0 }, 400, 'maxUsers'],
    ['an unknown field', { name: 'x', owner: 'me' }, 400, 'owner'],
    ['auto-join without a domain', { name: 'x', autoJoinByDomain: true }, 422, 'autoJoinByDomain'],
  ];
  it.each(badCreates)('refuses %s, names the field and creates nothing', async (_n, body, status, field) => {
    const as = 'badcreate@example.com';
    const res = await call('POST', '/orgs', { as, body });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(fieldsOf(res.body)).toContain(field);
    expect((await call('GET', '/me/orgs', { as })).body.items).toEqual([]);
  });
});

describe('GET /me/orgs', () => {
  it('lists the caller’s orgs with role, a page at a time', async () => {
    const as = 'pager@example.com';
    const names = ['One', 'Two', 'Three'];
    for (const name of names) await createOrg(as, { name });
    const first = await call('GET', '/me/orgs?limit=2', { as });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call('GET', `/me/orgs?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, {
      as,
    });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    const all = [...first.body.items, ...second.body.items];
    expect(all.map((i) => i.org.name).sort()).toEqual([...names].sort());
    expect(all.every((i) => i.role === 'owner')).toBe(true);
  });

  it('refuses a limit over 100 and a forged cursor', async () => {
    expect(fieldsOf((await call('GET', '/me/orgs?limit=101', { as: 'p2@example.com' })).body)).toContain(
      'limit',
    );
    const forged = await call('GET', '/me/orgs?cursor=eyJwIjoiVVNFUiN4In0.AAAA', { as: 'p2@example.com' });
    expect(forged.status).toBe(400);
    expect(fieldsOf(forged.body)).toEqual(['cursor']);
  });
});

describe('GET and PATCH /orgs/{orgId}', () => {
  it('updates settings with If-Match, answers a stale one with 412 and changes nothing', async () => {
    const as = 'settings@example.com';
    const org = await createOrg(as);
    const got = await call('GET', `/orgs/${org.id}`, { as });
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    const patched = await call('PATCH', `/orgs/${org.id}`, {
      as,
      body: { displayName: 'Settings Inc', maxUsers: 3, extraDomains: ['settings.io'] },
      headers: { 'if-match': '"1"' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: 'Settings Inc',
      limits: { maxUsers: 3, maxAgents: 1 },
      version: 2,
    });
    expect(patched.headers.etag).toBe('"2"');
    const stale = await call('PATCH', `/orgs/${org.id}`, {
      as,
      body: { name: 'Lost' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect((await call('GET', `/orgs/${org.id}`, { as })).body).toEqual(patched.body);
    const audit = await call('GET', `/orgs/${org.id}/audit`, { as });
    expect(audit.body.items[0]).toMatchObject({
      action: 'org.updated',
      before: { displayName: null, maxUsers: null },
      after: { displayName: 'Settings Inc', maxUsers: 3 },
    });
  });

  it('lets exactly one of two concurrent writers with the same If-Match win', async () => {
    const as = 'race-settings@example.com';
    const org = await createOrg(as);
    const results = await Promise.all(
      ['A', 'B'].map((name) =>
        call('PATCH', `/orgs/${org.id}`, { as, body: { name }, headers: { 'if-match': '"1"' } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });

  it('answers writers without If-Match that lose a race with 409, not a 412 for a precondition they never sent', async () => {
    const as = 'race-blind@example.com';
    const org = await createOrg(as);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('PATCH', `/orgs/${org.id}`, { as, body: { name: `Name ${i}` } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(409);
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const lost = results.find((r) => r.status === 409)!;
    expect(lost.body.detail).toBe('The organization changed meanwhile; reload and retry.');
    const winners = statuses.filter((s) => s === 200).length;
    expect((await call('GET', `/orgs/${org.id}`, { as })).body.version).toBe(1 + winners);
  });

  it('refuses bad settings, names the field and changes nothing', async () => {
    const as = 'badpatch@example.com';
    const org = await createOrg(as);
    await addMember(org.id, as, 'second@example.com');
    const cases: [unknown, number, string][] = [
      [{ name: '' }, 400, 'name'],
      [{ name: 'n'.repeat(101) }, 400, 'name'],
      [{ plan: 'enterprise' }, 400, 'plan'],
      [{ canSetupSaml: true }, 400, 'canSetupSaml'],
      [{ maxUsers: 6 }, 422, 'maxUsers'],
      [{ extraDomains: ['ok.com', 'bad domain'] }, 400, 'extraDomains.1'],
      [{ memberCount: 99 }, 400, 'memberCount'],
      [{ maxUsers: 1 }, 422, 'maxUsers'],
      [{ membersMustHaveMatchingDomain: true }, 422, 'domain'],
    ];
    const before = await tenantSnapshot(org.id);
    for (const [body, status, field] of cases) {
      const res = await call('PATCH', `/orgs/${org.id}`, { as, body });
      expect([res.status, fieldsOf(res.body)], JSON.stringify(body)).toEqual([status, [field]]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('lets only admins and owners change settings, and nobody the plan or SAML', async () => {
    const owner = 'rolecheck@example.com';
    const org = await createOrg(owner);
    await addMember(org.id, owner, 'mgr@example.com', 'manager');
    await addMember(org.id, owner, 'adm@example.com', 'admin');
    expect(
      (await call('PATCH', `/orgs/${org.id}`, { as: 'mgr@example.com', body: { name: 'M' } })).status,
    ).toBe(403);
    expect(
      (await call('PATCH', `/orgs/${org.id}`, { as: 'adm@example.com', body: { name: 'A' } })).status,
    ).toBe(200);
    for (const as of [owner, 'adm@example.com']) {
      for (const body of [{ plan: 'enterprise' }, { canSetupSaml: true }]) {
        const res = await call('PATCH', `/orgs/${org.id}`, { as, body });
        expect([res.status, fieldsOf(res.body)]).toEqual([400, Object.keys(body)]);
      }
    }
    const after = (await call('GET', `/orgs/${org.id}`, { as: owner })).body;
    expect(after).toMatchObject({ name: 'A', plan: 'free', canSetupSaml: false });
  });
});

describe('DELETE /orgs/{orgId}', () => {
  it('is for owners only', async () => {
    const owner = 'del-owner@example.com';
    const org = await createOrg(owner);
    await addMember(org.id, owner, 'del-admin@example.com', 'admin');
    expect((await call('DELETE', `/orgs/${org.id}`, { as: 'del-admin@example.com' })).status).toBe(403);
    expect((await call('GET', `/orgs/${org.id}`, { as: owner })).status).toBe(200);
  });

  it('removes every item of the tenant and nothing of another', async () => {
    const owner = 'wipe@example.com';
    const org = await createOrg(owner);
    const other = await createOrg('bystander@example.com');
    const member = await addMember(org.id, owner, 'wiped-member@example.com');
    const pending = await call('POST', `/orgs/${org.id}/invites`, {
      as: owner,
      body: { email: 'later@example.com' },
    });
    const tokenHash = (await partition(keys.invite(org.id, pending.body.id).pk)).find(
      (i) => i.type === 'INVITE',
    )!.tokenHash as string;
    // A calendar partition as another feature would leave it: connection item plus events.
    await testDb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.calendarConnection(org.id, member.userId), type: 'CALENDAR' },
      }),
    );
    await testDb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.calendarEvent(org.id, member.userId, '2026-11-23T09:00:00Z', 'g1'), type: 'EVENT' },
      }),
    );
    expect((await partition(keys.inviteToken(tokenHash).pk)).length).toBe(1);

    const res = await call('DELETE', `/orgs/${org.id}`, { as: owner });
    expect(res.status).toBe(204);
    expect(await partition(keys.org(org.id).pk)).toEqual([]);
    expect(await partition(keys.auditPk(org.id))).toEqual([]);
    expect(await partition(keys.calendarPk(org.id, member.userId))).toEqual([]);
    expect(await partition(keys.inviteToken(tokenHash).pk)).toEqual([]);
    expect((await call('GET', '/me/orgs', { as: 'wiped-member@example.com' })).body.items).toEqual([]);
    expect((await call('GET', `/orgs/${org.id}`, { as: owner })).status).toBe(404);
    expect((await partition(keys.org(other.id).pk)).length).toBe(2);
    expect((await partition(keys.auditPk(other.id))).length).toBe(1);
  });
});

describe('POST /orgs/{orgId}/join', () => {
  it('admits a verified email of the org’s domains as member, once', async () => {
    const org = await createOrg('boss@joinco.com', {
      domain: 'joinco.com',
      extraDomains: ['joinco.io'],
      autoJoinByDomain: true,
    });
    const joined = await call('POST', `/orgs/${org.id}/join`, { as: 'dev@joinco.io' });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ role: 'member', email: 'dev@joinco.io', version: 1 });
    const again = await call('POST', `/orgs/${org.id}/join`, { as: 'dev@joinco.io' });
    expect(again.status).toBe(409);
    expect((await call('GET', `/orgs/${org.id}`, { as: 'boss@joinco.com' })).body.memberCount).toBe(2);
    const audit = await call('GET', `/orgs/${org.id}/audit`, { as: 'boss@joinco.com' });
    expect(audit.body.items[0]).toMatchObject({
      action: 'member.joined',
      target: { id: joined.body.userId },
    });
  });

  it('answers 404 for another domain, auto-join off or no such org, and adds nobody', async () => {
    const open = await createOrg('boss@open.com', { domain: 'open.com', autoJoinByDomain: true });
    const closed = await createOrg('boss@closed.com', { domain: 'closed.com' });
    expect((await call('POST', `/orgs/${open.id}/join`, { as: 'x@elsewhere.com' })).status).toBe(404);
    expect((await call('POST', `/orgs/${open.id}/join`, { as: 'x@sub.open.com' })).status).toBe(404);
    expect((await call('POST', `/orgs/${closed.id}/join`, { as: 'x@closed.com' })).status).toBe(404);
    expect(
      (await call('POST', '/orgs/org_01ARZ3NDEKTSV4RRFFQ69G5FAV/join', { as: 'x@open.com' })).status,
    ).toBe(404);
    for (const org of [open, closed]) expect((await partition(keys.org(org.id).pk)).length).toBe(2);
  });

  it('lets 20 concurrent joins against a limit of 5 leave exactly 5 members', async () => {
    const org = await createOrg('boss@crowd.com', {
      domain: 'crowd.com',
      autoJoinByDomain: true,
      maxUsers: 5,
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call('POST', `/orgs/${org.id}/join`, { as: `p${i}@crowd.com` })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses.filter((s) => s === 422)).toHaveLength(16);
    const members = (await partition(keys.org(org.id).pk)).filter((i) => i.type === 'MEMBERSHIP');
    expect(members).toHaveLength(5);
    expect((await call('GET', `/orgs/${org.id}`, { as: 'boss@crowd.com' })).body.memberCount).toBe(5);
  });
});
