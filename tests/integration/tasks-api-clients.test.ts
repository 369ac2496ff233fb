/** Tasks from an org's API client (an integrator's machine token): created as the client, changed by its role. */
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { call } from '../support/api';
import { clientToken } from '../support/dev-cognito';
import { createOrg, partition } from '../support/tenancy';

async function clientOf(orgId: string, as: string, role: string) {
  const res = await call('POST', `/orgs/${orgId}/api-clients`, { as, body: { name: `${role} bot`, role } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    id: res.body.clientId as string,
    token: await clientToken(res.body.clientId, res.body.clientSecret),
  };
}

describe('tasks by API clients', () => {
  it('records the client as creator and actor; a member-role client changes no task, a manager-role client any', async () => {
    const owner = 'owner@tasks-clients.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const worker = await clientOf(org.id, owner, 'member');
    const dispatcher = await clientOf(org.id, owner, 'manager');

    const created = await call('POST', `/orgs/${org.id}/tasks`, {
      token: worker.token,
      body: { type: 'call', toAddress: '+14155550100' },
      headers: { 'Idempotency-Key': 'crm-1' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.createdBy).toEqual({ kind: 'apiClient', id: worker.id });
    const replay = await call('POST', `/orgs/${org.id}/tasks`, {
      token: worker.token,
      body: { type: 'call', toAddress: '+14155550100' },
      headers: { 'Idempotency-Key': 'crm-1' },
    });
    expect(replay.body).toEqual(created.body);

    const path = `/orgs/${org.id}/tasks/${created.body.id}`;
    expect((await call('PATCH', path, { token: worker.token, body: { status: 'in_progress' } })).status).toBe(
      403,
    );
    const moved = await call('PATCH', path, { token: dispatcher.token, body: { status: 'in_progress' } });
    expect([moved.status, moved.body.status]).toEqual([200, 'in_progress']);

    const audit = (await partition(keys.auditPk(org.id))).filter((e) => String(e.action).startsWith('task.'));
    expect(audit.map((e) => [e.action, e.actor])).toEqual(
      expect.arrayContaining([
        ['task.created', { apiClientId: worker.id, name: 'member bot' }],
        ['task.in_progress', { apiClientId: dispatcher.id, name: 'manager bot' }],
      ]),
    );
  });
});
