/**
 * Runs the evaluation corpus (tests/fixtures/retrieval-eval-corpus.ts) through the retrieval code
 * the API uses: the entries chunked as on write, every chunk and question embedded by `embedder`
 * (the Titan adapter, on the stand-in locally), the index built as a container builds it, and each
 * question searched with each fusion. A question's hit at k: every entry it needs is among the
 * first k distinct entries of the passages (so a two-entry question cannot hit at 1).
 */
import { synonymsOf } from '../../functions/adapters/thesaurus';
import { type Embedder, embeddingText, quantize } from '../../functions/domain/embedding';
import { chunkMarkdown } from '../../functions/domain/knowledge';
import { buildIndex, type Fusion, type IndexedChunk, searchIndex } from '../../functions/domain/retrieval';
import {
  type EvalQuestion,
  evalCorpus,
  evalQuestions,
  type QuestionKind,
} from '../fixtures/retrieval-eval-corpus';

export const ks = [1, 3, 5] as const;
export type HitRates = Record<QuestionKind | 'overall', Record<(typeof ks)[number], number>>;

export interface EvalResult {
  rates: HitRates;
  /** Questions not hit at 3, with the entries found instead. */
  misses: string[];
}

export async function embedCorpus(embedder: Embedder): Promise<IndexedChunk[]> {
  const chunks = evalCorpus.flatMap((entry) =>
    chunkMarkdown(entry.content).map((c) => ({ entry, chunk: c })),
  );
  const vectors = await embedder.embed(
    chunks.map(({ chunk }) => embeddingText(chunk.heading, chunk.text)),
    { deadlineMs: 120_000 },
  );
  return chunks.map(({ entry, chunk }, i) => ({
    id: `${entry.key}#${chunk.n}`,
    entryId: entry.key,
    title: entry.title,
    heading: chunk.heading,
    tags: entry.tags,
    n: chunk.n,
    text: chunk.text,
    agentIds: [],
    vector: quantize(vectors[i]!),
  }));
}

export async function evaluate(
  embedder: Embedder,
  fusions: Record<string, Fusion>,
): Promise<Record<string, EvalResult>> {
  const index = buildIndex(await embedCorpus(embedder));
  const questionVectors = await embedder.embed(
    evalQuestions.map((q) => q.question),
    { deadlineMs: 60_000 },
  );
  const out: Record<string, EvalResult> = {};
  for (const [name, fusion] of Object.entries(fusions)) {
    const found = evalQuestions.map((question, i) => {
      const passages = searchIndex(index, question.question, {
        limit: 10,
        synonyms: synonymsOf,
        queryVector: questionVectors[i]!,
        fusion,
      });
      return { question, entries: [...new Set(passages.map((p) => p.entryId))] };
    });
    out[name] = { rates: rates(found), misses: missesAt3(found) };
  }
  return out;
}

const hitAt = (q: EvalQuestion, entries: string[], k: number) =>
  q.expected.every((e) => entries.slice(0, k).includes(e));

function rates(found: { question: EvalQuestion; entries: string[] }[]): HitRates {
  const of = (subset: typeof found) =>
    Object.fromEntries(
      ks.map((k) => [k, subset.filter((f) => hitAt(f.question, f.entries, k)).length / subset.length]),
    ) as Record<(typeof ks)[number], number>;
  return {
    lexical: of(found.filter((f) => f.question.kind === 'lexical')),
    paraphrase: of(found.filter((f) => f.question.kind === 'paraphrase')),
    multi: of(found.filter((f) => f.question.kind === 'multi')),
    overall: of(found),
  };
}

function missesAt3(found: { question: EvalQuestion; entries: string[] }[]): string[] {
  return found
    .filter((f) => !hitAt(f.question, f.entries, 3))
    .map(
      (f) =>
        `[${f.question.kind}] ${f.question.question} -> ${f.entries.slice(0, 3).join(', ')} (expected ${f.question.expected.join(' + ')})`,
    );
}
