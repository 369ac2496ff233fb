/**
 * Knowledge written before hybrid retrieval (or by another embedding model) has chunks without a
 * current vector, found by their words alone; infra/scripts/backfill-knowledge-vectors.ts embeds
 * them in place through the Titan adapter on the run's stand-in, moves the knowledge version so
 * indexes reload, and running it again changes nothing.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { knowledgeVersion, loadChunks } from '../../functions/data/knowledge';
import { backfillKnowledgeVectors } from '../../infra/scripts/backfill-knowledge-vectors';
import { call } from '../support/api';
import { tableName, testDb } from '../support/env';
import { createOrg } from '../support/tenancy';

/** Strips the vectors, as chunks were stored before there was an embedder. */
async function asStoredBeforeVectors(orgId: string) {
  const { Items = [] } = await testDb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.knowledgePk(orgId) },
    }),
  );
  for (const item of Items.filter((i) => i.type === 'KNOWLEDGE_CHUNK'))
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'REMOVE vector, vectorScale, vectorModel',
      }),
    );
}

describe('backfill of knowledge vectors', () => {
  it('embeds chunks stored without vectors, so a paraphrase finds them, and is idempotent', async () => {
    const owner = 'owner@legacy-vectors.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const bank = `/orgs/${org.id}/knowledge`;
    for (const [title, content] of [
      ['Parking', 'Free parking behind the building, entrance on Mill Lane.'],
      ['Refunds', 'Refunds go back to the original card within five business days.'],
    ])
      expect((await call('POST', bank, { as: owner, body: { title, content, agentIds: [] } })).status).toBe(
        201,
      );
    await asStoredBeforeVectors(org.id);
    expect((await loadChunks(org.id)).map((c) => c.vector)).toEqual([null, null]);
    const before = await knowledgeVersion(org.id);

    const first = await backfillKnowledgeVectors();
    expect(first.embedded).toBeGreaterThanOrEqual(2);
    const chunks = await loadChunks(org.id);
    expect(chunks.every((c) => c.vector?.values.length === 512)).toBe(true);
    expect(await knowledgeVersion(org.id)).toBe(before + 1);
    // The very next search sees the vectors: a question with no word in common finds parking by meaning.
    const found = await call('POST', `${bank}/search`, {
      as: owner,
      body: { query: 'where can I leave my car?' },
    });
    expect(found.status).toBe(200);
    expect(found.body.passages[0]).toMatchObject({ title: 'Parking' });
    expect(found.body.passages[0].foundBy).not.toBe('lexical');

    await backfillKnowledgeVectors();
    expect(await knowledgeVersion(org.id)).toBe(before + 1);
  }, 60_000);
});
