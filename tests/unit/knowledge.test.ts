import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { synonymsOf } from '../../functions/adapters/thesaurus';
import { chunkMarkdown, chunkOverlap, chunkTarget } from '../../functions/domain/knowledge';
import { buildIndex, mergePassages, processTerm, searchIndex, stem } from '../../functions/domain/retrieval';

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('chunking', () => {
  it('starts a chunk at each heading of long sections, keeping the heading path, ignoring # inside code', () => {
    const body = (topic: string) => `${topic} ${'is explained at length here. '.repeat(16)}`;
    const chunks = chunkMarkdown(
      [
        body('Intro before any heading'),
        '# Billing',
        body('How invoices work'),
        '## Refunds',
        body('Refunds'),
        '```',
        '# not a heading inside a fence',
        '```',
        '# Security',
        body('Two-factor sign-in'),
      ].join('\n'),
    );
    expect(chunks.map((c) => c.heading)).toEqual([null, 'Billing', 'Billing › Refunds', 'Security']);
    expect(chunks[2]!.text).toContain('# not a heading inside a fence');
    expect(chunks.map((c) => c.n)).toEqual([0, 1, 2, 3]);
  });

  it('lets short sections share a chunk, their headings inline, so tiny sections cannot multiply chunks', () => {
    const chunks = chunkMarkdown(
      '# Hours\nNine to five.\n# Parking\nBehind the building.\n# Phone\nCall us.',
    );
    expect(chunks).toEqual([
      {
        n: 0,
        heading: 'Hours',
        text: 'Nine to five.\n\nParking\n\nBehind the building.\n\nPhone\n\nCall us.',
      },
    ]);
    const tiny = chunkMarkdown('# h\nx\n'.repeat(17_000));
    expect(tiny.length).toBeLessThanOrEqual(260);
  });

  it('packs paragraphs up to the target and carries an overlap into the next chunk of a section', () => {
    const paragraph = (i: number) => `Paragraph ${i} ${'lorem ipsum dolor sit amet '.repeat(8)}end${i}.`;
    const content = Array.from({ length: 12 }, (_, i) => paragraph(i)).join('\n\n');
    const chunks = chunkMarkdown(content);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(chunkTarget + chunkOverlap + 2);
    // Each later chunk begins with the end of the one before.
    for (let i = 1; i < chunks.length; i++) {
      const previousEnd = chunks[i - 1]!.text.slice(-30);
      expect(chunks[i]!.text.slice(0, chunkOverlap + 2)).toContain(previousEnd.trim().split(' ').at(-1));
    }
  });

  it('cuts a paragraph longer than the target at sentence ends', () => {
    const sentence = 'The clinic opens at eight and closes at six on weekdays. ';
    const chunks = chunkMarkdown(sentence.repeat(40));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.text.trimEnd()).toMatch(/\.$/);
  });

  it('loses no word, stays within bounds for any text, and is deterministic', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom('# Title', '## Sub', '', '```', 'x'.repeat(1500)),
            fc.lorem({ maxCount: 60, mode: 'sentences' }),
          ),
          { maxLength: 40 },
        ),
        (lines) => {
          const content = lines.join('\n');
          const chunks = chunkMarkdown(content);
          expect(chunkMarkdown(content)).toEqual(chunks);
          const kept = new Set(chunks.flatMap((c) => [...words(c.text), ...words(c.heading ?? '')]));
          const headingWords = new Set(['#', '##', 'Title', 'Sub']);
          // A run longer than half a chunk has no space to cut at: it is cut anywhere, so only shorter words are whole.
          for (const word of words(content)) {
            if (!headingWords.has(word) && word.length < chunkTarget / 2) expect(kept.has(word)).toBe(true);
          }
          for (const chunk of chunks)
            expect(chunk.text.length).toBeLessThanOrEqual(chunkTarget + chunkOverlap + 2);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps 100 KB of prose to a bounded number of chunks', () => {
    const content = 'Our support team answers within one business day. '.repeat(2100);
    expect(content.length).toBeGreaterThan(100_000);
    const chunks = chunkMarkdown(content);
    expect(chunks.length).toBeLessThan(160);
  });
});

