/**
 * Hybrid retrieval over an org's knowledge chunks: BM25 (MiniSearch's BM25+) over title, headings
 * and text, and dense similarity between the question's vector and each chunk's (int8, from the
 * Embedder port), fused (`fuse`). Pure: building an index from chunks and searching it; loading
 * the chunks and keeping an index per org is the store's (data/knowledge.ts).
 *
 * Term processing is the same for documents and questions: lower case, accents folded, English
 * stop words dropped and a light suffix stemmer, so "cancelled", "cancelling" and "cancellation"
 * meet "cancel". Question terms also match as prefixes (4+ letters) and with one typo (6+ letters),
 * both scored below exact matches. With a thesaurus, the question's words also match their
 * synonyms ("annually" finds "yearly billing"), each synonym at `synonymWeight` of a question word.
 */
import MiniSearch, { type Query, type SearchResult } from 'minisearch';
import type { FoundBy, Passage } from '../api/schemas/knowledge';
import type { QuantizedVector } from './embedding';

export interface IndexedChunk {
  /** `<entryId>#<n>` */
  id: string;
  entryId: string;
  title: string;
  heading: string | null;
  /** The entry's tags: topic labels its authors chose. */
  tags: string[];
  n: number;
  text: string;
  /** The agents the entry is limited to; empty for every agent. */
  agentIds: string[];
  /** The chunk's embedding, when it has one of the index's model (older chunks may not). */
  vector?: QuantizedVector | null | undefined;
}

const stopWords = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how i if in into is it its itself just me more most my ' +
    'myself no nor not now of off on once only or other our ours ourselves out over own same she should so ' +
    'some such than that the their theirs them themselves then there these they this those through to too ' +
    'under until up very was we were what when where which while who whom why will with would you your ' +
    'yours yourself yourselves im ive id dont doesnt cant wont isnt get got want need please hi hello thanks ' +
    'us also anything something everything thing things happen happens way like know tell able still'
  ).split(' '),
);

/** Strips common English inflections; deliberately light (no dictionary), applied alike to both sides. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  const strip = (suffix: string, replacement = '', minStem = 3) => {
    if (w.endsWith(suffix) && w.length - suffix.length >= minStem) {
      w = w.slice(0, -suffix.length) + replacement;
      return true;
    }
    return false;
  };
  if (!strip('ies', 'y')) {
    if (!strip('sses', 'ss') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) strip('s');
  }
  strip('ational', 'ate') ||
    strip('ations', 'ate') ||
    strip('ation', 'ate') ||
    strip('ness') ||
    // receptionist -> reception, specialist -> special (derivations ask about the same thing).
    strip('ist', '', 5) ||
    strip('ment', '', 4) ||
    strip('ing') ||
    strip('edly') ||
    strip('ed') ||
    strip('ly', '', 4);
  // integrate/integration, cancellation (cancellate) -> cancell.
  if (w.endsWith('ate') && w.length > 6) w = w.slice(0, -3);
  // running -> run, cancelled -> cancel; but keep ll/ss/zz endings of short stems (fill, pass).
  if (/([^aeiouls])\1$/.test(w) || (/ll$/.test(w) && w.length > 5)) w = w.slice(0, -1);
  // charge/charged/charges, invoice/invoices, update/updated/updating.
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** Lower case, accents and apostrophes gone: the form stop words and the thesaurus are keyed by. */
function fold(term: string): string {
  return term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]/g, '');
}

export function processTerm(term: string): string | null {
  const folded = fold(term);
  if (!folded || stopWords.has(folded)) return null;
  return stem(folded);
}

const options = {
  fields: ['title', 'heading', 'tags', 'text'],
  storeFields: ['entryId', 'title', 'heading', 'n', 'text', 'agentIds'],
  processTerm,
  extractField: (doc: IndexedChunk, field: string) => {
    const value = (doc as unknown as Record<string, unknown>)[field] ?? '';
    return Array.isArray(value) ? value.join(' ') : value;
  },
  searchOptions: {
    // A title or heading names what the passage is about; body words can be incidental.
    boost: { title: 2, heading: 1.5, tags: 1.5, text: 1 },
    prefix: (term: string) => term.length >= 4,
    fuzzy: (term: string) => (term.length >= 6 ? 0.2 : false),
    combineWith: 'OR' as const,
  },
};

/** Chunks with a vector, their int8 components row after row (one allocation, scanned in order). */
interface DenseIndex {
  dimensions: number;
  chunks: IndexedChunk[];
  values: Int8Array;
  scales: Float32Array;
}

export interface KnowledgeIndex {
  lexical: MiniSearch<IndexedChunk>;
  dense: DenseIndex | null;
}

/** Synonyms of a lower-case word (the thesaurus adapter in production). */
export type Synonyms = (word: string) => readonly string[];

