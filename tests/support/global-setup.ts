/**
 * One DynamoDB Local for the whole test run; each test file makes its own table in it (env.ts).
 * One LLM stand-in too, for the knowledge embeddings every knowledge write computes (Titan's
 * protocol); files that inspect or fault the model start their own and point BEDROCK_ENDPOINT at it.
 */
import type { TestProject } from 'vitest/node';
import { type DynamoLocal, startDynamoLocal } from '../../infra/local/dynamodb';
import { type LlmStandin, startLlmStandin } from '../../infra/local/llm-standin';
import { sentenceVector } from '../../infra/local/sentence-embedder';

let dynamo: DynamoLocal | undefined;
let llm: LlmStandin | undefined;

export async function setup(project: TestProject): Promise<void> {
  [dynamo, llm] = await Promise.all([startDynamoLocal(), startLlmStandin()]);
  // The word-vector cache (infra/local/word-vectors.ts) is built here, once, before any test file:
  // on a clean clone every file's own stand-in would otherwise parse the 307 MB source at the same
  // time (~8 s and ~1 GB each) inside its first test's time limit.
  sentenceVector('warm up');
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('bedrockEndpoint', llm.url);
}

export async function teardown(): Promise<void> {
  await Promise.all([dynamo?.stop(), llm?.stop()]);
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    bedrockEndpoint: string;
  }
}
