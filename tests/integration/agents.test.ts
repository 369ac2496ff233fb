import { describe, expect, it } from 'vitest';
import { readAgentKeys } from '../../functions/adapters/agent-keys';
import { call, captureLogs } from '../support/api';
import { addMember, createOrg, tenantSnapshot } from '../support/tenancy';

// Outside the local stage agents may not call private hosts; this file checks that rule.
process.env.AGENT_ENDPOINTS_ALLOW_PRIVATE = 'false';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

const tts = { provider: 'openai', voiceId: 'alloy', model: 'tts-1', speed: 1.1, language: 'en-US' };
const stt = { provider: 'deepgram', model: 'nova-3', language: 'en-US' };

async function team(tag: string, plan: 'free' | 'starter' = 'starter') {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan });
  await addMember(org.id, owner, `viewer@${tag}.test`, 'viewer');
  return { org, owner, viewer: `viewer@${tag}.test` };
}

const create = (orgId: string, as: string, body: Record<string, unknown>) =>
  call('POST', `/orgs/${orgId}/agents`, { as, body });

describe('agents', () => {
  it('creates, lists by status and type, reads and updates with If-Match; viewers read, do not write', async () => {
    const { org, owner, viewer } = await team('agents-crud');
    const voice = await create(org.id, owner, {
      name: 'Receptionist',
      type: 'voice',
      initialMessage: 'Hello!',
    });
    expect(voice.status).toBe(201);
    expect(voice.body).toMatchObject({
      name: 'Receptionist',
      type: 'voice',
      status: 'active',
      chatbotKey: { set: false },
    });
    expect(voice.body.id).toMatch(/^agt_/);
    await create(org.id, owner, { name: 'Helpdesk', type: 'chat', status: 'training' });
    expect((await create(org.id, viewer, { name: 'Nope', type: 'chat' })).status).toBe(403);

    const all = await call('GET', `/orgs/${org.id}/agents`, { as: viewer });
    expect(all.body.items.map((a: { name: string }) => a.name).sort()).toEqual(['Helpdesk', 'Receptionist']);
    const chats = await call('GET', `/orgs/${org.id}/agents?type=chat&status=training`, { as: viewer });
    expect(chats.body.items.map((a: { name: string }) => a.name)).toEqual(['Helpdesk']);

    const path = `/orgs/${org.id}/agents/${voice.body.id}`;
    const renamed = await call('PATCH', path, {
      as: owner,
      body: { name: 'Front desk' },
      headers: { 'if-match': '"1"' },
    });
    expect([renamed.status, renamed.body.version, renamed.headers.etag]).toEqual([200, 2, '"2"']);
    const stale = await call('PATCH', path, {
      as: owner,
      body: { name: 'Lost' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect((await call('GET', path, { as: viewer })).body.name).toBe('Front desk');
  });

  it('lists the providers with their models for the admin site', async () => {
    const res = await call('GET', '/agent-providers', { as: 'providers@example.com' });
    expect(res.status).toBe(200);
    expect(res.body.tts.map((p: { id: string }) => p.id)).toEqual([
      'elevenlabs',
      'cartesia',
      'openai',
      'azure',
      'google',
    ]);
    expect(res.body.stt.find((p: { id: string }) => p.id === 'deepgram').models).toContain('nova-3');
  });

  const badConfigs: [string, unknown, string][] = [
    ['speed below 0.5', { ttsConfig: { ...tts, speed: 0.49 }, sttConfig: stt }, 'ttsConfig.speed'],
    ['speed above 2.0', { ttsConfig: { ...tts, speed: 2.01 }, sttConfig: stt }, 'ttsConfig.speed'],
    [
      'a language that is not BCP 47',
      { ttsConfig: { ...tts, language: 'english!' }, sttConfig: stt },
      'ttsConfig.language',
    ],
    [
      'an unknown provider',
      { ttsConfig: { ...tts, provider: 'acme' }, sttConfig: stt },
      'ttsConfig.provider',
    ],
    [
      'a model the provider does not have',
      { ttsConfig: tts, sttConfig: { ...stt, model: 'nova-9' } },
      'sttConfig.model',
    ],
    [
      'a voice the provider does not have',
      { ttsConfig: { ...tts, voiceId: 'brian' }, sttConfig: stt },
      'ttsConfig.voiceId',
    ],
  ];
  it.each(badConfigs)(
    'refuses a configuration with %s, naming the field and changing nothing',
    async (_n, body, field) => {
      const { org, owner } = await team(`agents-bad-${field.replace(/\W/g, '')}`);
      const agent = (await create(org.id, owner, { name: 'A', type: 'voice' })).body;
      const before = await tenantSnapshot(org.id);
      const res = await call('PUT', `/orgs/${org.id}/agents/${agent.id}/config`, { as: owner, body });
      expect([res.status, fieldsOf(res.body)]).toEqual([400, [field]]);
      expect(await tenantSnapshot(org.id)).toEqual(before);
    },
  );

  it.each([
    ['http://bot.example.com/chat', 'an http URL'],
    ['https://10.0.0.8/chat', 'a private address'],
    ['https://127.0.0.1/chat', 'a loopback address'],
    ['https://169.254.169.254/latest/meta-data', 'a link-local address (instance metadata)'],
    ['https://[::1]/chat', 'an IPv6 loopback'],
    ['https://router.localhost/chat', 'a localhost name'],
    ['https://localhost./chat', 'localhost with a trailing dot'],
  ])('refuses a chatbot endpoint %s (%s) with a 400 naming it', async (chatbotEndpoint) => {
    const { org, owner } = await team(`agents-url-${chatbotEndpoint.replace(/\W/g, '').slice(0, 20)}`);
    const before = await tenantSnapshot(org.id);
    const res = await create(org.id, owner, { name: 'Bot', type: 'chat', chatbotEndpoint });
    expect([res.status, fieldsOf(res.body)]).toEqual([400, ['chatbotEndpoint']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('keeps provider keys write-only: in the secret, never in the table, a response, a log or the audit', async () => {
    const { org, owner } = await team('agents-keys');
    const keys = { chatbot: 'cb-SECRET-0001-abcd', tts: 'tts-SECRET-0002-wxyz', stt: 'stt-SECRET-0003-mnop' };
    const { result, output } = await captureLogs(async () => {
      const created = await create(org.id, owner, {
        name: 'Keyed',
        type: 'chat',
        chatbotEndpoint: 'https://bot.example.com/chat',
        chatbotKey: keys.chatbot,
      });
      const configured = await call('PUT', `/orgs/${org.id}/agents/${created.body.id}/config`, {
        as: owner,
        body: { ttsConfig: { ...tts, apiKey: keys.tts }, sttConfig: { ...stt, apiKey: keys.stt } },
      });
      const listed = await call('GET', `/orgs/${org.id}/agents`, { as: owner });
      const audit = await call('GET', `/orgs/${org.id}/audit`, { as: owner });
      return { created, configured, listed, audit };
    });
    expect(result.configured.body).toMatchObject({
      chatbotKey: { set: true, last4: 'abcd' },
      ttsConfig: { provider: 'openai', speed: 1.1, apiKey: { set: true, last4: 'wxyz' } },
      sttConfig: { provider: 'deepgram', apiKey: { set: true, last4: 'mnop' } },
    });
    expect(await readAgentKeys(org.id, result.created.body.id)).toEqual(keys);
    const everything = JSON.stringify([result, await tenantSnapshot(org.id), output]);
    for (const key of Object.values(keys)) expect(everything).not.toContain(key);

    // Rotating replaces one key; null clears one; absent keeps one.
    const path = `/orgs/${org.id}/agents/${result.created.body.id}/config`;
    const rotated = await call('PUT', path, {
      as: owner,
      body: { ttsConfig: { ...tts, apiKey: 'tts-NEW-KEY-9999' }, sttConfig: { ...stt, apiKey: null } },
    });
    expect(rotated.body.ttsConfig.apiKey).toEqual({ set: true, last4: '9999' });
    expect(rotated.body.sttConfig.apiKey).toEqual({ set: false });
    expect(await readAgentKeys(org.id, result.created.body.id)).toEqual({
      chatbot: keys.chatbot,
      tts: 'tts-NEW-KEY-9999',
    });
  });

  it('sends a stored key only to the server it was given for: moving its address needs the key again', async () => {
    const { org, owner } = await team('agents-key-move');
    const made = await create(org.id, owner, {
      name: 'Moving',
      type: 'chat',
      chatbotEndpoint: 'https://bot.example.com/chat',
      chatbotKey: 'cb-STAYS-HOME-abcd',
      llm: {
        provider: 'openai-compatible',
        baseUrl: 'https://llm.example.com/v1',
        model: 'm',
        apiKey: 'llm-STAYS-wxyz',
      },
    });
    const path = `/orgs/${org.id}/agents/${made.body.id}`;
    const before = await tenantSnapshot(org.id);
    const moves: [Record<string, unknown>, string][] = [
      [{ chatbotEndpoint: 'https://attacker.example.net/collect' }, 'chatbotKey'],
      [{ chatbotEndpoint: 'https://bot.example.com:8443/chat' }, 'chatbotKey'],
      [
        { llm: { provider: 'openai-compatible', baseUrl: 'https://attacker.example.net/v1', model: 'm' } },
        'llm.apiKey',
      ],
    ];
    for (const [body, field] of moves) {
      const refused = await call('PATCH', path, { as: owner, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(refused.body)).toEqual([field]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(await readAgentKeys(org.id, made.body.id)).toEqual({
      chatbot: 'cb-STAYS-HOME-abcd',
      llm: 'llm-STAYS-wxyz',
    });

    // Another path on the same server keeps the key; a move with its key, or clearing it, is allowed.
    const samePlace = await call('PATCH', path, {
      as: owner,
      body: {
        chatbotEndpoint: 'https://bot.example.com/v2/chat',
        llm: { provider: 'openai-compatible', baseUrl: 'https://llm.example.com/v2', model: 'm' },
      },
    });
    expect(samePlace.status).toBe(200);
    expect(samePlace.body.chatbotKey).toEqual({ set: true, last4: 'abcd' });
    const moved = await call('PATCH', path, {
      as: owner,
      body: { chatbotEndpoint: 'https://bots.example.org/chat', chatbotKey: 'cb-NEW-HOME-9999' },
    });
    expect(moved.body.chatbotKey).toEqual({ set: true, last4: '9999' });
    const cleared = await call('PATCH', path, {
      as: owner,
      body: {
        llm: {
          provider: 'openai-compatible',
          baseUrl: 'https://other.example.org/v1',
          model: 'm',
          apiKey: null,
        },
      },
    });
    expect(cleared.body.llm.apiKey).toEqual({ set: false });
    expect(await readAgentKeys(org.id, made.body.id)).toEqual({ chatbot: 'cb-NEW-HOME-9999' });
  });

  it('keeps the secret and the shown key in step when two admins rotate a key at once', async () => {
    const { org, owner } = await team('agents-key-race');
    const made = await create(org.id, owner, { name: 'Raced', type: 'chat', chatbotKey: 'cb-START-0000' });
    const path = `/orgs/${org.id}/agents/${made.body.id}`;
    for (let round = 1; round <= 8; round++) {
      const keys = [`cb-ROUND-${round}-A-aaa${round}`, `cb-ROUND-${round}-B-bbb${round}`];
      const results = await Promise.all(
        keys.map((chatbotKey) => call('PATCH', path, { as: owner, body: { chatbotKey } })),
      );
      expect(results.map((r) => r.status).sort()).toContain(200);
      for (const r of results) expect([200, 409]).toContain(r.status);
      const shown = (await call('GET', path, { as: owner })).body.chatbotKey;
      const stored = (await readAgentKeys(org.id, made.body.id)).chatbot;
      expect(stored?.slice(-4), `round ${round}`).toBe(shown.last4);
      expect(keys).toContain(stored);
    }
  });

  it('keeps concurrent creates within the plan’s maxAgents, and deleting frees a place', async () => {
    const { org, owner } = await team('agents-limit');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => create(org.id, owner, { name: `Agent ${i}`, type: 'chat' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 422)).toHaveLength(15);
    expect(results.find((r) => r.status === 422)!.body.detail).toMatch(/allows 5 agents/);
    const listed = await call('GET', `/orgs/${org.id}/agents`, { as: owner });
    expect(listed.body.items).toHaveLength(5);

    const doomed = listed.body.items[0].id;
    expect((await call('DELETE', `/orgs/${org.id}/agents/${doomed}`, { as: owner })).status).toBe(204);
    expect((await call('GET', `/orgs/${org.id}/agents/${doomed}`, { as: owner })).status).toBe(404);
    expect((await create(org.id, owner, { name: 'Replacement', type: 'voice' })).status).toBe(201);
    expect((await create(org.id, owner, { name: 'One too many', type: 'voice' })).status).toBe(422);
  });

  it('schedules every agent’s keys for deletion when the org is deleted', async () => {
    const { org, owner } = await team('agents-org-gone');
    const agent = (
      await create(org.id, owner, { name: 'Keyed', type: 'chat', chatbotKey: 'cb-GOES-WITH-ORG-1234' })
    ).body;
    expect(await readAgentKeys(org.id, agent.id)).toEqual({ chatbot: 'cb-GOES-WITH-ORG-1234' });
    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);
    expect(await readAgentKeys(org.id, agent.id)).toEqual({});
  });

  it('shares an agent into another org where its admin reads it as shared and cannot change it', async () => {
    const { org, owner } = await team('share-a');
    const other = await createOrg(owner, { name: 'Sister org' });
    const outsider = await createOrg('stranger@share-b.test', { name: 'Not yours' });
    const agent = (await create(org.id, owner, { name: 'Shared bot', type: 'chat', status: 'training' }))
      .body;
    const shares = `/orgs/${org.id}/agents/${agent.id}/shares`;

    // Only into an org the caller administers, and not twice; a refusal changes nothing.
    const before = await tenantSnapshot(org.id);
    const stranger = await call('POST', shares, { as: owner, body: { targetOrgId: outsider.id } });
    expect([stranger.status, fieldsOf(stranger.body)]).toEqual([404, ['targetOrgId']]);
    const self = await call('POST', shares, { as: owner, body: { targetOrgId: org.id } });
    expect([self.status, fieldsOf(self.body)]).toEqual([422, ['targetOrgId']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);

    const shared = await call('POST', shares, { as: owner, body: { targetOrgId: other.id } });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ orgId: other.id, name: 'Sister org' });
    expect((await call('POST', shares, { as: owner, body: { targetOrgId: other.id } })).status).toBe(409);
    expect(
      (await call('GET', shares, { as: owner })).body.items.map((s: { orgId: string }) => s.orgId),
    ).toEqual([other.id]);

    const listed = await call('GET', `/orgs/${other.id}/agents?status=training`, { as: owner });
    expect(listed.body.items).toMatchObject([
      { id: agent.id, name: 'Shared bot', shared: true, orgId: org.id },
    ]);
    expect((await call('GET', `/orgs/${other.id}/agents?status=active`, { as: owner })).body.items).toEqual(
      [],
    );
    const there = `/orgs/${other.id}/agents/${agent.id}`;
    expect((await call('GET', there, { as: owner })).body.shared).toBe(true);
    expect((await call('PATCH', there, { as: owner, body: { name: 'Mine now' } })).status).toBe(403);
    expect((await call('DELETE', there, { as: owner })).status).toBe(403);
    expect((await call('GET', `/orgs/${org.id}/agents/${agent.id}`, { as: owner })).body.shared).toBe(false);

    // Unsharing removes it there; deleting the owner org removes both sides of any share.
    expect((await call('DELETE', `${shares}/${other.id}`, { as: owner })).status).toBe(204);
    expect((await call('GET', there, { as: owner })).status).toBe(404);
    expect((await call('DELETE', `${shares}/${other.id}`, { as: owner })).status).toBe(404);
    await call('POST', shares, { as: owner, body: { targetOrgId: other.id } });
    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);
    expect((await call('GET', `/orgs/${other.id}/agents`, { as: owner })).body.items).toEqual([]);
    expect((await tenantSnapshot(other.id)).items.filter((i) => String(i.type).startsWith('AGENT'))).toEqual(
      [],
    );
  });

  it('records a share and its end in the audit log of the org it is shared into, not only the owner’s', async () => {
    const { org, owner } = await team('share-audit');
    const target = await createOrg(owner, { name: 'Receiving org' });
    const agent = (await create(org.id, owner, { name: 'Bot', type: 'chat' })).body;
    const shares = `/orgs/${org.id}/agents/${agent.id}/shares`;
    const logOf = async (orgId: string, action: string) =>
      (await call('GET', `/orgs/${orgId}/audit?action=${action}`, { as: owner })).body.items;

    expect((await call('POST', shares, { as: owner, body: { targetOrgId: target.id } })).status).toBe(201);
    expect(await logOf(target.id, 'agent.shared_in')).toMatchObject([
      {
        orgId: target.id,
        actor: { email: owner },
        target: { type: 'agent', id: agent.id },
        after: { ownerOrgId: org.id },
      },
    ]);
    expect(await logOf(org.id, 'agent.shared')).toMatchObject([{ after: { targetOrgId: target.id } }]);

    expect((await call('DELETE', `${shares}/${target.id}`, { as: owner })).status).toBe(204);
    expect(await logOf(target.id, 'agent.unshared_in')).toMatchObject([
      { orgId: target.id, target: { type: 'agent', id: agent.id }, before: { ownerOrgId: org.id } },
    ]);
    expect(await logOf(org.id, 'agent.unshared')).toMatchObject([{ before: { targetOrgId: target.id } }]);
  });

  it('removes the owner side of a share when the org it was shared into is deleted, and both sides when the agent is', async () => {
    const { org, owner } = await team('share-c');
    const target = await createOrg(owner, { name: 'Short-lived' });
    const agent = (await create(org.id, owner, { name: 'Bot', type: 'chat' })).body;
    const shares = `/orgs/${org.id}/agents/${agent.id}/shares`;
    await call('POST', shares, { as: owner, body: { targetOrgId: target.id } });
    expect((await call('DELETE', `/orgs/${target.id}`, { as: owner })).status).toBe(204);
    expect((await call('GET', shares, { as: owner })).body.items).toEqual([]);
    expect((await tenantSnapshot(org.id)).items.filter((i) => i.type === 'AGENT_SHARE')).toEqual([]);

    const second = await createOrg(owner, { name: 'Second' });
    await call('POST', shares, { as: owner, body: { targetOrgId: second.id } });
    expect((await call('DELETE', `/orgs/${org.id}/agents/${agent.id}`, { as: owner })).status).toBe(204);
    expect((await tenantSnapshot(second.id)).items.filter((i) => String(i.type).startsWith('AGENT'))).toEqual(
      [],
    );
    expect((await tenantSnapshot(org.id)).items.filter((i) => i.type === 'AGENT_SHARE')).toEqual([]);
  });
});
