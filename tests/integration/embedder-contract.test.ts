/**
 * The Titan Text Embeddings V2 adapter against the LLM stand-in's InvokeModel: the request Titan
 * reads, unit vectors of the asked dimension that carry meaning (the stand-in computes them from
 * real word vectors), the batch in order, and each fault as the Refusal the routes turn into 502/503.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { titanEmbedder } from '../../functions/adapters/embedder-titan';
import { quantize } from '../../functions/domain/embedding';
import { Refusal } from '../../functions/domain/refusal';
import { startLlmStandin } from '../../infra/local/llm-standin';

const standin = await startLlmStandin({ slowMs: 5_000 });
// Two attempts: a single failure is retried by the SDK client, two are the caller's to see.
Object.assign(process.env, { BEDROCK_ENDPOINT: standin.url, LLM_MAX_ATTEMPTS: '2' });
afterAll(() => standin.stop());

const titan = titanEmbedder('amazon.titan-embed-text-v2:0', 512);
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const refusalOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Refusal);
  return { kind: (error as Refusal).kind, message: (error as Refusal).message };
};

describe('Titan embeddings adapter on the stand-in', () => {
  it('sends Titan’s body and reads unit vectors of the asked dimension, in order', async () => {
    const before = standin.embeddings.length;
    const texts = [
      'Commission plans: each team member earns a percentage of the sales they close.',
      'How do salespeople get paid for the deals they close?',
      'Reset your password from the sign-in page.',
    ];
    const [commission, question, password] = await titan.embed(texts, { deadlineMs: 10_000 });
    // Sent in parallel, so in any order; the answers come back in the texts' order.
    const sent = standin.embeddings
      .slice(before)
      .sort((a, b) => texts.indexOf(a.inputText) - texts.indexOf(b.inputText));
    expect(sent).toEqual(
      texts.map((inputText) => ({
        model: 'amazon.titan-embed-text-v2:0',
        inputText,
        dimensions: 512,
        normalize: true,
      })),
    );
    for (const v of [commission!, question!, password!]) {
      expect(v).toHaveLength(512);
      expect(cosine(v, v)).toBeCloseTo(1, 4);
    }
    // Meaning, not shared words: the paraphrase is nearer the commission text than the password one.
    expect(cosine(question!, commission!)).toBeGreaterThan(cosine(question!, password!) + 0.1);
  });

  it('keeps cosines within 0.01 when stored as int8', async () => {
    const [a, b] = await titan.embed(['refund to the original card', 'money back on my credit card'], {
      deadlineMs: 10_000,
    });
    const dequantized = (v: Float32Array) => {
      const q = quantize(v);
      return Float32Array.from(q.values, (x) => x * q.scale);
    };
    expect(Math.abs(cosine(dequantized(a!), b!) - cosine(a!, b!))).toBeLessThan(0.01);
  });

  it('retries one failure and refuses two: 429 as unavailable, 500 and unreadable as upstream', async () => {
    standin.armEmbeddingFault('500', 1);
    expect(await titan.embed(['after one failure'], { deadlineMs: 10_000 })).toHaveLength(1);

    standin.armEmbeddingFault('429', 2);
    expect(await refusalOf(titan.embed(['throttled'], { deadlineMs: 10_000 }))).toEqual({
      kind: 'unavailable',
      message: 'The embedding model is limiting requests (429); nothing was saved, retry in a moment.',
    });
    standin.armEmbeddingFault('500', 2);
    expect(await refusalOf(titan.embed(['failing'], { deadlineMs: 10_000 }))).toMatchObject({
      kind: 'upstream',
      message: expect.stringMatching(
        /^The embedding model failed \(Bedrock InternalServerException, HTTP 500\)/,
      ),
    });
    expect(await refusalOf(titan.embed(['[embed-fault:malformed]'], { deadlineMs: 10_000 }))).toEqual({
      kind: 'upstream',
      message: 'The embedding model sent a reply that could not be read; nothing was saved.',
    });
  });

  it('refuses a batch past its deadline, with the sentence naming it', async () => {
    const started = Date.now();
    expect(await refusalOf(titan.embed(['fine', '[embed-fault:slow] waits'], { deadlineMs: 300 }))).toEqual({
      kind: 'upstream',
      message: 'The embedding model did not answer within 0.3 s; nothing was saved.',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('refuses a model the stand-in does not embed with, as Bedrock does', async () => {
    const other = titanEmbedder('cohere.embed-english-v3', 512);
    expect(await refusalOf(other.embed(['x'], { deadlineMs: 10_000 }))).toMatchObject({ kind: 'upstream' });
  });
});
