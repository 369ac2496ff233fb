/**
 * Generated from the route table: every org-scoped route, including those other features add
 * later, is tried against org A by an owner of org B, by a signed-in user with no membership
 * and by a member one role too low. None may get through, and no answer may mention org A.
 * The pipeline authorizes before it validates, so no request bodies are needed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { minimumRole, orgRoles, rank } from '../../functions/api/permissions';
import { routes } from '../../functions/api/routes';
import { keys } from '../../functions/data/keys';
import { call } from '../support/api';
import { addMember, createOrg, partition } from '../support/tenancy';

const orgRoutes = routes.filter((r) => r.auth.kind === 'org');
const roleEmail = (role: string) => `${role}@alpha.test`;

let orgA: { id: string; name: string };
let orgB: { id: string; name: string };
const ids: Record<string, string> = {};

beforeAll(async () => {
  orgA = await createOrg(roleEmail('owner'), { name: 'Alpha Zebra Tenant', plan: 'starter' });
  for (const role of ['admin', 'manager', 'member', 'viewer']) {
    ids.userId = (await addMember(orgA.id, roleEmail('owner'), roleEmail(role), role)).userId;
  }
  const invite = await call('POST', `/orgs/${orgA.id}/invites`, {
    as: roleEmail('owner'),
    body: { email: 'invitee@alpha.test' },
  });
  ids.inviteId = invite.body.id;
  orgB = await createOrg('owner@bravo.test', { name: 'Bravo Tenant' });
});

/** Real ids of org A where a route names them, so a leak would have something to find. */
function pathFor(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    name === 'orgId' ? orgA.id : (ids[name] ?? `${name.replace(/Id$/, '')}_01ARZ3NDEKTSV4RRFFQ69G5FAV`),
  );
}

function expectNoTrace(body: unknown) {
  const text = JSON.stringify(body ?? '');
  expect(text).not.toContain(orgA.id);
  expect(text).not.toContain(orgA.name);
}

describe('tenant isolation of every org-scoped route', () => {
  it('covers the tenancy routes at least', () => {
    expect(orgRoutes.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(orgRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (_key, route) => {
    const permission = route.auth.kind === 'org' ? route.auth.permission : undefined!;

    it('answers 404 to an owner of another org', async () => {
      const res = await call(route.method, pathFor(route.path), { as: 'owner@bravo.test' });
      expect(res.status).toBe(404);
      expectNoTrace(res.body);
    });

    it('answers 404 to a signed-in user with no membership', async () => {
      const res = await call(route.method, pathFor(route.path), { as: 'stranger@nowhere.test' });
      expect(res.status).toBe(404);
      expectNoTrace(res.body);
    });

    const minimum = minimumRole(permission);
    const lower = orgRoles.find((role) => rank(role) === rank(minimum) - 1);
    // Routes open to viewers have no lower role to try.
    if (lower) {
      it(`answers 403 to a ${lower} (needs ${minimum})`, async () => {
        const res = await call(route.method, pathFor(route.path), { as: roleEmail(lower) });
        expect(res.status).toBe(403);
        expectNoTrace(res.body);
      });
    }
  });

  it('left org A exactly as it was', async () => {
    const members = (await partition(keys.org(orgA.id).pk)).filter((i) => i.type === 'MEMBERSHIP');
    expect(members).toHaveLength(5);
    const counts: Record<string, number> = {};
    for (const entry of await partition(keys.auditPk(orgA.id))) {
      counts[entry.action] = (counts[entry.action] ?? 0) + 1;
    }
    expect(counts).toEqual({
      'org.created': 1,
      'org.entitlements_changed': 1,
      'invite.created': 5,
      'invite.accepted': 4,
    });
  });
});

describe('platform routes (README "Platform administration")', () => {
  const platformRoutes = routes.filter((r) => r.auth.kind === 'platform');
  it.each(platformRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s answers 403 to an org owner with no platform role, naming no org',
    async (_key, route) => {
      const res = await call(route.method, pathFor(route.path), { as: roleEmail('owner') });
      expect(res.status).toBe(403);
      expectNoTrace(res.body);
    },
  );
});

describe('paging cursors across tenants', () => {
  it('refuses a cursor edited to point into another org’s partition', async () => {
    const page = await call('GET', `/orgs/${orgA.id}/members?limit=1`, { as: roleEmail('owner') });
    const [payload, signature] = (page.body.nextCursor as string).split('.');
    const edited = Buffer.from(
      Buffer.from(payload!, 'base64url').toString('utf8').replaceAll(orgA.id, orgB.id),
    ).toString('base64url');
    const res = await call('GET', `/orgs/${orgB.id}/members?cursor=${edited}.${signature}`, {
      as: 'owner@bravo.test',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    expectNoTrace(res.body);
  });

  it('refuses a genuine cursor of one org used on another', async () => {
    const page = await call('GET', `/orgs/${orgA.id}/audit?limit=1`, { as: roleEmail('owner') });
    await addMember(orgB.id, 'owner@bravo.test', roleEmail('admin'), 'admin');
    const res = await call(
      'GET',
      `/orgs/${orgB.id}/audit?cursor=${encodeURIComponent(page.body.nextCursor)}`,
      {
        as: roleEmail('admin'),
      },
    );
    expect(res.status).toBe(400);
    expectNoTrace(res.body);
  });
});
