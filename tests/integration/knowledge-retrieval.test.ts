/**
 * Retrieval quality through the real API: the corpus in tests/fixtures/knowledge-corpus.ts is added
 * entry by entry, then every question is searched; the top-3 hit rate (the expected entry among the
 * first three passages) is printed; the README quotes it with its misses.
 *
 * The issue asks for 0.9. BM25 alone measured 0.88 here (30 of 34): the misses share no word with
 * their answer. With WordNet synonyms (a general thesaurus, nothing fitted to these questions) it
 * measures 0.91 (31 of 34: "pay annually" finds "yearly billing"); the three left need meaning
 * rather than words ("spreadsheet" vs "CSV"), which is what the hybrid design in the README is for.
 */
import { describe, expect, it } from 'vitest';
import { corpus, questions } from '../fixtures/knowledge-corpus';
import { call } from '../support/api';
import { createOrg } from '../support/tenancy';

describe('retrieval quality', () => {
  it('finds the expected entry in the top 3 for at least 90% of the questions (measured: 0.91)', async () => {
    const owner = 'owner@kb-quality.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const ids = new Map<string, string>();
    for (const entry of corpus) {
      const res = await call('POST', `/orgs/${org.id}/knowledge`, {
        as: owner,
        body: { title: entry.title, content: entry.content, tags: entry.tags },
      });
      expect(res.status).toBe(201);
      ids.set(res.body.id, entry.key);
    }
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(questions.length).toBeGreaterThanOrEqual(30);

    const misses: string[] = [];
    let top1 = 0;
    let top3 = 0;
    for (const { question, expected } of questions) {
      const res = await call('POST', `/orgs/${org.id}/knowledge/search`, {
        as: owner,
        body: { query: question, limit: 3 },
      });
      expect(res.status).toBe(200);
      const keys = res.body.passages.map((p: { entryId: string }) => ids.get(p.entryId));
      if (keys[0] === expected) top1++;
      if (keys.includes(expected)) top3++;
      else misses.push(`${question} -> ${keys.join(', ') || 'nothing'} (expected ${expected})`);
    }
    const rate = top3 / questions.length;
    console.log(
      `retrieval quality: top-3 hit rate ${rate.toFixed(3)} (${top3}/${questions.length}), top-1 ${(top1 / questions.length).toFixed(3)}; misses: ${misses.join(' | ') || 'none'}`,
    );
    expect(rate).toBeGreaterThanOrEqual(0.9);
  });
});
