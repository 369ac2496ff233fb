import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { maxBankBytesPerOrg } from '../../functions/domain/knowledge';
import { call } from '../support/api';
import { tableName, testDb } from '../support/env';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  await addMember(org.id, owner, `manager@${tag}.test`, 'manager');
  await addMember(org.id, owner, `member@${tag}.test`, 'member');
  return { org, owner, manager: `manager@${tag}.test`, member: `member@${tag}.test` };
}

const bank = (orgId: string) => `/orgs/${orgId}/knowledge`;
const add = (orgId: string, as: string, body: Record<string, unknown>) =>
  call('POST', bank(orgId), { as, body });
const search = (orgId: string, as: string, body: Record<string, unknown>) =>
  call('POST', `${bank(orgId)}/search`, { as, body });
const chunksOf = async (orgId: string, entryId: string) =>
  (await partition(keys.knowledgePk(orgId))).filter((i) =>
    String(i.sk).startsWith(keys.knowledgeChunksPrefix(entryId)),
  );
/** Everything a refused knowledge request must leave alone: the org partition, its audit and the knowledge partition. */
const snapshot = async (orgId: string) => ({
  ...(await tenantSnapshot(orgId)),
  knowledge: await partition(keys.knowledgePk(orgId)),
});

/** About 100 KB of distinct Markdown sections, so every chunk says something of its own. */
function longManual(marker: string) {
  return Array.from(
    { length: 120 },
    (_, i) =>
      `## Section ${i}\n\nStep ${i} of the manual covers device ${i}: ${'calibrate the sensor and record the reading, then '.repeat(15)}done ${marker}${i}.`,
  ).join('\n\n');
}

