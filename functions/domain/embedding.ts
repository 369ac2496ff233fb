/**
 * The port dense retrieval's vectors come from (adapters/embedder-titan.ts: Amazon Bedrock Titan
 * Text Embeddings V2), and how a vector is kept: int8 with one scale per vector, a quarter of
 * float32's bytes, with a cosine error far below the gap between a relevant and an unrelated
 * passage (tests/unit/embedding.test.ts).
 */
import { type Refusal, refuse } from './refusal';

export interface Embedder {
  /** Model and dimension, stored with each vector: vectors of another model are not compared. */
  readonly model: string;
  readonly dimensions: number;
  /** One unit vector per text, in order. Failures are Refusals ('upstream' 502, 'unavailable' 503). */
  embed(texts: readonly string[], options: { deadlineMs: number }): Promise<Float32Array[]>;
}

export interface QuantizedVector {
  values: Int8Array;
  /** values[i] * scale is the i-th component. */
  scale: number;
}

export function quantize(vector: Float32Array): QuantizedVector {
  let max = 0;
  for (const x of vector) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  return { values: Int8Array.from(vector, (x) => Math.round(x / scale)), scale };
}

/**
 * What a chunk's vector is computed from: its headings say what the text is about. Not the entry's
 * title: a title can change without the content (the chunks, and so their vectors, are kept), and
 * BM25 already weighs the title twice.
 */
export function embeddingText(heading: string | null, text: string): string {
  return heading ? `${heading}\n${text}` : text;
}

export const embeddingRefusals = {
  timedOut: (ms: number): Refusal =>
    refuse(
      'upstream',
      `The embedding model did not answer within ${Math.round(ms / 100) / 10} s; nothing was saved.`,
    ),
  throttled: (): Refusal =>
    refuse(
      'unavailable',
      'The embedding model is limiting requests (429); nothing was saved, retry in a moment.',
    ),
  failed: (what: string): Refusal =>
    refuse('upstream', `The embedding model failed (${what}); nothing was saved.`),
  malformed: (): Refusal =>
    refuse('upstream', 'The embedding model sent a reply that could not be read; nothing was saved.'),
};
