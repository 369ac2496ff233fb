/**
 * One Bedrock Runtime client per container, shared by the language models (llm-bedrock.ts) and the
 * knowledge embedder (embedder-titan.ts). The SDK loads with the first model call: most calls to
 * the routes that use it list or read. Locally its endpoint is the LLM stand-in.
 */
import { config } from '../lib/config';
import { onFirstUse } from '../lib/lazy';

export const bedrockRuntime = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-bedrock-runtime');
  const { region, conversations } = config();
  const client = new sdk.BedrockRuntimeClient({
    region,
    maxAttempts: conversations.llmMaxAttempts,
    ...(conversations.bedrockEndpoint ? { endpoint: conversations.bedrockEndpoint } : {}),
  });
  return { sdk, client };
});
