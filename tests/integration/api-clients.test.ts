// Debug logging on: no client secret or provider key may reach the logs even then.
process.env.LOG_LEVEL = 'debug';

import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createOrgClient, deleteOrgClient } from '../../functions/adapters/identity-clients';
import { keys } from '../../functions/data/keys';
import { devUserPoolId } from '../../infra/local/dev-cognito';
import { localCredentials } from '../../infra/local/dynamodb';
import { backfillClientCreators } from '../../infra/scripts/backfill-client-creators';
import { call, captureLogs } from '../support/api';
import { clientToken, cognito, runtimeToken } from '../support/dev-cognito';
import { tableName, testDb } from '../support/env';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  await addMember(org.id, owner, `admin@${tag}.test`, 'admin');
  await addMember(org.id, owner, `manager@${tag}.test`, 'manager');
  return { org, owner, admin: `admin@${tag}.test`, manager: `manager@${tag}.test` };
}

async function newClient(orgId: string, as: string, role: string, name = `${role} bot`) {
  const res = await call('POST', `/orgs/${orgId}/api-clients`, { as, body: { name, role } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    clientId: string;
    clientSecret: string;
    scope: string;
    tokenUrl: string;
    role: string;
  };
}

const lookup = async (clientId: string) =>
  (await testDb.send(new GetCommand({ TableName: tableName, Key: keys.apiClientLookup(clientId) }))).Item;

describe('org API clients', () => {
  it('creates a client whose secret is shown once and stored nowhere; its token works in its org only, with its role', async () => {
    const { org, admin } = await team('create');
    const other = await createOrg('owner@elsewhere.test');
    const { result: created, output } = await captureLogs(() =>
      newClient(org.id, admin, 'viewer', 'Reporting'),
    );
    expect(created).toMatchObject({
      role: 'viewer',
      scope: 'agent-control-plane/org',
      tokenUrl: cognito.tokenUrl,
    });
    expect(created.clientSecret.length).toBeGreaterThan(20);
    expect(cognito.clients.get(created.clientId)?.scopes).toEqual(['agent-control-plane/org']);

    const list = await call('GET', `/orgs/${org.id}/api-clients`, { as: admin });
    expect(list.body.items).toEqual([
      expect.objectContaining({ clientId: created.clientId, name: 'Reporting', role: 'viewer' }),
    ]);
    const stored = [...(await tenantSnapshot(org.id)).items, ...(await tenantSnapshot(org.id)).audit];
    stored.push((await lookup(created.clientId))!);
    expect(stored.find((i) => i.type === 'API_CLIENT_REF')).toMatchObject({ orgId: org.id, role: 'viewer' });
    for (const text of [JSON.stringify(stored), JSON.stringify(list.body), output]) {
      expect(text).not.toContain(created.clientSecret);
    }

    const token = await clientToken(created.clientId, created.clientSecret);
    const members = await call('GET', `/orgs/${org.id}/members`, { token });
    expect(members.status).toBe(200);
    expect(members.body.items.length).toBe(3);
    // Another org's routes look to the client as they do to a non-member.
    const foreign = await call('GET', `/orgs/${other.id}/members`, { token });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain(other.id);
    // Above its role (viewer): refused, nothing created.
    const write = await call('POST', `/orgs/${org.id}/agents`, { token, body: { name: 'X', type: 'chat' } });
    expect(write.status).toBe(403);
    // Routes for people.
    for (const [method, path] of [
      ['GET', '/me'],
      ['GET', '/me/orgs'],
      ['POST', '/orgs'],
    ] as const) {
      const res = await call(method, path, {
        token,
        body: method === 'POST' ? { name: 'Bot org' } : undefined,
      });
      expect([path, res.status, res.body.detail]).toEqual([
        path,
        403,
        'API client tokens act only within their organization’s routes; this route is for people.',
      ]);
    }
  });

  it('an admin client works and is audited as itself; actions that need a person refuse it before changing anything', async () => {
    const { org, owner, admin } = await team('audit');
    const created = await newClient(org.id, owner, 'admin', 'Provisioner');
    const token = await clientToken(created.clientId, created.clientSecret);
    const agent = await call('POST', `/orgs/${org.id}/agents`, {
      token,
      body: { name: 'Bot-made', type: 'chat' },
    });
    expect(agent.status).toBe(201);
    const audit = await call('GET', `/orgs/${org.id}/audit?action=agent.created`, { as: admin });
    expect(audit.body.items[0].actor).toEqual({ apiClientId: created.clientId, name: 'Provisioner' });
    const byActor = await call('GET', `/orgs/${org.id}/audit?actorId=${created.clientId}`, { as: admin });
    expect(byActor.body.items.map((e: { action: string }) => e.action)).toEqual(['agent.created']);

    const before = await tenantSnapshot(org.id);
    const calls = cognito.calls.length;
    for (const [method, path, body] of [
      ['POST', `/orgs/${org.id}/api-clients`, { name: 'Child', role: 'viewer' }],
      ['GET', `/orgs/${org.id}/membership`, undefined],
      ['POST', `/orgs/${org.id}/leave`, undefined],
      ['POST', `/orgs/${org.id}/invites`, { email: 'someone@audit.test' }],
    ] as const) {
      const res = await call(method, path, { token, body });
      expect([path, res.status, res.body.detail]).toEqual([
        path,
        403,
        'This action is for people; an API client cannot perform it.',
      ]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(cognito.calls.length).toBe(calls);
  });

  it('refuses bad input naming the field, roles above the creator, and callers below admin, changing nothing', async () => {
    const { org, admin, manager } = await team('input');
    const before = await tenantSnapshot(org.id);
    const calls = cognito.calls.length;
    const cases: [unknown, string][] = [
      [{ name: '', role: 'viewer' }, 'name'],
      [{ name: 'A\u202Eb', role: 'viewer' }, 'name'],
      [{ name: 'x'.repeat(101), role: 'viewer' }, 'name'],
      [{ name: 'Bot', role: 'owner' }, 'role'],
      [{ name: 'Bot', role: 'superuser' }, 'role'],
      [{ name: 'Bot' }, 'role'],
      [{ name: 'Bot', role: 'viewer', clientSecret: 'mine' }, 'clientSecret'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', `/orgs/${org.id}/api-clients`, { as: admin, body });
      expect([res.status, fieldsOf(res.body)]).toEqual([400, [field]]);
    }
    const bad = await call('DELETE', `/orgs/${org.id}/api-clients/not%20an%20id`, { as: admin });
    expect([bad.status, fieldsOf(bad.body)]).toEqual([400, ['clientId']]);
    expect(
      (
        await call('POST', `/orgs/${org.id}/api-clients`, {
          as: manager,
          body: { name: 'B', role: 'viewer' },
        })
      ).status,
    ).toBe(403);
    expect((await call('GET', `/orgs/${org.id}/api-clients`, { as: manager })).status).toBe(403);
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(cognito.calls.length).toBe(calls);
  });

  it('answers 503 or 502 when Cognito fails and stores nothing; a refused write deletes the Cognito client it made', async () => {
    const { org, admin } = await team('faults');
    const before = await tenantSnapshot(org.id);
    const clients = cognito.clients.size;
    // The adapter tries twice (maxAttempts 2) before giving up.
    cognito.fail('unavailable', 2);
    const down = await call('POST', `/orgs/${org.id}/api-clients`, {
      as: admin,
      body: { name: 'B', role: 'viewer' },
    });
    expect([down.status, down.body.detail]).toEqual([
      503,
      'Cognito is unavailable, so the API client could not be created; retry in a moment.',
    ]);
    cognito.fail('refused', 1);
    const refused = await call('POST', `/orgs/${org.id}/api-clients`, {
      as: admin,
      body: { name: 'B', role: 'viewer' },
    });
    expect([refused.status, refused.body.detail]).toEqual([502, 'Cognito refused to create the API client.']);
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(cognito.clients.size).toBe(clients);

    // At the cap the transaction is refused after Cognito made the client: it is deleted again.
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.org(org.id),
        UpdateExpression: 'SET apiClientCount = :cap',
        ExpressionAttributeValues: { ':cap': 20 },
      }),
    );
    const capped = await call('POST', `/orgs/${org.id}/api-clients`, {
      as: admin,
      body: { name: 'C', role: 'viewer' },
    });
    expect([capped.status, capped.body.detail]).toEqual([
      422,
      'The organization has its 20 API clients; delete one it no longer uses first.',
    ]);
    expect(cognito.clients.size).toBe(clients);
    expect(cognito.calls.slice(-2).map((c) => c.operation)).toEqual([
      'CreateUserPoolClient',
      'DeleteUserPoolClient',
    ]);
  });

  it('deleting a client removes both items and the Cognito client; its tokens stop working at once', async () => {
    const { org, admin } = await team('delete');
    const created = await newClient(org.id, admin, 'member');
    const token = await clientToken(created.clientId, created.clientSecret);
    expect((await call('GET', `/orgs/${org.id}/members`, { token })).status).toBe(200);
    cognito.fail('unavailable', 2);
    const down = await call('DELETE', `/orgs/${org.id}/api-clients/${created.clientId}`, { as: admin });
    expect(down.status).toBe(503);
    expect(await lookup(created.clientId)).toBeDefined();
    const gone = await call('DELETE', `/orgs/${org.id}/api-clients/${created.clientId}`, { as: admin });
    expect(gone.status).toBe(204);
    expect(cognito.clients.has(created.clientId)).toBe(false);
    expect(await lookup(created.clientId)).toBeUndefined();
    expect((await call('GET', `/orgs/${org.id}/api-clients`, { as: admin })).body.items).toEqual([]);
    const after = await call('GET', `/orgs/${org.id}/members`, { token });
    expect([after.status, after.body.detail]).toEqual([401, 'This API client has been deleted.']);
    expect(
      (await call('DELETE', `/orgs/${org.id}/api-clients/${created.clientId}`, { as: admin })).status,
    ).toBe(404);
  });

  describe('a client acts with at most its creator’s current role', () => {
    async function adminWithClient(tag: string) {
      const { org, owner, admin } = await team(tag);
      const adminId = (await call('GET', '/me', { as: admin })).body.id as string;
      const created = await newClient(org.id, admin, 'admin', `${tag} provisioner`);
      const token = await clientToken(created.clientId, created.clientSecret);
      const agent = await call('POST', `/orgs/${org.id}/agents`, {
        token,
        body: { name: 'Before', type: 'chat' },
      });
      expect(agent.status).toBe(201);
      return { org, owner, admin, adminId, token };
    }
    const gone =
      'The person who created this API client is no longer a member of the organization, so the client no longer works; an admin can create a new one.';

    it('removing the creator stops the client (401), changing nothing', async () => {
      const { org, owner, adminId, token } = await adminWithClient('removed');
      expect((await call('DELETE', `/orgs/${org.id}/members/${adminId}`, { as: owner })).status).toBe(204);
      const before = await tenantSnapshot(org.id);
      for (const [method, path, body] of [
        ['GET', `/orgs/${org.id}/members`, undefined],
        ['POST', `/orgs/${org.id}/agents`, { name: 'After', type: 'chat' }],
      ] as const) {
        const res = await call(method, path, { token, body });
        expect([path, res.status, res.body.detail]).toEqual([path, 401, gone]);
      }
      expect(await tenantSnapshot(org.id)).toEqual(before);
    });

    it('a creator who leaves takes the client’s access with them', async () => {
      const { org, admin, token } = await adminWithClient('leaving');
      expect((await call('POST', `/orgs/${org.id}/leave`, { as: admin })).status).toBe(204);
      const res = await call('GET', `/orgs/${org.id}/members`, { token });
      expect([res.status, res.body.detail]).toEqual([401, gone]);
    });

    it('demoting the creator caps the client: it reads as a viewer and cannot promote its creator back', async () => {
      const { org, owner, adminId, token } = await adminWithClient('demoted');
      const demoted = await call('PATCH', `/orgs/${org.id}/members/${adminId}`, {
        as: owner,
        body: { role: 'viewer' },
      });
      expect(demoted.status).toBe(200);
      const before = await tenantSnapshot(org.id);
      expect((await call('GET', `/orgs/${org.id}/members`, { token })).status).toBe(200);
      const write = await call('POST', `/orgs/${org.id}/agents`, {
        token,
        body: { name: 'After', type: 'chat' },
      });
      expect([write.status, write.body.detail]).toEqual([
        403,
        'This API client acts with at most the current role of the person who created it (viewer), which cannot do this.',
      ]);
      const promote = await call('PATCH', `/orgs/${org.id}/members/${adminId}`, {
        token,
        body: { role: 'admin' },
      });
      expect(promote.status).toBe(403);
      expect(await tenantSnapshot(org.id)).toEqual(before);
      // Promoted again, the client gets its own role back, never more.
      await call('PATCH', `/orgs/${org.id}/members/${adminId}`, { as: owner, body: { role: 'admin' } });
      expect(
        (await call('POST', `/orgs/${org.id}/agents`, { token, body: { name: 'Again', type: 'chat' } }))
          .status,
      ).toBe(201);
    });
  });

  it('a client stored before it was bound to its creator is refused until the backfill gives its lookup the creator', async () => {
    const { org, admin } = await team('legacy');
    const created = await newClient(org.id, admin, 'viewer', 'Legacy');
    const adminId = (await call('GET', '/me', { as: admin })).body.id;
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.apiClientLookup(created.clientId),
        UpdateExpression: 'REMOVE creatorId',
      }),
    );
    const token = await clientToken(created.clientId, created.clientSecret);
    expect((await call('GET', `/orgs/${org.id}/members`, { token })).status).toBe(401);
    expect((await backfillClientCreators()).written).toBeGreaterThanOrEqual(1);
    expect((await lookup(created.clientId))?.creatorId).toBe(adminId);
    expect((await call('GET', `/orgs/${org.id}/members`, { token })).status).toBe(200);
  });

  it('deleting the org deletes its clients’ lookups and its agents’ lookups', async () => {
    const { org, owner } = await team('orgdelete');
    const created = await newClient(org.id, owner, 'viewer');
    const agent = await call('POST', `/orgs/${org.id}/agents`, {
      as: owner,
      body: { name: 'A', type: 'voice' },
    });
    expect(await partition(keys.agentRef(agent.body.id).pk)).toHaveLength(1);
    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);
    expect(await lookup(created.clientId)).toBeUndefined();
    expect(await partition(keys.agentRef(agent.body.id).pk)).toEqual([]);
  });
});

