/**
 * Knowledge's use of the Embedder port: a write's chunks (all or nothing, a failure refuses the
 * write before anything is stored) and a question (best effort: without its vector the search is
 * lexical, which beats failing a caller's message).
 */

import { embeddingText, type QuantizedVector, quantize } from '../domain/embedding';
import type { Chunk } from '../domain/knowledge';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { knowledgeEmbedder } from './embedder-titan';

export interface ChunkVectors {
  /** `<model>#<dimensions>`: retrieval compares only vectors of the embedder it asks with. */
  model: string;
  vectors: QuantizedVector[];
}

export const vectorModelOf = (embedder: { model: string; dimensions: number }) =>
  `${embedder.model}#${embedder.dimensions}`;

/** The embedder's tag, or null when search is lexical only. */
export function currentVectorModel(): string | null {
  const embedder = knowledgeEmbedder();
  return embedder && vectorModelOf(embedder);
}

/** One vector per chunk, or null without an embedder. Throws the embedder's Refusal (502/503). */
export async function embedChunks(chunks: readonly Chunk[]): Promise<ChunkVectors | null> {
  const embedder = knowledgeEmbedder();
  if (!embedder || chunks.length === 0) return null;
  const vectors = await embedder.embed(
    chunks.map((c) => embeddingText(c.heading, c.text)),
    { deadlineMs: config().knowledge.embedTimeoutMs },
  );
  return { model: vectorModelOf(embedder), vectors: vectors.map(quantize) };
}

/** The question's vector, or null (no embedder, or it failed: logged, and the search goes on lexically). */
export async function embedQuestion(query: string): Promise<Float32Array | null> {
  const embedder = knowledgeEmbedder();
  if (!embedder) return null;
  try {
    const [vector] = await embedder.embed([query], { deadlineMs: config().knowledge.queryEmbedTimeoutMs });
    return vector ?? null;
  } catch (error) {
    // The refusal's sentence only: it never carries the question.
    logger.warn('question not embedded; searching lexically', {
      reason: error instanceof Error ? error.message : 'unknown',
    });
    return null;
  }
}
