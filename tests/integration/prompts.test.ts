import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { systemPromptOf } from '../../functions/data/prompts';
import { call } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  await addMember(org.id, owner, `manager@${tag}.test`, 'manager');
  await addMember(org.id, owner, `viewer@${tag}.test`, 'viewer');
  return { org, owner, manager: `manager@${tag}.test`, viewer: `viewer@${tag}.test` };
}

const prompts = (orgId: string) => `/orgs/${orgId}/prompts`;
const create = (orgId: string, as: string, body: Record<string, unknown>) =>
  call('POST', prompts(orgId), { as, body });
const auditActions = async (orgId: string) =>
  (await partition(keys.auditPk(orgId))).map((e) => e.action as string);
const versionItems = async (orgId: string, promptId: string) =>
  (await partition(keys.org(orgId).pk)).filter((i) =>
    String(i.sk).startsWith(keys.promptVersionsPrefix(promptId)),
  );

describe('prompts', () => {
  it('creates version 1, and every PATCH writes the next version while earlier ones never change', async () => {
    const { org, owner, viewer } = await team('prompts-versions');
    const created = await create(org.id, owner, {
      name: 'Front desk',
      text: 'You are the front desk of Harbor Physio. Be brief.',
      note: 'first draft',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Front desk', version: 1, agentIds: [], description: null });
    expect(created.headers.etag).toBe('"1"');
    const path = `${prompts(org.id)}/${created.body.id}`;
    const v1 = (await call('GET', `${path}/versions/1`, { as: viewer })).body;
    expect(v1).toMatchObject({
      version: 1,
      text: 'You are the front desk of Harbor Physio. Be brief.',
      note: 'first draft',
      author: { email: owner },
    });
    const storedV1 = await versionItems(org.id, created.body.id);

    const patched = await call('PATCH', path, {
      as: owner,
      body: { text: 'You are the front desk of Harbor Physio. Be warm and brief.', note: 'warmer' },
      headers: { 'if-match': '"1"' },
    });
    expect([patched.status, patched.body.version, patched.headers.etag]).toEqual([200, 2, '"2"']);
    const renamed = await call('PATCH', path, { as: owner, body: { name: 'Reception' } });
    expect([renamed.body.version, renamed.body.text]).toEqual([3, patched.body.text]);

    // Version 1 is exactly as it was: through the API and as stored.
    expect((await call('GET', `${path}/versions/1`, { as: viewer })).body).toEqual(v1);
    expect((await versionItems(org.id, created.body.id)).filter((i) => i.version === 1)).toEqual(storedV1);

    const stale = await call('PATCH', path, {
      as: owner,
      body: { text: 'x' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const listed = await call('GET', `${path}/versions?limit=2`, { as: viewer });
    expect(listed.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    const rest = await call(
      'GET',
      `${path}/versions?limit=2&cursor=${encodeURIComponent(listed.body.nextCursor)}`,
      {
        as: viewer,
      },
    );
    expect(rest.body.items.map((v: { version: number; note: string | null }) => [v.version, v.note])).toEqual(
      [[1, 'first draft']],
    );
    expect((await call('GET', `${path}/versions/4`, { as: viewer })).status).toBe(404);
    expect((await call('GET', prompts(org.id), { as: viewer })).body.items).toMatchObject([
      { id: created.body.id, name: 'Reception', version: 3 },
    ]);
    expect(await auditActions(org.id)).toEqual(expect.arrayContaining(['prompt.created', 'prompt.updated']));
  });

  it('lets viewers read and only admins write', async () => {
    const { org, owner, manager, viewer } = await team('prompts-roles');
    expect((await create(org.id, manager, { name: 'P', text: 'Hi' })).status).toBe(403);
    const created = await create(org.id, owner, { name: 'P', text: 'Hi' });
    const path = `${prompts(org.id)}/${created.body.id}`;
    expect((await call('GET', path, { as: viewer })).status).toBe(200);
    expect((await call('PATCH', path, { as: manager, body: { text: 'Yo' } })).status).toBe(403);
    expect((await call('DELETE', path, { as: viewer })).status).toBe(403);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty name', { name: '', text: 'x' }, 'name'],
    ['no text', { name: 'P' }, 'text'],
    ['blank text', { name: 'P', text: '   \n ' }, 'text'],
    ['text over 32 KB of UTF-8 (in fewer characters)', { name: 'P', text: '€'.repeat(11_000) }, 'text'],
    ['a NUL in the text', { name: 'P', text: 'a\u0000b' }, 'text'],
    ['a two-line note', { name: 'P', text: 'x', note: 'a\nb' }, 'note'],
    ['an unknown field', { name: 'P', text: 'x', model: 'gpt' }, 'model'],
  ])('refuses %s with a 400 naming the field, changing nothing', async (_what, body, field) => {
    const { org, owner } = await team(
      `prompts-bad-${field}-${Object.keys(body).length}-${String(body.text).length}`,
    );
    const before = await tenantSnapshot(org.id);
    const res = await create(org.id, owner, body);
    expect([res.status, fieldsOf(res.body)]).toEqual([400, [field]]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('refuses bad changes and bad paths with a 400 naming the field, changing nothing', async () => {
    const { org, owner } = await team('prompts-bad-patch');
    const created = await create(org.id, owner, { name: 'P', text: 'Hi' });
    const path = `${prompts(org.id)}/${created.body.id}`;
    const before = await tenantSnapshot(org.id);
    for (const [method, url, body, field] of [
      ['PATCH', path, {}, 'text'],
      ['PATCH', path, { note: 'only a note' }, 'text'],
      ['PATCH', path, { text: 'x'.repeat(32 * 1024 + 1) }, 'text'],
      ['PATCH', `${prompts(org.id)}/nope`, { text: 'x' }, 'promptId'],
      ['GET', `${path}/versions/0`, undefined, 'version'],
      ['GET', `${path}/versions/1e3`, undefined, 'version'],
      ['GET', `${path}/versions?limit=500`, undefined, 'limit'],
    ] as const) {
      const res = await call(method, url, { as: owner, body });
      expect([res.status, fieldsOf(res.body)], `${method} ${url}`).toEqual([400, [field]]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('lets an agent pin a version or follow the latest, checked against the org’s prompts', async () => {
    const { org, owner } = await team('prompts-agents');
    const other = await createOrg(owner, { name: 'Other' });
    const prompt = (await create(org.id, owner, { name: 'Desk', text: 'Version one.' })).body;
    const foreign = (await create(other.id, owner, { name: 'Theirs', text: 'Not yours.' })).body;
    await call('PATCH', `${prompts(org.id)}/${prompt.id}`, { as: owner, body: { text: 'Version two.' } });
    const agents = `/orgs/${org.id}/agents`;

    const before = await tenantSnapshot(org.id);
    for (const [ref, field] of [
      [{ promptId: prompt.id, version: 3 }, 'prompt.version'],
      [{ promptId: foreign.id, version: 1 }, 'prompt.promptId'],
      [{ promptId: 'prm_01ARZ3NDEKTSV4RRFFQ69G5FAV', version: 'latest' }, 'prompt.promptId'],
    ] as const) {
      const res = await call('POST', agents, { as: owner, body: { name: 'Bot', type: 'chat', prompt: ref } });
      expect([res.status, fieldsOf(res.body)], JSON.stringify(ref)).toEqual([422, [field]]);
    }
    const malformed = await call('POST', agents, {
      as: owner,
      body: { name: 'Bot', type: 'chat', prompt: { promptId: prompt.id, version: 0 } },
    });
    expect([malformed.status, fieldsOf(malformed.body)]).toEqual([400, ['prompt.version']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);

    const pinned = await call('POST', agents, {
      as: owner,
      body: { name: 'Pinned', type: 'chat', prompt: { promptId: prompt.id, version: 1 } },
    });
    expect([pinned.status, pinned.body.prompt]).toEqual([201, { promptId: prompt.id, version: 1 }]);
    const follower = (
      await call('POST', agents, {
        as: owner,
        body: { name: 'Follower', type: 'chat', prompt: { promptId: prompt.id, version: 'latest' } },
      })
    ).body;
    expect(
      (await call('GET', `${prompts(org.id)}/${prompt.id}`, { as: owner })).body.agentIds.sort(),
    ).toEqual([pinned.body.id, follower.id].sort());
    expect(await systemPromptOf(org.id, pinned.body.prompt)).toEqual({
      promptId: prompt.id,
      version: 1,
      text: 'Version one.',
    });
    expect(await systemPromptOf(org.id, follower.prompt)).toMatchObject({ version: 2, text: 'Version two.' });
    expect(await systemPromptOf(org.id, null)).toBeNull();

    // In use: the delete names the agents and changes nothing.
    const refused = await call('DELETE', `${prompts(org.id)}/${prompt.id}`, { as: owner });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(pinned.body.id);
    expect(refused.body.detail).toContain(follower.id);

    const bad = await call('PATCH', `${agents}/${pinned.body.id}`, {
      as: owner,
      body: { prompt: { promptId: prompt.id, version: 7 } },
    });
    expect([bad.status, fieldsOf(bad.body)]).toEqual([422, ['prompt.version']]);
    const unpinned = await call('PATCH', `${agents}/${pinned.body.id}`, {
      as: owner,
      body: { prompt: null },
    });
    expect([unpinned.status, unpinned.body.prompt]).toEqual([200, null]);
    expect((await call('DELETE', `${agents}/${follower.id}`, { as: owner })).status).toBe(204);
    expect((await call('GET', `${prompts(org.id)}/${prompt.id}`, { as: owner })).body.agentIds).toEqual([]);

    expect((await call('DELETE', `${prompts(org.id)}/${prompt.id}`, { as: owner })).status).toBe(204);
    expect(await versionItems(org.id, prompt.id)).toEqual([]);
    expect((await call('GET', `${prompts(org.id)}/${prompt.id}/versions`, { as: owner })).status).toBe(404);
    expect(await auditActions(org.id)).toContain('prompt.deleted');
  });
});
