/**
 * Hybrid retrieval through the real API and the Titan adapter on the run's LLM stand-in (its
 * embeddings are SIF sentence vectors from real word vectors): the quality floor on the evaluation
 * corpus, questions with no word in common with their answer, which signal found each passage,
 * agent scoping on the dense path, and an embedder failing on write (nothing stored) or on search
 * (BM25 alone, said so).
 */
import { describe, expect, it } from 'vitest';
import { knowledgeEmbedder } from '../../functions/adapters/embedder-titan';
import { keys } from '../../functions/data/keys';
import { defaultFusion } from '../../functions/domain/retrieval';
import { evalCorpus, evalQuestions } from '../fixtures/retrieval-eval-corpus';
import { call } from '../support/api';
import { evaluate } from '../support/retrieval-eval';
import { createOrg, partition, tenantSnapshot } from '../support/tenancy';

const bank = (orgId: string) => `/orgs/${orgId}/knowledge`;
const snapshot = async (orgId: string) => ({
  ...(await tenantSnapshot(orgId)),
  knowledge: await partition(keys.knowledgePk(orgId)),
});

describe('hybrid retrieval', () => {
  it('holds the floor on the evaluation corpus: paraphrases 0.6, lexical 0.95, overall 0.85 at 3', async () => {
    expect(evalCorpus.length).toBeGreaterThanOrEqual(40);
    expect(evalQuestions.length).toBeGreaterThanOrEqual(60);
    const count = (kind: string) => evalQuestions.filter((q) => q.kind === kind).length;
    expect(count('paraphrase')).toBeGreaterThanOrEqual(evalQuestions.length / 3);
    expect(count('multi')).toBeGreaterThanOrEqual(evalQuestions.length / 5);

    const embedder = knowledgeEmbedder()!;
    expect([embedder.model, embedder.dimensions]).toEqual(['amazon.titan-embed-text-v2:0', 512]);
    const { hybrid, lexical } = await evaluate(embedder, {
      hybrid: defaultFusion,
      lexical: { kind: 'lexical' },
    });
    console.log(
      `hybrid hit@3: lexical ${hybrid!.rates.lexical[3].toFixed(2)}, paraphrase ${hybrid!.rates.paraphrase[3].toFixed(2)}, multi ${hybrid!.rates.multi[3].toFixed(2)}, overall ${hybrid!.rates.overall[3].toFixed(2)} (BM25 alone: paraphrase ${lexical!.rates.paraphrase[3].toFixed(2)}); misses: ${hybrid!.misses.join(' | ')}`,
    );
    expect(hybrid!.rates.paraphrase[3]).toBeGreaterThanOrEqual(0.6);
    expect(hybrid!.rates.lexical[3]).toBeGreaterThanOrEqual(0.95);
    expect(hybrid!.rates.overall[3]).toBeGreaterThanOrEqual(0.85);
    // The dense signal is what lifts paraphrases.
    expect(hybrid!.rates.paraphrase[3]).toBeGreaterThan(lexical!.rates.paraphrase[3]);
  }, 120_000);

  it('answers a question sharing no word with its answer from the dense signal, and says which signal found each passage', async () => {
    const owner = 'owner@kb-hybrid.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const add = async (title: string, content: string, agentIds: string[] = []) => {
      const res = await call('POST', bank(org.id), { as: owner, body: { title, content, agentIds } });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const parking = await add('Parking', 'Free parking behind the building, entrance on Mill Lane.');
    await add('Refunds', 'Refunds go back to the original card within five business days.');
    await add('Opening hours', 'We are open from eight to six on weekdays and closed on public holidays.');

    const search = async (query: string, extra: Record<string, unknown> = {}) => {
      const res = await call('POST', `${bank(org.id)}/search`, {
        as: owner,
        body: { query, limit: 3, ...extra },
      });
      expect(res.status).toBe(200);
      return res.body as { passages: { entryId: string; foundBy: string }[]; dense: boolean };
    };
    // No word of the question is in the bank: BM25 finds nothing, the embedding finds the parking.
    const car = await search('Where should I leave my car?');
    expect(car.dense).toBe(true);
    expect(car.passages[0]).toMatchObject({ entryId: parking, foundBy: 'dense' });
    expect(car.passages.every((p) => p.foundBy === 'dense')).toBe(true);
    // Words and meaning agree: found by both.
    expect((await search('Is there free parking?')).passages[0]).toMatchObject({
      entryId: parking,
      foundBy: 'both',
    });

    // Scoping holds on the dense path: an entry limited to one agent never reaches another.
    const agents = `/orgs/${org.id}/agents`;
    const vip = (await call('POST', agents, { as: owner, body: { name: 'VIP', type: 'chat' } })).body;
    const desk = (await call('POST', agents, { as: owner, body: { name: 'Desk', type: 'chat' } })).body;
    const valet = await add('Valet', 'Our valet takes your vehicle at the door.', [vip.id]);
    const asDesk = await search('Someone to take my automobile when I arrive', { agentId: desk.id });
    expect(asDesk.passages.map((p) => p.entryId)).not.toContain(valet);
    const asVip = await search('Someone to take my automobile when I arrive', { agentId: vip.id });
    expect(asVip.passages.map((p) => p.entryId)).toContain(valet);

    // The embedder failing for the question: BM25 alone, and the answer says so.
    const lexicalOnly = await search('free parking [embed-fault:500]');
    expect(lexicalOnly.dense).toBe(false);
    expect(lexicalOnly.passages[0]).toMatchObject({ entryId: parking, foundBy: 'lexical' });
  });

  it('refuses a write whose passages cannot be embedded (502, 503 when throttled) and stores nothing', async () => {
    const owner = 'owner@kb-embed-fault.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const entry = (
      await call('POST', bank(org.id), { as: owner, body: { title: 'Fine', content: 'All good here.' } })
    ).body;
    const before = await snapshot(org.id);
    const created = await call('POST', bank(org.id), {
      as: owner,
      body: { title: 'Broken', content: 'This passage breaks the model [embed-fault:500].' },
    });
    expect([created.status, created.body.detail]).toEqual([
      502,
      'The embedding model failed (Bedrock InternalServerException, HTTP 500); nothing was saved.',
    ]);
    const throttled = await call('PATCH', `${bank(org.id)}/${entry.id}`, {
      as: owner,
      body: { content: 'New words [embed-fault:429].' },
    });
    expect([throttled.status, throttled.body.detail]).toEqual([
      503,
      'The embedding model is limiting requests (429); nothing was saved, retry in a moment.',
    ]);
    expect(await snapshot(org.id)).toEqual(before);
    const read = await call('GET', `${bank(org.id)}/${entry.id}`, { as: owner });
    expect([read.body.content, read.body.version]).toEqual(['All good here.', 1]);
  });

  it('stores each chunk’s vector as 512 int8 bytes with its scale and model beside the text', async () => {
    const owner = 'owner@kb-vectors.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const entry = (
      await call('POST', bank(org.id), {
        as: owner,
        body: { title: 'Parking', content: 'Free parking behind.' },
      })
    ).body;
    const [chunk] = (await partition(keys.knowledgePk(org.id))).filter((i) => i.type === 'KNOWLEDGE_CHUNK');
    expect(chunk).toMatchObject({ entryId: entry.id, vectorModel: 'amazon.titan-embed-text-v2:0#512' });
    expect((chunk!.vector as Uint8Array).length).toBe(512);
    expect(chunk!.vectorScale).toBeGreaterThan(0);
  });
});
