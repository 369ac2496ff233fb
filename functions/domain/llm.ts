/**
 * The one port every language model sits behind (adapters/llm-bedrock.ts, adapters/llm-openai.ts):
 * a system prompt and alternating turns in; the text, its token counts and why it stopped out.
 * Failures are Refusals: 'upstream' (502) when the provider failed, timed out or sent something
 * unreadable, 'unavailable' (503) when it is throttling us.
 */
import { type Refusal, refuse } from './refusal';

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface LlmRequest {
  system: string;
  /** Oldest first, alternating, starting and ending with the user (Bedrock Converse requires it). */
  messages: ChatTurn[];
  temperature: number;
  maxTokens: number;
  /** Given: the reply is streamed and each piece of text handed here as it arrives. */
  onDelta?: (text: string) => void;
}

export interface LlmReply {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** The provider's reason (end_turn, max_tokens, stop, length, …). */
  stopReason: string;
}

export interface LlmPort {
  /** Which model answered, for the stored message: `bedrock:<modelId>` or `openai-compatible:<model>`. */
  readonly model: string;
  complete(request: LlmRequest): Promise<LlmReply>;
}

/** Sentences the adapters share, so both providers fail the same way. */
export const llmRefusals = {
  timedOut: (ms: number): Refusal =>
    refuse('upstream', `The model did not answer within ${Math.round(ms / 100) / 10} s.`),
  throttled: (): Refusal =>
    refuse('unavailable', 'The model provider is limiting requests (429); retry in a moment.'),
  failed: (what: string): Refusal => refuse('upstream', `The model provider failed: ${what}.`),
  malformed: (): Refusal => refuse('upstream', 'The model provider sent a reply that could not be read.'),
};
