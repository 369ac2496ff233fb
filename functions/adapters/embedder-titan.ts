/**
 * Amazon Bedrock Titan Text Embeddings V2 behind the Embedder port: `InvokeModel` on
 * `amazon.titan-embed-text-v2:0` with `{inputText, dimensions, normalize: true}`, answering
 * `{embedding, inputTextTokenCount}`. Titan takes one text per call, so a batch is calls in
 * parallel (bounded), all under one deadline; the SDK client retries throttling and 5xx within it
 * (LLM_MAX_ATTEMPTS). IAM only, no key. Locally the LLM stand-in serves the same protocol.
 */
import { type Embedder, embeddingRefusals } from '../domain/embedding';
import { Refusal } from '../domain/refusal';
import { config } from '../lib/config';
import { forEachConcurrently } from '../lib/pool';
import { bedrockRuntime } from './bedrock-runtime';

/** Calls in flight per batch: Titan's on-demand quota is thousands per minute; this keeps one write polite. */
const concurrency = 8;
/** Titan V2 reads at most 50,000 characters (8,192 tokens); chunks are ~800, questions at most 1,000. */
const maxCharacters = 50_000;

function failure(error: unknown, timedOut: boolean, deadlineMs: number): Refusal {
  if (error instanceof Refusal) return error;
  if (timedOut) return embeddingRefusals.timedOut(deadlineMs);
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || e.name === 'ThrottlingException') return embeddingRefusals.throttled();
  if (e.name === 'SyntaxError') return embeddingRefusals.malformed();
  return embeddingRefusals.failed(`Bedrock ${e.name ?? 'error'}${status ? `, HTTP ${status}` : ''}`);
}

export function titanEmbedder(modelId: string, dimensions: number): Embedder {
  return {
    model: modelId,
    dimensions,
    async embed(texts, { deadlineMs }) {
      const { sdk, client } = await bedrockRuntime();
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), deadlineMs);
      const out = new Array<Float32Array>(texts.length);
      try {
        await forEachConcurrently(
          texts.map((text, i) => ({ text, i })),
          concurrency,
          async ({ text, i }) => {
            const answer = await client.send(
              new sdk.InvokeModelCommand({
                modelId,
                contentType: 'application/json',
                accept: 'application/json',
                body: JSON.stringify({
                  inputText: text.slice(0, maxCharacters),
                  dimensions,
                  normalize: true,
                }),
              }),
              { abortSignal: abort.signal },
            );
            const embedding = (JSON.parse(new TextDecoder().decode(answer.body)) as { embedding?: unknown })
              .embedding;
            if (
              !Array.isArray(embedding) ||
              embedding.length !== dimensions ||
              !embedding.every((x) => typeof x === 'number' && Number.isFinite(x))
            )
              throw embeddingRefusals.malformed();
            out[i] = Float32Array.from(embedding as number[]);
          },
        );
        return out;
      } catch (error) {
        const timedOut = abort.signal.aborted;
        // The first failure settles the batch; calls still in flight are abandoned with it.
        abort.abort();
        throw failure(error, timedOut, deadlineMs);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

let configured: Embedder | null | undefined;

/** The deployment's embedder, or null when KNOWLEDGE_EMBEDDING_MODEL is `none` (lexical search only). */
export function knowledgeEmbedder(): Embedder | null {
  if (configured === undefined) {
    const { embeddingModel, embeddingDimensions } = config().knowledge;
    configured = embeddingModel ? titanEmbedder(embeddingModel, embeddingDimensions) : null;
  }
  return configured;
}
