/**
 * Sentence vectors from word vectors, for the LLM stand-in's Titan Text Embeddings protocol: a real
 * offline embedder (no model download), so retrieval's dense path is exercised by meaning, not by a
 * stub.
 *
 * Smooth inverse frequency (SIF, Arora et al. 2017): wink-nlp tokenizes and lemmatizes; stop words,
 * numbers and punctuation are dropped; each remaining word's vector (the mean of its own and its
 * lemma's, so "paid" and "pay" agree) is weighted a / (a + p(w)), with p(w) from the word's
 * frequency rank by Zipf's law (the vector package lists words by frequency), so rare, telling
 * words outweigh common ones; the weighted mean then loses its projection on the vocabulary's
 * common direction (SIF's "common component removal"), which every English sentence shares.
 *
 * Titan answers in 256, 512 or 1024 dimensions; the 100-d sentence vector is mapped into the asked
 * dimension by fixed orthonormal columns (a seeded random isometry), so cosine similarities are
 * exactly the 100-d ones whatever dimension a caller asks for.
 */

import model from 'wink-eng-lite-web-model';
import winkNLP from 'wink-nlp';
import { type WordVectors, wordVectors } from './word-vectors';

/** SIF's smoothing constant; 1e-3 is the paper's default and was not tuned here. */
const sifA = 1e-3;
/** Zipf's harmonic number for ~340,000 words: p(rank r) ≈ 1 / ((r + 1) · H). */
const zipfH = Math.log(341_479) + 0.5772;

let nlp: ReturnType<typeof winkNLP> | undefined;
const tokenizer = () => {
  nlp ??= winkNLP(model, ['pos']);
  return nlp;
};

const weightOf = (rank: number) => sifA / (sifA + 1 / ((rank + 1) * zipfH));

let common: Float32Array | undefined;
/** The vocabulary's weighted mean direction over its 50,000 most frequent words, unit length. */
function commonDirection(vectors: WordVectors): Float32Array {
  if (common) return common;
  const d = vectors.dimensions;
  const sum = new Float32Array(d);
  const rows = Math.min(50_000, vectors.rows.size);
  for (let r = 0; r < rows; r++) {
    const w = weightOf(r);
    for (let i = 0; i < d; i++) sum[i]! += w * vectors.data[r * d + i]!;
  }
  common = normalized(sum);
  return common;
}

function normalized(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** The text's 100-d unit vector (all zeros when no word of it is known). */
export function sentenceVector(text: string): Float32Array {
  const vectors = wordVectors();
  const d = vectors.dimensions;
  const nlp = tokenizer();
  const its = nlp.its;
  const tokens = nlp.readDoc(text).tokens();
  const kinds = tokens.out(its.type) as string[];
  const stop = tokens.out(its.stopWordFlag) as unknown as boolean[];
  const normals = tokens.out(its.normal) as string[];
  const lemmas = tokens.out(its.lemma as never) as unknown as string[];
  const sum = new Float32Array(d);
  let any = false;
  for (let t = 0; t < normals.length; t++) {
    if (kinds[t] !== 'word' || stop[t]) continue;
    const forms = [...new Set([normals[t]!, lemmas[t]!.toLowerCase()])]
      .map((form) => vectors.rows.get(form))
      .filter((row): row is number => row !== undefined);
    if (!forms.length) continue;
    any = true;
    for (const row of forms) {
      const w = weightOf(row) / forms.length;
      for (let i = 0; i < d; i++) sum[i]! += w * vectors.data[row * d + i]!;
    }
  }
  if (!any) return sum;
  const u = commonDirection(vectors);
  let along = 0;
  for (let i = 0; i < d; i++) along += sum[i]! * u[i]!;
  for (let i = 0; i < d; i++) sum[i]! -= along * u[i]!;
  return normalized(sum);
}

/** A small seeded generator (mulberry32): the isometry is the same in every process. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isometries = new Map<number, Float64Array[]>();
/** `from` orthonormal columns of length `to` (Gram-Schmidt over seeded Gaussian columns). */
function isometry(from: number, to: number): Float64Array[] {
  const known = isometries.get(to);
  if (known) return known;
  const random = seeded(20_240_424);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const columns: Float64Array[] = [];
  for (let c = 0; c < from; c++) {
    const v = Float64Array.from({ length: to }, gaussian);
    for (const q of columns) {
      let dot = 0;
      for (let i = 0; i < to; i++) dot += v[i]! * q[i]!;
      for (let i = 0; i < to; i++) v[i]! -= dot * q[i]!;
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    for (let i = 0; i < to; i++) v[i]! /= norm;
    columns.push(v);
  }
  isometries.set(to, columns);
  return columns;
}

/** The text's vector in `dimensions` (>= 100), unit length, as Titan's `normalize: true` returns it. */
export function embedText(text: string, dimensions: number): number[] {
  const v = sentenceVector(text);
  if (dimensions === v.length) return [...v];
  const columns = isometry(v.length, dimensions);
  const out = new Array<number>(dimensions).fill(0);
  for (let c = 0; c < v.length; c++) {
    const x = v[c]!;
    if (x === 0) continue;
    const q = columns[c]!;
    for (let i = 0; i < dimensions; i++) out[i]! += x * q[i]!;
  }
  return out;
}
