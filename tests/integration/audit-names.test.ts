/**
 * Audit entries name what they were done to (issue 23 item 4): the name is kept in the entry when
 * it is written, so the log still reads "renamed Greeter" after the agent is renamed or deleted.
 */
import { describe, expect, it } from 'vitest';
import { namedTarget, nameOf } from '../../functions/domain/audit';
import { call } from '../support/api';
import { addMember, createOrg } from '../support/tenancy';

async function entries(orgId: string, as: string) {
  const seen: { action: string; target: { type: string; id: string; name?: string } }[] = [];
  let cursor: string | undefined;
  do {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await call('GET', `/orgs/${orgId}/audit?limit=100${q}`, { as });
    expect(res.status).toBe(200);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return seen;
}

describe('audit entries carry the names of their targets', () => {
  it('names agents, prompts, knowledge, numbers, tasks, members, invitations and the org, as they were then', async () => {
    const owner = 'owner@audit-names.test';
    const org = await createOrg(owner, { name: 'Named Co', plan: 'starter' });
    const member = await addMember(org.id, owner, 'bea@audit-names.test');
    await call('PATCH', `/orgs/${org.id}/members/${member.userId}`, { as: owner, body: { role: 'manager' } });

    const agent = await call('POST', `/orgs/${org.id}/agents`, {
      as: owner,
      body: { name: 'Greeter', type: 'chat' },
    });
    expect(agent.status).toBe(201);
    const renamed = await call('PATCH', `/orgs/${org.id}/agents/${agent.body.id}`, {
      as: owner,
      body: { name: 'Front Desk' },
      headers: { 'if-match': `"${agent.body.version}"` },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const deleted = await call('DELETE', `/orgs/${org.id}/agents/${agent.body.id}`, {
      as: owner,
      headers: { 'if-match': `"${renamed.body.version}"` },
    });
    expect(deleted.status).toBe(204);

    const prompt = await call('POST', `/orgs/${org.id}/prompts`, {
      as: owner,
      body: { name: 'Support tone', text: 'Be brief and kind.' },
    });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);
    const entry = await call('POST', `/orgs/${org.id}/knowledge`, {
      as: owner,
      body: { title: 'Opening hours', content: 'Nine to six on weekdays.' },
    });
    expect(entry.status, JSON.stringify(entry.body)).toBe(201);
    const number = await call('POST', `/orgs/${org.id}/phone-numbers`, {
      as: owner,
      body: { e164: '+14155550188' },
    });
    expect(number.status, JSON.stringify(number.body)).toBe(201);
    const task = await call('POST', `/orgs/${org.id}/tasks`, {
      as: owner,
      body: { type: 'call', subject: 'Call back Dana' },
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    await call('POST', `/orgs/${org.id}/invites`, { as: owner, body: { email: 'cy@audit-names.test' } });
    await call('PATCH', `/orgs/${org.id}`, { as: owner, body: { displayName: 'Named Company' } });

    const seen = await entries(org.id, owner);
    const nameFor = (action: string) => seen.find((e) => e.action === action)?.target.name;
    expect(nameFor('org.created')).toBe('Named Co');
    // A rename names the org by its new name.
    expect(nameFor('org.updated')).toBe('Named Company');
    expect(nameFor('member.updated')).toBe('bea@audit-names.test');
    expect(nameFor('invite.created')).toBe('cy@audit-names.test');
    expect(nameFor('agent.created')).toBe('Greeter');
    expect(nameFor('agent.updated')).toBe('Front Desk');
    // Deleted: the entry still names it, though the agent is gone.
    expect(nameFor('agent.deleted')).toBe('Front Desk');
    expect(nameFor('prompt.created')).toBe('Support tone');
    expect(nameFor('knowledge.created')).toBe('Opening hours');
    expect(nameFor('phone_number.created')).toBe('+14155550188');
    expect(nameFor('task.created')).toBe('Call back Dana');
  });

  it('takes the name from the handler first, then the record after the change, then before it', () => {
    expect(
      namedTarget({ type: 'agent', id: 'a1', name: 'Given' }, { name: 'Old' }, { name: 'New' }).name,
    ).toBe('Given');
    expect(namedTarget({ type: 'agent', id: 'a1' }, { name: 'Old' }, { name: 'New' }).name).toBe('New');
    expect(namedTarget({ type: 'agent', id: 'a1' }, { name: 'Old' }, null).name).toBe('Old');
    expect(namedTarget({ type: 'org', id: 'o1' }, null, { targetOrgId: 'o2' })).toEqual({
      type: 'org',
      id: 'o1',
    });
    expect(nameOf({ displayName: null, name: 'Acme' })).toBe('Acme');
    expect(nameOf({ email: '  ' })).toBeUndefined();
  });
});