/**
 * What a synonym is worth against the question's own word. Measured on the retrieval-quality
 * corpus: 0.2 to 0.5 give the same hit rate (README "Prompts and knowledge"); low, so a synonym
 * of another sense ("leave" -> "depart") only breaks ties.
 */
export const synonymWeight = 0.3;

/** The synonyms of the question's words that are not stop words or words of the question already. */
function expansion(query: string, synonyms: Synonyms): string[] {
  // The index's own tokenizer, so the words are the ones the question is searched by.
  const words = (MiniSearch.getDefault('tokenize') as (text: string) => string[])(query).map(fold);
  const own = new Set(words);
  const found = new Set<string>();
  for (const word of words) {
    if (processTerm(word) === null) continue;
    for (const synonym of synonyms(word)) if (!own.has(synonym)) found.add(synonym);
  }
  return [...found];
}

const synonymBoost = Object.fromEntries(
  Object.entries(options.searchOptions.boost).map(([field, boost]) => [field, boost * synonymWeight]),
);

export function buildIndex(chunks: readonly IndexedChunk[]): KnowledgeIndex {
  const lexical = new MiniSearch<IndexedChunk>(options);
  // MiniSearch stores the fields it is told to; the vectors stay in the dense index only.
  lexical.addAll(chunks);
  return { lexical, dense: denseIndex(chunks) };
}

function denseIndex(chunks: readonly IndexedChunk[]): DenseIndex | null {
  const first = chunks.find((c) => c.vector);
  if (!first?.vector) return null;
  const dimensions = first.vector.values.length;
  const withVector = chunks.filter((c) => c.vector?.values.length === dimensions);
  const values = new Int8Array(withVector.length * dimensions);
  const scales = new Float32Array(withVector.length);
  withVector.forEach((c, row) => {
    values.set(c.vector!.values, row * dimensions);
    scales[row] = c.vector!.scale;
  });
  return { dimensions, chunks: withVector.map(({ vector: _kept, ...rest }) => rest), values, scales };
}

/**
 * How the two rankings become one. `rrf`: reciprocal rank fusion, Σ 1 / (k + rank) over the
 * rankings a chunk is in, which needs no score scales. `weighted`: w · BM25 / best BM25 +
 * (1 − w) · the cosine min-max normalised over the candidates; every candidate has both scores.
 * `lexical` and `dense` rank by one signal (for measuring). The choice and its measurements are
 * in the README ("Hybrid retrieval").
 */
export type Fusion =
  | { kind: 'rrf'; k: number }
  | { kind: 'weighted'; lexicalWeight: number }
  | { kind: 'lexical' }
  | { kind: 'dense' };

/**
 * Measured on the evaluation corpus (npm run bench, retrieval section): the weighted sum at 0.5
 * found more at 3 and 5 than RRF (paraphrases 0.70 vs 0.65, overall 0.90 vs 0.87), weights 0.3 to
 * 0.7 within one question of each other; RRF ranked the first passage right more often (0.63 vs
 * 0.58), which matters less when four passages go to the model.
 */
export const defaultFusion: Fusion = { kind: 'weighted', lexicalWeight: 0.5 };
/** Candidates taken from each ranking before fusing: several times any limit a caller may ask. */
const candidateDepth = 20;

/**
 * The best passages for a question. With an agent, entries limited to other agents are left out,
 * and with `limitedOnly` the entries for every agent too (what an agent shared into another org
 * may use: only what was given to it by name); without an agent (an admin testing the whole bank)
 * every entry counts. With the question's vector (unit length, the chunks' model) dense
 * candidates join the lexical ones, so a question sharing no word with its answer still finds it;
 * without one (no embedder, or it failed) the search is lexical.
 */