describe('knowledge bank', () => {
  it('adds, reads, lists, changes and deletes entries; members read, managers write', async () => {
    const { org, manager, member } = await team('kb-crud');
    expect((await add(org.id, member, { title: 'T', content: 'x' })).status).toBe(403);
    const created = await add(org.id, manager, {
      title: 'Parking at the clinic',
      content: '# Parking\n\nFree parking behind the building, entrance on Mill Lane.',
      tags: ['Visits', 'location'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Parking at the clinic',
      tags: ['visits', 'location'],
      agentIds: [],
      chunkCount: 1,
      version: 1,
    });
    const path = `${bank(org.id)}/${created.body.id}`;
    expect((await call('GET', path, { as: member })).body.content).toContain('Mill Lane');
    await add(org.id, manager, { title: 'Opening hours', content: 'Weekdays 8 to 18.', tags: ['hours'] });

    const listed = await call('GET', bank(org.id), { as: member });
    expect(listed.body.items).toHaveLength(2);
    expect(listed.body.items[0]).not.toHaveProperty('content');
    const tagged = await call('GET', `${bank(org.id)}?tag=Visits`, { as: member });
    expect(tagged.body.items.map((e: { id: string }) => e.id)).toEqual([created.body.id]);

    const chunksBefore = await chunksOf(org.id, created.body.id);
    const retitled = await call('PATCH', path, {
      as: manager,
      body: { title: 'Parking and access' },
      headers: { 'if-match': '"1"' },
    });
    expect([retitled.status, retitled.body.version, retitled.headers.etag]).toEqual([200, 2, '"2"']);
    // A title alone keeps the chunks (the index reads titles from the entry).
    expect(await chunksOf(org.id, created.body.id)).toEqual(chunksBefore);
    const stale = await call('PATCH', path, {
      as: manager,
      body: { title: 'x' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);

    expect((await call('DELETE', path, { as: member })).status).toBe(403);
    expect((await call('DELETE', path, { as: manager })).status).toBe(204);
    expect((await call('GET', path, { as: member })).status).toBe(404);
    expect(await chunksOf(org.id, created.body.id)).toEqual([]);
    expect((await call('DELETE', path, { as: manager })).status).toBe(404);
    const actions = (await partition(keys.auditPk(org.id))).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['knowledge.created', 'knowledge.updated', 'knowledge.deleted']),
    );
    // The audit log records sizes, not a second copy of the content.
    expect(JSON.stringify(await partition(keys.auditPk(org.id)))).not.toContain('Mill Lane');
  });

  it('refuses bad input with a 400 naming the field, changing nothing', async () => {
    const { org, owner } = await team('kb-bad');
    const entry = (await add(org.id, owner, { title: 'Fine', content: 'Fine.' })).body;
    const before = await snapshot(org.id);
    const overInBytes = 'é'.repeat(51_300); // 102,600 bytes of UTF-8 in 51,300 characters
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['POST', bank(org.id), { title: 'T', content: overInBytes }, 'content'],
      ['POST', bank(org.id), { title: 'T' }, 'content'],
      ['POST', bank(org.id), { title: '', content: 'x' }, 'title'],
      ['POST', bank(org.id), { title: 'T', content: 'a\u0007b' }, 'content'],
      ['POST', bank(org.id), { title: 'T', content: 'x', tags: ['a', 'A'] }, 'tags'],
      [
        'POST',
        bank(org.id),
        { title: 'T', content: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
        'tags',
      ],
      ['POST', bank(org.id), { title: 'T', content: 'x', tags: ['<b>'] }, 'tags.0'],
      ['POST', bank(org.id), { title: 'T', content: 'x', agentIds: ['bot'] }, 'agentIds.0'],
      ['POST', bank(org.id), { title: 'T', content: 'x', vector: [1] }, 'vector'],
      ['PATCH', `${bank(org.id)}/${entry.id}`, {}, 'title'],
      ['PATCH', `${bank(org.id)}/${entry.id}`, { content: overInBytes }, 'content'],
      ['PATCH', `${bank(org.id)}/kbe_nope`, { title: 'x' }, 'entryId'],
      ['POST', `${bank(org.id)}/search`, { query: '' }, 'query'],
      ['POST', `${bank(org.id)}/search`, { query: 'x', limit: 11 }, 'limit'],
      ['POST', `${bank(org.id)}/search`, { query: 'x', agentId: 'bot' }, 'agentId'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(method, path, { as: owner, body });
      expect([res.status, fieldsOf(res.body)], `${method} ${JSON.stringify(body).slice(0, 60)}`).toEqual([
        400,
        [field],
      ]);
    }
    const tooBig = await call('POST', bank(org.id), {
      as: owner,
      rawBody: JSON.stringify({ title: 'T', content: 'x'.repeat(400_000) }),
    });
    expect([tooBig.status, fieldsOf(tooBig.body)]).toEqual([400, ['body']]);
    expect(await snapshot(org.id)).toEqual(before);
  });

  it('accepts exactly 100 KB, stages a long entry’s chunks and replaces them on a content change', async () => {
    const { org, owner } = await team('kb-long');
    const exact = 'a'.repeat(100 * 1024);
    const atLimit = await add(org.id, owner, { title: 'Exactly at the limit', content: exact });
    expect([atLimit.status, atLimit.body.contentBytes]).toEqual([201, 102_400]);

    const content = longManual('first');
    const created = await add(org.id, owner, { title: 'Device manual', content });
    expect(created.status).toBe(201);
    expect(created.body.chunkCount).toBeGreaterThan(100);
    const first = await chunksOf(org.id, created.body.id);
    expect(first).toHaveLength(created.body.chunkCount);
    expect((await call('GET', `${bank(org.id)}/${created.body.id}`, { as: owner })).body.content).toBe(
      content,
    );
    const found = await search(org.id, owner, { query: 'first119' });
    expect(found.body.passages[0]).toMatchObject({
      entryId: created.body.id,
      heading: expect.stringMatching(/^Section 11\d$/),
      text: expect.stringContaining('first119'),
    });

    const changed = await call('PATCH', `${bank(org.id)}/${created.body.id}`, {
      as: owner,
      body: { content: longManual('second') },
    });
    expect(changed.status).toBe(200);
    const second = await chunksOf(org.id, created.body.id);
    expect(second).toHaveLength(changed.body.chunkCount);
    // Only the new revision is stored: none of the first one's keys remain.
    expect(second.filter((c) => first.some((f) => f.sk === c.sk))).toEqual([]);
    expect((await search(org.id, owner, { query: 'first119' })).body.passages).toEqual([]);
    expect((await search(org.id, owner, { query: 'second119' })).body.passages[0].entryId).toBe(
      created.body.id,
    );
  });

  it('never shows half an entry: of two racing long rewrites one wins whole, the loser leaves no chunk', async () => {
    const { org, owner } = await team('kb-race');
    const entry = (await add(org.id, owner, { title: 'Manual', content: longManual('zero') })).body;
    const path = `${bank(org.id)}/${entry.id}`;
    const results = await Promise.all(
      ['alpha', 'bravo'].map((m) => call('PATCH', path, { as: owner, body: { content: longManual(m) } })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!.body;
    const chunks = await chunksOf(org.id, entry.id);
    expect(chunks).toHaveLength(winner.chunkCount);
    const marker = winner.content.includes('alpha') ? 'alpha' : 'bravo';
    const loser = marker === 'alpha' ? 'bravo' : 'alpha';
    expect(chunks.every((c) => String(c.text).includes(marker) || !String(c.text).includes(loser))).toBe(
      true,
    );
    expect((await search(org.id, owner, { query: `${loser}7` })).body.passages).toEqual([]);
  });

  it('answers the next search with an edit: no stale index', async () => {
    const { org, owner, member } = await team('kb-fresh');
    const entry = (
      await add(org.id, owner, {
        title: 'Cancellation policy',
        content: 'Cancel up to 24 hours ahead for free.',
      })
    ).body;
    const before = await search(org.id, member, { query: 'how late can I cancel?' });
    expect(before.body.passages[0]).toMatchObject({
      entryId: entry.id,
      text: expect.stringContaining('24 hours'),
    });
    const version = before.body.knowledgeVersion;

    await call('PATCH', `${bank(org.id)}/${entry.id}`, {
      as: owner,
      body: { content: 'Cancel up to 48 hours ahead for free; later cancellations cost 30 euros.' },
    });
    const after = await search(org.id, member, { query: 'how late can I cancel?' });
    expect(after.body.knowledgeVersion).toBe(version + 1);
    expect(after.body.passages[0].text).toContain('48 hours');

    await call('DELETE', `${bank(org.id)}/${entry.id}`, { as: owner });
    expect((await search(org.id, member, { query: 'cancel' })).body.passages).toEqual([]);
  });

  it('limits entries to agents: of the org or shared into it, and only they retrieve them', async () => {
    const { org, owner } = await team('kb-agents');
    const sister = await createOrg(owner, { name: 'Sister', plan: 'starter' });
    const agents = `/orgs/${org.id}/agents`;
    const vip = (await call('POST', agents, { as: owner, body: { name: 'VIP line', type: 'chat' } })).body;
    const desk = (await call('POST', agents, { as: owner, body: { name: 'Desk', type: 'chat' } })).body;
    const theirs = (
      await call('POST', `/orgs/${sister.id}/agents`, { as: owner, body: { name: 'Theirs', type: 'chat' } })
    ).body;
    const unshared = (
      await call('POST', `/orgs/${sister.id}/agents`, { as: owner, body: { name: 'Other', type: 'chat' } })
    ).body;
    await call('POST', `/orgs/${sister.id}/agents/${theirs.id}/shares`, {
      as: owner,
      body: { targetOrgId: org.id },
    });

    const before = await snapshot(org.id);
    for (const agentIds of [[unshared.id], ['agt_01ARZ3NDEKTSV4RRFFQ69G5FAV'], [vip.id, unshared.id]]) {
      const res = await add(org.id, owner, { title: 'VIP refunds', content: 'Same-day refunds.', agentIds });
      expect([res.status, fieldsOf(res.body)]).toEqual([422, ['agentIds']]);
    }
    expect(await snapshot(org.id)).toEqual(before);

    const limited = await add(org.id, owner, {
      title: 'VIP refunds',
      content: 'VIP members get refunds the same day.',
      agentIds: [vip.id, theirs.id],
    });
    expect(limited.status).toBe(201);
    const general = (await add(org.id, owner, { title: 'Refunds', content: 'Refunds take five days.' })).body;
    const ids = async (body: Record<string, unknown>) =>
      (await search(org.id, owner, { query: 'refunds', ...body })).body.passages
        .map((p: { entryId: string }) => p.entryId)
        .sort();
    expect(await ids({ agentId: desk.id })).toEqual([general.id]);
    expect(await ids({ agentId: vip.id })).toEqual([general.id, limited.body.id].sort());
    // An agent shared in from another org retrieves only entries limited to it by name.
    expect(await ids({ agentId: theirs.id })).toEqual([limited.body.id]);
    expect(await ids({})).toEqual([general.id, limited.body.id].sort());
    const unknown = await search(org.id, owner, { query: 'refunds', agentId: unshared.id });
    expect([unknown.status, fieldsOf(unknown.body)]).toEqual([404, ['agentId']]);
    expect((await search(org.id, owner, { query: 'refunds', limit: 1 })).body.passages).toHaveLength(1);
  });

  it('keeps the bank within its size (422, nothing stored)', async () => {
    const { org, owner } = await team('kb-full');
    await testDb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.knowledgeVersion(org.id),
          type: 'KNOWLEDGE_VERSION',
          version: 7,
          entryCount: 3,
          contentBytes: maxBankBytesPerOrg - 10,
        },
      }),
    );
    const before = await snapshot(org.id);
    const res = await add(org.id, owner, { title: 'One more', content: 'This is more than ten bytes.' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/at most/);
    expect(await snapshot(org.id)).toEqual(before);
    expect((await add(org.id, owner, { title: 'Tiny', content: 'ok' })).status).toBe(201);
  });

  it('goes with the org: entries, content, chunks and version', async () => {
    const { org, owner } = await team('kb-org-gone');
    await add(org.id, owner, { title: 'Manual', content: longManual('gone') });
    expect((await partition(keys.knowledgePk(org.id))).length).toBeGreaterThan(100);
    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);
    expect(await partition(keys.knowledgePk(org.id))).toEqual([]);
    expect(await partition(keys.org(org.id).pk)).toEqual([]);
  });
});
