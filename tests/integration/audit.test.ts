import { describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { addMember, createOrg, tenantSnapshot, tokenOf } from '../support/tenancy';

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

describe('GET /orgs/{orgId}/audit filters', () => {
  /** Every page of one filtered list, newest first, as the console pages it. */
  async function all(orgId: string, as: string, filters: string) {
    const seen: any[] = [];
    let cursor: string | undefined;
    do {
      const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await call('GET', `/orgs/${orgId}/audit?limit=2&${filters}${q}`, { as });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return seen;
  }

  async function trail() {
    const owner = 'owner@audit-filters.test';
    const adminEmail = 'admin@audit-filters.test';
    const org = await createOrg(owner);
    const admin = await addMember(org.id, owner, adminEmail, 'admin');
    await call('PATCH', `/orgs/${org.id}`, { as: owner, body: { description: 'By the owner' } });
    await call('PATCH', `/orgs/${org.id}`, { as: adminEmail, body: { description: 'By the admin' } });
    await call('POST', `/orgs/${org.id}/invites`, {
      as: adminEmail,
      body: { email: 'x@audit-filters.test' },
    });
    await call('PATCH', `/orgs/${org.id}`, { as: owner, body: { description: 'Owner again' } });
    const everything = await all(org.id, owner, '');
    return { org, owner, admin, everything };
  }

  it('lists one actor’s entries, one action’s, or both, newest first and paged', async () => {
    const { org, owner, admin, everything } = await trail();
    const byAdmin = await all(org.id, owner, `actorId=${admin.userId}`);
    expect(byAdmin.map((e) => e.action)).toEqual(['invite.created', 'org.updated', 'invite.accepted']);
    expect(byAdmin).toEqual(everything.filter((e) => e.actor.userId === admin.userId));

    const updates = await all(org.id, owner, 'action=org.updated');
    expect(updates.map((e) => e.after.description)).toEqual(['Owner again', 'By the admin', 'By the owner']);

    const both = await all(org.id, owner, `actorId=${admin.userId}&action=org.updated`);
    expect(both.map((e) => e.after.description)).toEqual(['By the admin']);
    expect(await all(org.id, owner, `actorId=${admin.userId}&action=member.removed`)).toEqual([]);
  });

  it('lists the entries of a time range [from, to), alone or with another filter', async () => {
    const { org, owner, everything } = await trail();
    // Oldest first: org.created, invite.created, invite.accepted, three updates and an invite.
    const oldestFirst = [...everything].reverse();
    const from = oldestFirst[2].at;
    const to = oldestFirst[5].at;
    const inRange = everything.filter((e) => e.at >= from && e.at < to);
    expect(inRange.length).toBeGreaterThan(0);
    expect(await all(org.id, owner, `from=${from}&to=${to}`)).toEqual(inRange);
    expect(await all(org.id, owner, `from=${from}`)).toEqual(everything.filter((e) => e.at >= from));
    expect(await all(org.id, owner, `to=${to}`)).toEqual(everything.filter((e) => e.at < to));
    expect(await all(org.id, owner, `action=org.updated&from=${from}&to=${to}`)).toEqual(
      inRange.filter((e) => e.action === 'org.updated'),
    );
    // A time without milliseconds means the same instant as the stored form with them.
    const wholeSecond = new Date(Date.parse(everything[0].at) + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    expect(await all(org.id, owner, `from=2000-01-01T00:00:00Z&to=${wholeSecond}`)).toEqual(everything);
  });

  it('refuses a cursor of another list: unfiltered, another filter, another range', async () => {
    const { org, owner, admin } = await trail();
    const list = (q: string) => call('GET', `/orgs/${org.id}/audit?limit=1&${q}`, { as: owner });
    const cursorOf = async (q: string) => (await list(q)).body.nextCursor as string;
    const unfiltered = await cursorOf('');
    const byActor = await cursorOf(`actorId=${admin.userId}`);
    const ranged = await cursorOf('from=2000-01-01T00:00:00Z');
    for (const [cursor, other] of [
      [unfiltered, 'from=2000-01-01T00:00:00Z'],
      [unfiltered, `actorId=${admin.userId}`],
      [unfiltered, 'action=org.updated'],
      [byActor, 'action=org.updated'],
      [byActor, ''],
      [ranged, 'from=2001-01-01T00:00:00Z'],
      [ranged, ''],
    ] as const) {
      const res = await list(`${other}&cursor=${encodeURIComponent(cursor)}`);
      expect([res.status, res.body.errors?.[0]?.field], `${other}`).toEqual([400, 'cursor']);
    }
  });

  it('refuses bad filters with a 400 naming the field, changing nothing', async () => {
    const { org, owner } = await trail();
    const before = await tenantSnapshot(org.id);
    for (const [query, field] of [
      ['actorId=not%20a%20user', 'actorId'],
      ['action=Member%20Updated', 'action'],
      ['action=member', 'action'],
      ['from=yesterday', 'from'],
      ['to=2030-01-01', 'to'],
      ['from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'to'],
      ['from=2030-01-01T00:00:00Z&to=2030-01-01T00:00:00Z', 'to'],
      ['actor=usr_1', 'actor'],
    ]) {
      const res = await call('GET', `/orgs/${org.id}/audit?${query}`, { as: owner });
      expect([res.status, res.body.errors?.map((e: any) => e.field)], query).toEqual([400, [field]]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });
});
