/** The adapter an agent's LLM setting names, behind the one port (domain/llm.ts). */
import { defaultLlm } from '../api/llm';
import type { LlmSettings } from '../api/schemas/agents';
import type { LlmPort } from '../domain/llm';
import { bedrockLlm } from './llm-bedrock';
import { openAiLlm } from './llm-openai';

/** `apiKey`: the agent's stored LLM key (openai-compatible only; read from its secret by the caller). */
export function llmFor(settings: LlmSettings | null, apiKey: string | undefined): LlmPort {
  const llm = settings ?? defaultLlm;
  return llm.provider === 'bedrock'
    ? bedrockLlm(llm.modelId)
    : openAiLlm({ baseUrl: llm.baseUrl, model: llm.model, apiKey });
}
