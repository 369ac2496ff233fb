/**
 * Lexical retrieval over an org's knowledge chunks: BM25 (MiniSearch's BM25+) over title, headings
 * and text. Pure: building an index from chunks and searching it; loading the chunks and keeping
 * an index per org is the store's (data/knowledge.ts).
 *
 * Term processing is the same for documents and questions: lower case, accents folded, English
 * stop words dropped and a light suffix stemmer, so "cancelled", "cancelling" and "cancellation"
 * meet "cancel". Question terms also match as prefixes (4+ letters) and with one typo (6+ letters),
 * both scored below exact matches. With a thesaurus, the question's words also match their
 * synonyms ("annually" finds "yearly billing"), each synonym at `synonymWeight` of a question word.
 */
import MiniSearch, { type Query, type SearchResult } from 'minisearch';
import type { Passage } from '../api/schemas/knowledge';

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

export type KnowledgeIndex = MiniSearch<IndexedChunk>;

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
  const index = new MiniSearch<IndexedChunk>(options);
  index.addAll(chunks);
  return index;
}

/**
 * The best passages for a question. With an agent, entries limited to other agents are left out,
 * and with `limitedOnly` the entries for every agent too (what an agent shared into another org
 * may use: only what was given to it by name); without an agent (an admin testing the whole bank)
 * every entry counts.
 */
export function searchIndex(
  index: KnowledgeIndex,
  query: string,
  {
    agentId,
    limitedOnly = false,
    limit,
    synonyms,
  }: { agentId?: string | undefined; limitedOnly?: boolean; limit: number; synonyms?: Synonyms },
): Passage[] {
  const visible = (result: SearchResult) => {
    const agents = result.agentIds as string[];
    if (agentId === undefined) return true;
    return agents.includes(agentId) || (agents.length === 0 && !limitedOnly);
  };
  const extra = synonyms ? expansion(query, synonyms) : [];
  // Exact synonyms only: their prefixes and typos would stretch a loose match further.
  const expanded: Query = {
    combineWith: 'OR',
    queries: [query, { queries: extra, boost: synonymBoost, prefix: false, fuzzy: false }],
  };
  return index
    .search(extra.length ? expanded : query, { filter: visible })
    .slice(0, limit)
    .map((r) => ({
      entryId: r.entryId as string,
      title: r.title as string,
      heading: (r.heading as string | null) ?? null,
      chunk: r.n as number,
      text: r.text as string,
      score: Math.round(r.score * 1000) / 1000,
    }));
}

/** Passages of several searches as one answer: best first, at most `limit`. */
export function mergePassages(lists: readonly (readonly Passage[])[], limit: number): Passage[] {
  return lists
    .flat()
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