export function searchIndex(
  index: KnowledgeIndex,
  query: string,
  {
    agentId,
    limitedOnly = false,
    limit,
    synonyms,
    queryVector,
    fusion = defaultFusion,
  }: {
    agentId?: string | undefined;
    limitedOnly?: boolean;
    limit: number;
    synonyms?: Synonyms | undefined;
    queryVector?: Float32Array | null | undefined;
    fusion?: Fusion;
  },
): Passage[] {
  const visible = (agents: readonly string[]) =>
    agentId === undefined || agents.includes(agentId) || (agents.length === 0 && !limitedOnly);
  const lexical =
    fusion.kind === 'dense'
      ? []
      : lexicalCandidates(index, query, visible, synonyms, Math.max(limit, candidateDepth));
  const dense =
    queryVector && index.dense?.dimensions === queryVector.length && fusion.kind !== 'lexical'
      ? denseScores(index.dense, queryVector, visible)
      : null;
  if (!dense) return lexical.slice(0, limit).map((c) => passage(c.chunk, c.score, 'lexical'));

  const denseTop = topDense(dense, candidateDepth);
  const lexicalTop = lexical.slice(0, candidateDepth);
  const lexicalRank = new Map(lexicalTop.map((c, i) => [c.chunk.id, i + 1]));
  const denseRank = new Map(denseTop.map((d, i) => [d.chunk.id, i + 1]));
  const pool = new Map<string, IndexedChunk>();
  for (const c of [...lexicalTop.map((l) => l.chunk), ...denseTop.map((d) => d.chunk)]) pool.set(c.id, c);

  const bestLexical = lexicalTop[0]?.score ?? 1;
  const lexicalScore = new Map(lexicalTop.map((c) => [c.chunk.id, c.score / bestLexical]));
  const cosines = [...pool.keys()].map((id) => dense.get(id)?.cosine ?? 0);
  const low = Math.min(...cosines);
  const spread = Math.max(...cosines) - low || 1;
  const fused = (id: string): number => {
    switch (fusion.kind) {
      case 'rrf':
        return [lexicalRank.get(id), denseRank.get(id)].reduce<number>(
          (sum, rank) => sum + (rank ? 1 / (fusion.k + rank) : 0),
          0,
        );
      case 'weighted':
        return (
          fusion.lexicalWeight * (lexicalScore.get(id) ?? 0) +
          (1 - fusion.lexicalWeight) * (((dense.get(id)?.cosine ?? low) - low) / spread)
        );
      case 'lexical':
        return lexicalScore.get(id) ?? 0;
      case 'dense':
        return dense.get(id)?.cosine ?? 0;
    }
  };
  return [...pool.values()]
    .map((chunk) => ({ chunk, score: fused(chunk.id) }))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(({ chunk, score }) => {
      const byLexical = lexicalRank.has(chunk.id);
      const byDense = denseRank.has(chunk.id);
      return passage(chunk, score, byLexical && byDense ? 'both' : byLexical ? 'lexical' : 'dense');
    });
}

function lexicalCandidates(
  index: KnowledgeIndex,
  query: string,
  visible: (agents: readonly string[]) => boolean,
  synonyms: Synonyms | undefined,
  depth: number,
): { chunk: IndexedChunk; score: number }[] {
  const extra = synonyms ? expansion(query, synonyms) : [];
  // Exact synonyms only: their prefixes and typos would stretch a loose match further.
  const expanded: Query = {
    combineWith: 'OR',
    queries: [query, { queries: extra, boost: synonymBoost, prefix: false, fuzzy: false }],
  };
  return index.lexical
    .search(extra.length ? expanded : query, {
      filter: (result: SearchResult) => visible(result.agentIds as string[]),
    })
    .slice(0, depth)
    .map((r) => ({
      score: r.score,
      chunk: {
        id: r.id as string,
        entryId: r.entryId as string,
        title: r.title as string,
        heading: (r.heading as string | null) ?? null,
        tags: [],
        n: r.n as number,
        text: r.text as string,
        agentIds: r.agentIds as string[],
      },
    }));
}

/** The `depth` best positive cosines, by insertion into a short sorted list (no sort of every chunk). */
function topDense(
  dense: Map<string, { chunk: IndexedChunk; cosine: number }>,
  depth: number,
): { chunk: IndexedChunk; cosine: number }[] {
  const top: { chunk: IndexedChunk; cosine: number }[] = [];
  for (const d of dense.values()) {
    if (d.cosine <= 0 || (top.length === depth && d.cosine <= top[depth - 1]!.cosine)) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.cosine < d.cosine) at--;
    top.splice(at, 0, d);
    if (top.length > depth) top.pop();
  }
  return top;
}

/** Cosine of the question with every visible chunk: one pass over the int8 rows. */
function denseScores(
  dense: DenseIndex,
  query: Float32Array,
  visible: (agents: readonly string[]) => boolean,
): Map<string, { chunk: IndexedChunk; cosine: number }> {
  const out = new Map<string, { chunk: IndexedChunk; cosine: number }>();
  const d = dense.dimensions;
  for (let row = 0; row < dense.chunks.length; row++) {
    const chunk = dense.chunks[row]!;
    if (!visible(chunk.agentIds)) continue;
    let dot = 0;
    const base = row * d;
    for (let i = 0; i < d; i++) dot += dense.values[base + i]! * query[i]!;
    out.set(chunk.id, { chunk, cosine: dot * dense.scales[row]! });
  }
  return out;
}

function passage(chunk: IndexedChunk, score: number, foundBy: FoundBy): Passage {
  return {
    entryId: chunk.entryId,
    title: chunk.title,
    heading: chunk.heading,
    chunk: chunk.n,
    text: chunk.text,
    score: Math.round(score * 10_000) / 10_000,
    foundBy,
  };
}

/** Passages of several searches as one answer: best first, at most `limit`. */
export function mergePassages(lists: readonly (readonly Passage[])[], limit: number): Passage[] {
  return lists
    .flat()
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