describe('retrieval', () => {
  it('folds case, accents, stop words and inflections alike on both sides', () => {
    expect(['Cancelled', 'cancelling', 'cancellation', 'CANCEL'].map((w) => processTerm(w))).toEqual([
      'cancel',
      'cancel',
      'cancel',
      'cancel',
    ]);
    expect(processTerm('the')).toBeNull();
    expect(processTerm('Café')).toBe('cafe');
    expect(stem('invoices')).toBe(stem('invoice'));
  });

  const chunk = (entryId: string, title: string, text: string, agentIds: string[] = []) => ({
    id: `${entryId}#0`,
    entryId,
    title,
    heading: null,
    tags: [],
    n: 0,
    text,
    agentIds,
  });

  it('ranks the passage about the question first and filters by agent', () => {
    const index = buildIndex([
      chunk(
        'kbe_refunds',
        'Refund policy',
        'Refunds are issued to the original card within five business days.',
      ),
      chunk('kbe_hours', 'Opening hours', 'We are open from eight to six on weekdays.'),
      chunk('kbe_vip', 'VIP refunds', 'VIP customers are refunded the same day.', ['agt_vip']),
    ]);
    expect(searchIndex(index, 'when will I get my money refunded?', { limit: 3 })[0]!.entryId).toMatch(
      /kbe_(refunds|vip)/,
    );
    expect(searchIndex(index, 'what time do you open', { limit: 1 })[0]!.entryId).toBe('kbe_hours');
    const asOther = searchIndex(index, 'refund', { agentId: 'agt_other', limit: 5 }).map((p) => p.entryId);
    expect(asOther).toEqual(['kbe_refunds']);
    const asVip = searchIndex(index, 'refund', { agentId: 'agt_vip', limit: 5 }).map((p) => p.entryId);
    expect(asVip.sort()).toEqual(['kbe_refunds', 'kbe_vip']);
    expect(searchIndex(index, 'refund', { limit: 1 })).toHaveLength(1);
    expect(searchIndex(index, 'the and of', { limit: 5 })).toEqual([]);
    // A shared-in agent: only what was limited to it by name, never the entries for every agent.
    const limited = (agentId: string) =>
      searchIndex(index, 'refund', { agentId, limitedOnly: true, limit: 5 }).map((p) => p.entryId);
    expect([limited('agt_vip'), limited('agt_other')]).toEqual([['kbe_vip'], []]);
  });

  it('merges the passages of two banks best first, within the limit', () => {
    const passage = (entryId: string, score: number) => ({
      entryId,
      title: entryId,
      heading: null,
      chunk: 0,
      text: '',
      score,
      foundBy: 'lexical' as const,
    });
    const merged = mergePassages(
      [
        [passage('kbe_a1', 3), passage('kbe_a2', 1)],
        [passage('kbe_b1', 2), passage('kbe_b2', 0.5)],
      ],
      3,
    );
    expect(merged.map((p) => p.entryId)).toEqual(['kbe_a1', 'kbe_b1', 'kbe_a2']);
  });

  it('matches the question’s words through their synonyms, below the words themselves', () => {
    const index = buildIndex([
      chunk('kbe_billing', 'Billing', 'Yearly billing saves two months.'),
      chunk('kbe_annual', 'Annual report', 'We pay out dividends annually.'),
      chunk('kbe_hours', 'Opening hours', 'We are open from eight to six on weekdays.'),
    ]);
    const thesaurus: Record<string, string[]> = {
      annually: ['yearly'],
      pay: ['earnings'],
      open: ['unfastened'],
    };
    const synonyms = (word: string) => thesaurus[word] ?? [];
    const search = (query: string, withSynonyms: boolean) =>
      searchIndex(index, query, { limit: 3, ...(withSynonyms ? { synonyms } : {}) }).map((p) => p.entryId);

    expect(search('discount for paying annually', false)).toEqual(['kbe_annual']);
    // The word itself outranks the synonym; the synonym still finds what shares no word.
    expect(search('discount for paying annually', true)).toEqual(['kbe_annual', 'kbe_billing']);
    // Stop words are not expanded, and a question with no synonyms searches as before.
    expect(search('when are you open', true)).toEqual(search('when are you open', false));
  });

  it('reads single-word WordNet synonyms from the thesaurus', () => {
    expect(synonymsOf('annually')).toEqual(['yearly']);
    // The dictionary's lists also hold the headword, phrases and part-of-speech marks.
    expect(synonymsOf('leave')).toEqual(['result', 'lead', 'allow', 'provide', 'depart']);
    expect(synonymsOf('qwertyuiop')).toEqual([]);
    // Words are data, not keys into the object's prototype.
    expect(synonymsOf('constructor')).toEqual([]);
  });
});
