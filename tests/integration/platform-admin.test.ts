/**
 * Platform administration over real handlers and DynamoDB Local: the configured superadmin, grants,
 * what each platform role may do (every /admin route walked), suspension locking a tenant out of
 * every org route and reactivation letting it back, the org and platform audit logs, entitlements,
 * bad input naming its field with nothing changed, and the org search index with paging.
 */

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../functions/api/route';
import { routes } from '../../functions/api/routes';
import { keys } from '../../functions/data/keys';
import { backfillOrgIndex } from '../../infra/scripts/backfill-org-index';
import { call } from '../support/api';
import { identity, tableName, testDb } from '../support/env';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const root = 'root@platform.test';
const admin = 'admin@platform.test';
const support = 'support@platform.test';
const adminRoutes = routes.filter((r) => r.auth.kind === 'platform');
const suspendedMessage =
  'This organization is suspended by the platform operator; its data is kept. Contact support to reactivate it.';

let org: { id: string; name: string; version: number };
let other: { id: string; name: string };
let memberId: string;

async function grant(email: string, role: string) {
  await call('GET', '/me', { as: email });
  const res = await call('POST', '/admin/admins', { as: root, body: { email, role } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

beforeAll(async () => {
  org = await createOrg('owner@acme.test', { name: 'Acme Rockets', domain: 'acme.test' });
  memberId = (await addMember(org.id, 'owner@acme.test', 'member@acme.test')).userId;
  other = await createOrg('owner@globex.test', { name: 'Globex' });
  await grant(admin, 'admin');
  await grant(support, 'support');
});

/** A valid request for each platform route, so a walk reaches the route's own work. */
function validRequest(route: RouteSpec): { path: string; body?: unknown } {
  const requests: Record<string, { path: string; body?: unknown }> = {
    searchOrgsAsAdmin: { path: '/admin/orgs?name=acme' },
    getOrgAsAdmin: { path: `/admin/orgs/${other.id}` },
    suspendOrg: { path: `/admin/orgs/${other.id}/suspend` },
    reactivateOrg: { path: `/admin/orgs/${other.id}/reactivate` },
    setOrgPlan: { path: `/admin/orgs/${other.id}/plan`, body: { plan: 'starter' } },
    findUsersAsAdmin: { path: '/admin/users?email=member@acme.test' },
    listPlatformAdmins: { path: '/admin/admins' },
    grantPlatformRole: { path: '/admin/admins', body: { email: 'member@acme.test', role: 'support' } },
    revokePlatformRole: { path: `/admin/admins/${memberId}` },
    listPlatformAudit: { path: '/admin/audit' },
  };
  const request = requests[route.operationId];
  if (!request) throw new Error(`add ${route.operationId} to the platform walk`);
  return request;
}

describe('who is a platform admin', () => {
  it('the configured email is superadmin without any grant; others have no role', async () => {
    const me = await call('GET', '/me', { as: root });
    expect(me.body.platformRole).toBe('superadmin');
    expect(await partition(keys.platformRole(me.body.id).pk)).not.toContainEqual(
      expect.objectContaining({ sk: 'PLATFORMROLE' }),
    );
    expect((await call('GET', '/me', { as: 'owner@acme.test' })).body.platformRole).toBeNull();
    expect((await call('GET', '/me', { as: admin })).body.platformRole).toBe('admin');
  });

  it('the configured email with an unverified claim is nobody', async () => {
    const unverified = identity.mint(root, undefined, { email_verified: false });
    const res = await call('GET', '/admin/audit', { token: unverified });
    expect(res.status).toBe(403);
  });

  it('a non-admin gets 403 on every /admin route, before anything is read or written', async () => {
    expect(adminRoutes.length).toBeGreaterThanOrEqual(10);
    const before = await partition(keys.platformAuditPk);
    for (const route of adminRoutes) {
      const { path, body } = validRequest(route);
      const res = await call(route.method, path, { as: 'owner@acme.test', body });
      expect(res.status, route.operationId).toBe(403);
      expect(res.body.detail).toBe('This route is for platform administrators.');
    }
    expect(await partition(keys.platformAuditPk)).toEqual(before);
  });

  it('support reads everything and writes nothing (every /admin route walked)', async () => {
    const before = {
      org: await tenantSnapshot(other.id),
      admins: await call('GET', '/admin/admins', { as: root }),
    };
    for (const route of adminRoutes) {
      const { path, body } = validRequest(route);
      const res = await call(route.method, path, { as: support, body });
      if (route.method === 'GET') expect(res.status, route.operationId).toBe(200);
      else {
        expect(res.status, route.operationId).toBe(403);
        expect(res.body.detail).toMatch(/Your platform role \(support\) cannot do this/);
      }
    }
    const after = await tenantSnapshot(other.id);
    expect(after.items).toEqual(before.org.items);
    // Support's reads are audited in the org (and nothing else changed there).
    expect(
      after.audit
        .filter((e) => !before.org.audit.some((b) => b.sk === e.sk))
        .map((e) => e.action)
        .sort(),
    ).toEqual(['org.read_by_platform']);
    expect((await call('GET', '/admin/admins', { as: root })).body).toEqual(before.admins.body);
  });

  it('an admin cannot grant or revoke platform roles; a superadmin can, but not their own', async () => {
    const byAdmin = await call('POST', '/admin/admins', {
      as: admin,
      body: { email: 'member@acme.test', role: 'support' },
    });
    expect(byAdmin.status).toBe(403);
    const supportId = (await call('GET', '/me', { as: support })).body.id;
    expect((await call('DELETE', `/admin/admins/${supportId}`, { as: admin })).status).toBe(403);

    const rootId = (await call('GET', '/me', { as: root })).body.id;
    const self = await call('DELETE', `/admin/admins/${rootId}`, { as: root });
    expect(self.status).toBe(422);
    expect(self.body.errors).toEqual([{ field: 'userId', message: expect.stringMatching(/your own/) }]);

    await grant('member@acme.test', 'support');
    expect((await call('GET', '/me', { as: 'member@acme.test' })).body.platformRole).toBe('support');
    expect((await call('DELETE', `/admin/admins/${memberId}`, { as: root })).status).toBe(204);
    expect((await call('GET', '/me', { as: 'member@acme.test' })).body.platformRole).toBeNull();
    expect((await call('DELETE', `/admin/admins/${memberId}`, { as: root })).status).toBe(404);
    const actions = (await call('GET', '/admin/audit?limit=3', { as: root })).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(['platform.role_revoked', 'platform.role_granted', expect.any(String)]);
  });

  it('refuses bad grants naming the field, changing nothing', async () => {
    const before = await call('GET', '/admin/admins', { as: root });
    const cases: [unknown, string][] = [
      [{ email: 'x@y.test', role: 'owner' }, 'role'],
      [{ email: 'not-an-email', role: 'admin' }, 'email'],
      [{ role: 'admin' }, 'email'],
      [{ email: 'a@b.test', userId: 'usr_1', role: 'admin' }, 'email'],
      [{ email: 'a@b.test', role: 'admin', superuser: true }, 'superuser'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/admin/admins', { as: root, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const nobody = await call('POST', '/admin/admins', {
      as: root,
      body: { email: 'never@x.test', role: 'admin' },
    });
    expect(nobody.status).toBe(404);
    expect(nobody.body.errors).toEqual([{ field: 'email', message: expect.stringMatching(/sign in once/) }]);
    // Someone who signed in claiming the address, unverified, is nobody to grant a role to by it.
    const claimant = identity.mint('claimed@platform.test', undefined, { email_verified: false });
    expect((await call('GET', '/me', { token: claimant })).status).toBe(200);
    const claimed = await call('POST', '/admin/admins', {
      as: root,
      body: { email: 'claimed@platform.test', role: 'admin' },
    });
    expect(claimed.status).toBe(404);
    expect(claimed.body.errors).toEqual([{ field: 'email', message: expect.stringMatching(/verified/) }]);
    expect((await call('GET', '/admin/admins', { as: root })).body).toEqual(before.body);
  });
});

describe('suspension', () => {
  /** Real ids where a route names them; authorization answers before anything else. */
  const pathOf = (route: RouteSpec, orgId: string) =>
    route.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
      name === 'orgId' ? orgId : name === 'userId' ? memberId : `${name}_01ARZ3NDEKTSV4RRFFQ69G5FAV`,
    );
  const orgRoutes = routes.filter((r) => r.auth.kind === 'org');

  it('locks every member out of every org route with a clear 403, keeps the data, and reactivation restores access', async () => {
    const before = await partition(keys.org(org.id).pk);
    const suspended = await call('POST', `/admin/orgs/${org.id}/suspend`, { as: admin });
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('suspended');

    for (const route of orgRoutes) {
      for (const who of ['owner@acme.test', 'member@acme.test']) {
        const res = await call(route.method, pathOf(route, org.id), { as: who });
        expect(res.status, `${who} ${route.operationId}`).toBe(403);
        expect(res.body.detail).toBe(suspendedMessage);
      }
    }
    // A stranger still learns nothing: the org looks absent, as before.
    expect((await call('GET', `/orgs/${org.id}`, { as: 'stranger@x.test' })).status).toBe(404);
    // Another tenant is untouched.
    expect((await call('GET', `/orgs/${other.id}`, { as: 'owner@globex.test' })).status).toBe(200);
    // Nothing of the tenant was removed (the org item changed status only).
    const kept = await partition(keys.org(org.id).pk);
    expect(kept.map((i) => i.sk).sort()).toEqual(before.map((i) => i.sk).sort());

    expect((await call('POST', `/admin/orgs/${org.id}/suspend`, { as: admin })).status).toBe(409);
    const back = await call('POST', `/admin/orgs/${org.id}/reactivate`, { as: root });
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('active');
    expect((await call('GET', `/orgs/${org.id}`, { as: 'member@acme.test' })).status).toBe(200);
    expect((await call('GET', `/orgs/${org.id}/members`, { as: 'owner@acme.test' })).body.items).toHaveLength(
      2,
    );
    expect(
      (await call('POST', `/orgs/${org.id}/tasks`, { as: 'member@acme.test', body: { type: 'other' } }))
        .status,
    ).toBe(201);
    expect((await call('POST', `/admin/orgs/${org.id}/reactivate`, { as: root })).status).toBe(409);
  });

  it('records suspend and reactivate in the org’s audit log and in the platform’s', async () => {
    const orgLog = await call('GET', `/orgs/${org.id}/audit?action=org.suspended`, { as: 'owner@acme.test' });
    expect(orgLog.body.items).toEqual([
      expect.objectContaining({
        action: 'org.suspended',
        actor: { userId: expect.any(String), email: admin },
        before: { status: 'active' },
        after: { status: 'suspended' },
      }),
    ]);
    const platformLog = (await call('GET', '/admin/audit?limit=50', { as: support })).body.items;
    const ofOrg = platformLog.filter((e: { orgId: string | null }) => e.orgId === org.id);
    expect(ofOrg.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['org.suspended', 'org.reactivated']),
    );
    // The same request wrote both entries.
    expect(ofOrg.find((e: { action: string }) => e.action === 'org.suspended').requestId).toBe(
      orgLog.body.items[0].requestId,
    );
  });

  it('refuses bad org ids and stale versions, changing nothing', async () => {
    const before = await tenantSnapshot(org.id);
    expect((await call('POST', '/admin/orgs/nope/suspend', { as: admin })).body.errors).toEqual([
      { field: 'orgId', message: expect.any(String) },
    ]);
    expect(
      (await call('POST', '/admin/orgs/org_01ARZ3NDEKTSV4RRFFQ69G5FAV/suspend', { as: admin })).status,
    ).toBe(404);
    const stale = await call('POST', `/admin/orgs/${org.id}/suspend`, {
      as: admin,
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });
});

describe('org detail, plan and users', () => {
  it('shows an org with members, agents, numbers and this month’s tasks, audited in both logs', async () => {
    const res = await call('GET', `/admin/orgs/${org.id}`, { as: support });
    expect(res.status).toBe(200);
    expect(res.body.org.id).toBe(org.id);
    expect(res.body.members.map((m: { email: string }) => m.email).sort()).toEqual([
      'member@acme.test',
      'owner@acme.test',
    ]);
    expect(res.body.tasksThisMonth.total).toBeGreaterThanOrEqual(1);
    expect(res.body.tasksThisMonth.byType.other.pending).toBeGreaterThanOrEqual(1);
    const orgLog = await call('GET', `/orgs/${org.id}/audit?action=org.read_by_platform`, {
      as: 'owner@acme.test',
    });
    expect(orgLog.body.items[0]).toMatchObject({
      actor: { email: support },
      after: { platformRole: 'support' },
    });
  });

  it('sets the plan and SAML through the same path as the operator script, refusing bad input', async () => {
    const before = await tenantSnapshot(other.id);
    const bad: [unknown, string][] = [
      [{}, 'plan'],
      [{ plan: 'platinum' }, 'plan'],
      [{ canSetupSaml: 'yes' }, 'canSetupSaml'],
      [{ plan: 'starter', maxUsers: 3 }, 'maxUsers'],
    ];
    for (const [body, field] of bad) {
      const res = await call('PUT', `/admin/orgs/${other.id}/plan`, { as: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await tenantSnapshot(other.id)).toEqual(before);
    const res = await call('PUT', `/admin/orgs/${other.id}/plan`, {
      as: admin,
      body: { plan: 'starter', canSetupSaml: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ plan: 'starter', canSetupSaml: true });
    const log = await call('GET', `/orgs/${other.id}/audit?action=org.entitlements_changed`, {
      as: 'owner@globex.test',
    });
    expect(log.body.items[0]).toMatchObject({
      actor: { email: admin },
      after: { plan: 'starter', canSetupSaml: true },
    });
  });

  it('looks people up by email with their orgs and role', async () => {
    const res = await call('GET', '/admin/users?email=Member@Acme.test', { as: support });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].profile.email).toBe('member@acme.test');
    expect(res.body.items[0].orgs.map((o: { org: { id: string } }) => o.org.id)).toEqual([org.id]);
    const bad = await call('GET', '/admin/users?email=nope', { as: support });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('email');
    const orgLog = await call('GET', `/orgs/${org.id}/audit?action=member.read_by_platform`, {
      as: 'owner@acme.test',
    });
    expect(orgLog.body.items[0].target).toEqual({ type: 'member', id: memberId });
  });
});

describe('org search', () => {
  it('pages a name prefix in name order (case and spacing ignored) without repeats', async () => {
    for (const n of [5, 2, 7, 1, 4, 6, 3])
      await createOrg(`owner${n}@paging.test`, { name: `Paging  Co ${n}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call(
        'GET',
        `/admin/orgs?name=${encodeURIComponent('PAGING co')}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { as: support },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((o: { name: string }) => o.name));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `Paging  Co ${n}`));
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('finds by domain, follows renames, and refuses bad queries naming the field', async () => {
    const byDomain = await call('GET', '/admin/orgs?domain=ACME.test', { as: support });
    expect(byDomain.body.items.map((o: { id: string }) => o.id)).toEqual([org.id]);
    const current = await call('GET', `/orgs/${org.id}`, { as: 'owner@acme.test' });
    const renamed = await call('PATCH', `/orgs/${org.id}`, {
      as: 'owner@acme.test',
      body: { name: 'Zenith Rockets', domain: null },
      headers: { 'if-match': `"${current.body.version}"` },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await call('GET', '/admin/orgs?name=acme', { as: support })).body.items).toEqual([]);
    expect((await call('GET', '/admin/orgs?name=zenith', { as: support })).body.items[0].id).toBe(org.id);
    expect((await call('GET', '/admin/orgs?domain=acme.test', { as: support })).body.items).toEqual([]);
    for (const [query, field] of [
      ['', 'name'],
      ['?name=a&domain=b.test', 'domain'],
      ['?domain=not a domain', 'domain'],
      ['?name=a&limit=51', 'limit'],
      ['?name=a&cursor=forged.sig', 'cursor'],
    ] as const) {
      const res = await call('GET', `/admin/orgs${query}`, { as: support });
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('finds orgs stored before the search keys existed once the backfill has run', async () => {
    const old = await createOrg('owner@legacy.test', { name: 'Legacy Works', domain: 'legacy.test' });
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.org(old.id),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
      }),
    );
    expect((await call('GET', '/admin/orgs?name=legacy', { as: support })).body.items).toEqual([]);
    expect(await backfillOrgIndex()).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/admin/orgs?name=legacy', { as: support })).body.items[0].id).toBe(old.id);
    expect((await call('GET', '/admin/orgs?domain=legacy.test', { as: support })).body.items[0].id).toBe(
      old.id,
    );
  });
});