describe('GET /runtime/agents/{agentId}', () => {
  const keyValues = {
    chatbot: 'sk-chatbot-runtime-1234',
    tts: 'tts-runtime-key-5678',
    stt: 'stt-runtime-key-9012',
  };

  it('gives the runtime client the agent with its keys; users and org clients get 403; nothing logs a key', async () => {
    const { org, owner } = await team('runtime');
    const agent = await call('POST', `/orgs/${org.id}/agents`, {
      as: owner,
      body: {
        name: 'Voice',
        type: 'voice',
        chatbotEndpoint: 'https://bot.example.com/chat',
        chatbotKey: keyValues.chatbot,
      },
    });
    const configured = await call('PUT', `/orgs/${org.id}/agents/${agent.body.id}/config`, {
      as: owner,
      body: {
        ttsConfig: {
          provider: 'openai',
          voiceId: 'alloy',
          model: 'tts-1',
          speed: 1,
          language: 'en-US',
          apiKey: keyValues.tts,
        },
        sttConfig: { provider: 'deepgram', model: 'nova-3', language: 'en-US', apiKey: keyValues.stt },
      },
    });
    expect(configured.status).toBe(200);
    const path = `/runtime/agents/${agent.body.id}`;

    const { result: res, output } = await captureLogs(async () =>
      call('GET', path, { token: await runtimeToken() }),
    );
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({
      id: agent.body.id,
      orgId: org.id,
      ttsConfig: { voiceId: 'alloy' },
    });
    expect(res.body.keys).toEqual(keyValues);
    for (const value of Object.values(keyValues)) expect(output).not.toContain(value);
    const stored = JSON.stringify([
      ...(await tenantSnapshot(org.id)).items,
      ...(await partition(keys.agentRef(agent.body.id).pk)),
    ]);
    for (const value of Object.values(keyValues)) expect(stored).not.toContain(value);

    const orgClient = await newClient(org.id, owner, 'admin');
    const orgToken = await clientToken(orgClient.clientId, orgClient.clientSecret);
    for (const caller of [{ as: owner }, { token: orgToken }]) {
      const refused = await call('GET', path, caller);
      expect([refused.status, refused.body.detail]).toEqual([
        403,
        'Only the platform’s voice runtime client may read agents for running them.',
      ]);
    }
    // An org client cannot ask for the runtime scope: Cognito (and the stand-in) refuse it.
    await expect(
      clientToken(orgClient.clientId, orgClient.clientSecret, 'agent-control-plane/runtime'),
    ).rejects.toThrow(/invalid_scope/);
  });

  it('404s an unknown or deleted agent and 400s a malformed id', async () => {
    const { org, owner } = await team('runtime404');
    const token = await runtimeToken();
    const agent = await call('POST', `/orgs/${org.id}/agents`, {
      as: owner,
      body: { name: 'Gone', type: 'voice' },
    });
    expect((await call('GET', `/runtime/agents/${agent.body.id}`, { token })).status).toBe(200);
    await call('DELETE', `/orgs/${org.id}/agents/${agent.body.id}`, {
      as: owner,
      headers: { 'if-match': '"1"' },
    });
    expect((await call('GET', `/runtime/agents/${agent.body.id}`, { token })).status).toBe(404);
    expect((await call('GET', '/runtime/agents/agt_01ARZ3NDEKTSV4RRFFQ69G5FAV', { token })).status).toBe(404);
    const bad = await call('GET', '/runtime/agents/nope', { token });
    expect([bad.status, fieldsOf(bad.body)]).toEqual([400, ['agentId']]);
  });
});

describe('identity-clients adapter against the Cognito stand-in (contract)', () => {
  it('creates a client-credentials client with the org scope and a secret, and deletes it (twice is fine)', async () => {
    const issued = await createOrgClient('org_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    const sdk = new CognitoIdentityProviderClient({
      region: 'local',
      endpoint: cognito.apiUrl,
      credentials: localCredentials,
    });
    const { UserPoolClient } = await sdk.send(
      new DescribeUserPoolClientCommand({ UserPoolId: devUserPoolId, ClientId: issued.clientId }),
    );
    expect(UserPoolClient).toMatchObject({
      ClientSecret: issued.clientSecret,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['agent-control-plane/org'],
    });
    const create = cognito.calls.findLast((c) => c.operation === 'CreateUserPoolClient')!;
    expect(create.input).toMatchObject({ GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true });
    await deleteOrgClient(issued.clientId);
    await deleteOrgClient(issued.clientId);
    expect(cognito.clients.has(issued.clientId)).toBe(false);
  });
});
