/**
 * The language models agents may answer with. Bedrock models are an allow-list because IAM grants
 * bedrock:InvokeModel on exactly these foundation-model ARNs (infra/stacks/access-policy.ts): a model
 * outside it would pass validation and then fail every message with AccessDenied.
 */
export const bedrockModels = [
  'amazon.nova-micro-v1:0',
  'amazon.nova-lite-v1:0',
  'amazon.nova-pro-v1:0',
  'anthropic.claude-3-haiku-20240307-v1:0',
  'anthropic.claude-3-5-haiku-20241022-v1:0',
] as const;

/** What an agent without an LLM of its own answers with: Bedrock needs no key, so it always works. */
export const defaultLlm = {
  provider: 'bedrock',
  modelId: 'amazon.nova-lite-v1:0',
  temperature: 0.2,
  maxTokens: 1024,
} as const;

export const llmProviders = ['bedrock', 'openai-compatible'] as const;
