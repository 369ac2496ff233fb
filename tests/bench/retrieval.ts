/**
 * Bench section 9, in a process of its own: hybrid retrieval's quality on the evaluation corpus
 * (hit@1/3/5 for BM25 alone, dense alone, the chosen weighted sum and RRF, by question kind), with
 * the Titan adapter on the LLM stand-in; then search latency and index memory at 10,000 chunks.
 * Prints its result as JSON on the last line (run.ts reads it).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startLlmStandin } from '../../infra/local/llm-standin';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const standin = await startLlmStandin();
Object.assign(process.env, {
  BEDROCK_ENDPOINT: standin.url,
  TABLE_NAME: 'bench-retrieval',
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  LOG_LEVEL: 'silent',
});
const { titanEmbedder } = await import('../../functions/adapters/embedder-titan');
const { synonymsOf } = await import('../../functions/adapters/thesaurus');
const { quantize } = await import('../../functions/domain/embedding');
const { buildIndex, defaultFusion, searchIndex } = await import('../../functions/domain/retrieval');
const { evaluate } = await import('../support/retrieval-eval');
const { evalCorpus, evalQuestions } = await import('../fixtures/retrieval-eval-corpus');
const { embedText } = await import('../../infra/local/sentence-embedder');
const { seededRandom } = await import('../support/seeded-random');

const log = (line: string) => process.stderr.write(`${line}\n`);
const dimensions = 512;
const embedder = titanEmbedder('amazon.titan-embed-text-v2:0', dimensions);

log('retrieval quality on the evaluation corpus');
const quality = await evaluate(embedder, {
  'BM25 alone': { kind: 'lexical' },
  'dense alone': { kind: 'dense' },
  'hybrid: weighted sum 0.5 (chosen)': defaultFusion,
  'hybrid: RRF k=60': { kind: 'rrf', k: 60 },
});

// ---- 10,000 chunks: sentences of the corpus recombined (seeded), embedded as the stand-in embeds ----
const chunkCount = 10_000;
const sentences = evalCorpus.flatMap((e) => e.content.split(/(?<=[.!?])\s+/).filter((s) => s.length > 20));
const random = seededRandom(10_000);
const pick = () => random.pick(sentences);
log(`embedding ${chunkCount.toLocaleString('en')} synthetic chunks`);
const chunks = Array.from({ length: chunkCount }, (_, i) => {
  const text = Array.from({ length: 5 }, pick).join(' ');
  return {
    id: `kbe_${Math.floor(i / 8)}#${i % 8}`,
    entryId: `kbe_${Math.floor(i / 8)}`,
    title: `Entry ${Math.floor(i / 8)}`,
    heading: null,
    tags: [],
    n: i % 8,
    text,
    agentIds: [],
    vector: quantize(Float32Array.from(embedText(text, dimensions))),
  };
});
const textBytes = chunks.reduce((sum, c) => sum + Buffer.byteLength(c.text), 0);

const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
};
const lexicalOnly = chunks.map(({ vector: _v, ...rest }) => rest);
const beforeLexical = heap();
let kept: unknown = buildIndex(lexicalOnly);
const lexicalBytes = heap() - beforeLexical;
kept = undefined;
const beforeHybrid = heap();
const index = buildIndex(chunks);
const hybridBytes = heap() - beforeHybrid;
void kept;

const queries = evalQuestions.map((q) => q.question);
const queryVectors = queries.map((q) => Float32Array.from(embedText(q, dimensions)));
const time = (search: (i: number) => unknown) => {
  for (let i = 0; i < 20; i++) search(i % queries.length);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    search(i % queries.length);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.floor(times.length * 0.95)]! };
};
log('search latency at 10,000 chunks');
const hybridLatency = time((i) =>
  searchIndex(index, queries[i]!, { limit: 5, synonyms: synonymsOf, queryVector: queryVectors[i]! }),
);
const lexicalLatency = time((i) => searchIndex(index, queries[i]!, { limit: 5, synonyms: synonymsOf }));
const denseLatency = time((i) =>
  searchIndex(index, queries[i]!, { limit: 5, queryVector: queryVectors[i]!, fusion: { kind: 'dense' } }),
);

// The question's embedding through the adapter and the stand-in (HTTP/2 + the SIF computation).
const embedTimes: number[] = [];
for (const q of queries.slice(0, 40)) {
  const started = performance.now();
  await embedder.embed([q], { deadlineMs: 10_000 });
  embedTimes.push(performance.now() - started);
}
embedTimes.sort((a, b) => a - b);

await standin.stop();
console.log(
  JSON.stringify({
    quality,
    scale: {
      chunks: chunkCount,
      dimensions,
      textMb: textBytes / 1024 / 1024,
      lexicalMb: lexicalBytes / 1024 / 1024,
      hybridMb: hybridBytes / 1024 / 1024,
      hybrid: hybridLatency,
      lexical: lexicalLatency,
      dense: denseLatency,
      loadAverage: (await import('node:os')).loadavg()[0]!,
      standinEmbedP50: embedTimes[Math.floor(embedTimes.length / 2)]!,
    },
  }),
);
