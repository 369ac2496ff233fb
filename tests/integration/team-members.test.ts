import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { call } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
const people = (orgId: string) => `/orgs/${orgId}/team-members`;
const person = (orgId: string, id: string) => `${people(orgId)}/${id}`;
const auditActions = async (orgId: string) =>
  (await partition(keys.auditPk(orgId))).map((e) => e.action as string);

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const manager = `manager@${tag}.test`;
  const member = `member@${tag}.test`;
  await addMember(org.id, owner, manager, 'manager');
  const login = await addMember(org.id, owner, member, 'member');
  return { org, owner, manager, member, memberUserId: login.userId };
}

const rep = { fullName: 'Ada Closer', memberType: 'sales' };

describe('team members', () => {
  it('managers add, change and remove people without logins; members read; every change is audited', async () => {
    const { org, manager, member } = await team('tm-crud');
    const created = await call('POST', people(org.id), {
      as: manager,
      body: {
        ...rep,
        email: 'Ada@Example.com',
        phone: '+14155550101',
        externalIds: [{ source: 'gohighlevel', id: 'ghl-1' }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      fullName: 'Ada Closer',
      email: 'ada@example.com',
      phone: '+14155550101',
      memberType: 'sales',
      status: 'active',
      userId: null,
      commissionPlanId: null,
      version: 1,
    });
    expect(created.body.id).toMatch(/^tmb_/);
    const id = created.body.id as string;

    expect((await call('POST', people(org.id), { as: member, body: rep })).status).toBe(403);
    expect((await call('GET', person(org.id, id), { as: member })).body.fullName).toBe('Ada Closer');

    const stale = await call('PATCH', person(org.id, id), {
      as: manager,
      headers: { 'if-match': '"0"' },
      body: { status: 'inactive' },
    });
    expect(stale.status).toBe(412);
    const changed = await call('PATCH', person(org.id, id), {
      as: manager,
      headers: { 'if-match': created.headers.etag! },
      body: { status: 'inactive', email: null },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ status: 'inactive', email: null, version: 2 });
    // The email is free again: another person may take it.
    const other = await call('POST', people(org.id), {
      as: manager,
      body: { ...rep, email: 'ada@example.com' },
    });
    expect(other.status).toBe(201);

    expect((await call('DELETE', person(org.id, id), { as: member })).status).toBe(403);
    expect((await call('DELETE', person(org.id, id), { as: manager })).status).toBe(204);
    expect((await call('GET', person(org.id, id), { as: manager })).status).toBe(404);
    // Its external id went with it.
    const again = await call('POST', people(org.id), {
      as: manager,
      body: { ...rep, externalIds: [{ source: 'gohighlevel', id: 'ghl-1' }] },
    });
    expect(again.status).toBe(201);
    expect(await auditActions(org.id)).toEqual(
      expect.arrayContaining(['team_member.created', 'team_member.updated', 'team_member.deleted']),
    );
  });

  it('keeps email, external ids (per source) and a linked login unique in the org: 409 naming the field, nothing written', async () => {
    const { org, manager, memberUserId } = await team('tm-unique');
    const first = await call('POST', people(org.id), {
      as: manager,
      body: {
        ...rep,
        email: 'sam@example.com',
        userId: memberUserId,
        externalIds: [{ source: 'gohighlevel', id: 'u-7' }],
      },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const before = await tenantSnapshot(org.id);
    for (const [body, field] of [
      [{ email: 'SAM@example.com' }, 'email'],
      [{ externalIds: [{ source: 'gohighlevel', id: 'u-7' }] }, 'externalIds'],
      [{ userId: memberUserId }, 'userId'],
    ] as const) {
      const res = await call('POST', people(org.id), { as: manager, body: { ...rep, ...body } });
      expect([res.status, fieldsOf(res.body)], JSON.stringify(body)).toEqual([409, [field]]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
    // The same id from another source is another person's.
    const otherSource = await call('POST', people(org.id), {
      as: manager,
      body: { ...rep, externalIds: [{ source: 'hubspot', id: 'u-7' }] },
    });
    expect(otherSource.status).toBe(201);
    // A login must be a member of this org: 404 naming userId.
    const stranger = await call('POST', people(org.id), {
      as: manager,
      body: { ...rep, userId: 'not-a-member' },
    });
    expect([stranger.status, fieldsOf(stranger.body)]).toEqual([404, ['userId']]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ fullName: '' }, 'fullName'],
    [{ fullName: 'Ann\u202Eevil' }, 'fullName'],
    [{ email: 'not-an-email' }, 'email'],
    [{ phone: '4155550101' }, 'phone'],
    [{ memberType: 'marketing' }, 'memberType'],
    [{ status: 'gone' }, 'status'],
    [
      {
        externalIds: [
          { source: 'ghl', id: 'a' },
          { source: 'ghl', id: 'b' },
        ],
      },
      'externalIds',
    ],
    [{ externalIds: [{ source: 'GHL!', id: 'a' }] }, 'externalIds.0.source'],
    [{ commissionPlanId: 'plan_1' }, 'commissionPlanId'],
  ])('refuses %o with a 400 naming %s, changing nothing', async (change, field) => {
    const { org, manager } = await team(`tm-bad-${field.replace(/\W/g, '')}-${Object.keys(change)[0]}`);
    const before = await tenantSnapshot(org.id);
    const res = await call('POST', people(org.id), { as: manager, body: { ...rep, ...change } });
    expect([res.status, fieldsOf(res.body)]).toEqual([400, [field]]);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('refuses a bad change with a 400 naming the field, leaving the person as it was', async () => {
    const { org, manager } = await team('tm-bad-patch');
    const created = await call('POST', people(org.id), { as: manager, body: rep });
    const before = await tenantSnapshot(org.id);
    const res = await call('PATCH', person(org.id, created.body.id), {
      as: manager,
      body: { phone: '+0123' },
    });
    expect([res.status, fieldsOf(res.body)]).toEqual([400, ['phone']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('lists all, by type, by status and by type and status, a page at a time, each one list', async () => {
    const { org, manager, member } = await team('tm-lists');
    const specs = [
      ['sales', 'active'],
      ['sales', 'inactive'],
      ['support', 'active'],
      ['sales', 'active'],
      ['operations', 'inactive'],
    ] as const;
    const ids: string[] = [];
    for (const [i, [memberType, status]] of specs.entries()) {
      const res = await call('POST', people(org.id), {
        as: manager,
        body: { fullName: `Person ${i}`, memberType, status },
      });
      ids.push(res.body.id);
    }
    const list = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await call(
          'GET',
          `${people(org.id)}?limit=2${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {
            as: member,
          },
        );
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        seen.push(...res.body.items.map((m: { id: string }) => m.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await list('')).toEqual(ids);
    expect(await list('&memberType=sales')).toEqual([ids[0], ids[3], ids[1]]);
    expect(await list('&memberType=sales&status=active')).toEqual([ids[0], ids[3]]);
    expect(await list('&status=inactive')).toEqual([ids[1], ids[4]]);
    // A status change moves the person between lists.
    await call('PATCH', person(org.id, ids[4]!), {
      as: manager,
      body: { status: 'active', memberType: 'sales' },
    });
    expect(await list('&memberType=sales&status=active')).toEqual([ids[0], ids[3], ids[4]]);
    expect(await list('&status=inactive')).toEqual([ids[1]]);
    const bad = await call('GET', `${people(org.id)}?memberType=robot`, { as: member });
    expect([bad.status, fieldsOf(bad.body)]).toEqual([400, ['memberType']]);
  });
});

describe('additional roles grant permissions on top of the org role', () => {
  it('a member labelled bot_trainer writes prompts (an admin’s permission); without the label, 403', async () => {
    const { org, owner, member, memberUserId } = await team('tm-bot-trainer');
    const write = () =>
      call('POST', `/orgs/${org.id}/knowledge`, {
        as: member,
        body: { title: 'Hours', content: 'Open 9 to 5.' },
      });
    expect((await write()).status).toBe(403);
    const labelled = await call('PATCH', `/orgs/${org.id}/members/${memberUserId}`, {
      as: owner,
      body: { additionalRoles: ['bot_trainer'] },
    });
    expect(labelled.status, JSON.stringify(labelled.body)).toBe(200);
    expect((await write()).status).toBe(201);
    // It grants what it names, not a role: creating agents stays an admin's.
    const agent = await call('POST', `/orgs/${org.id}/agents`, {
      as: member,
      body: { name: 'Bot', type: 'chat' },
    });
    expect(agent.status).toBe(403);
  });
});

describe('tasks assigned to team members', () => {
  it('assigns a task to a person without a login, lists it by that assignee, and refuses an unknown one (404 naming assignedTo)', async () => {
    const { org, manager } = await team('tm-tasks');
    const created = await call('POST', people(org.id), { as: manager, body: rep });
    const assignee = created.body.id as string;
    const task = await call('POST', `/orgs/${org.id}/tasks`, {
      as: manager,
      body: { type: 'other', subject: 'Call back the lead', assignedTo: assignee },
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    expect(task.body.assignedTo).toBe(assignee);
    const listed = await call('GET', `/orgs/${org.id}/tasks?assignedTo=${assignee}`, { as: manager });
    expect(listed.body.items.map((t: { id: string }) => t.id)).toEqual([task.body.id]);

    await call('DELETE', person(org.id, assignee), { as: manager });
    const before = await tenantSnapshot(org.id);
    const gone = await call('POST', `/orgs/${org.id}/tasks`, {
      as: manager,
      body: { type: 'other', subject: 'Nobody', assignedTo: assignee },
    });
    expect([gone.status, fieldsOf(gone.body)]).toEqual([404, ['assignedTo']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });
});
