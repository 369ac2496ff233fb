/**
 * The one port every language model sits behind (adapters/llm-bedrock.ts, adapters/llm-openai.ts):
 * a system prompt and alternating turns in; the text, its token counts and why it stopped out.
 * Failures are Refusals: 'upstream' (502) when the provider failed, timed out or sent something
 * unreadable, 'unavailable' (503) when it is throttling us.
 */
import { type Refusal, refuse } from './refusal';

/** A tool the model may call: its name, what it does, and a JSON Schema of its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** The model asking for a tool (OpenAI `tool_calls`, Bedrock `toolUse`). */
export interface ToolUse {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** What a tool gave back, answering the ToolUse of the same id. */
export interface ToolOutcome {
  id: string;
  name: string;
  result: Record<string, unknown>;
}

/**
 * A turn; within one reply, an assistant turn may carry the tools it called and the user turn after
 * it their results (OpenAI sends those as `tool` messages, Bedrock as `toolResult` blocks).
 */
export type ChatTurn =
  | { role: 'user'; text: string; toolResults?: ToolOutcome[] }
  | { role: 'assistant'; text: string; toolCalls?: ToolUse[] };

export interface LlmRequest {
  system: string;
  /** Oldest first, alternating, starting and ending with the user (Bedrock Converse requires it). */
  messages: ChatTurn[];
  temperature: number;
  maxTokens: number;
  /** Given: the reply is streamed and each piece of text handed here as it arrives. */
  onDelta?: (text: string) => void;
  /** Tools the model may call; its reply then may hold `toolCalls` instead of (or beside) text. */
  tools?: readonly ToolSpec[];
  /** Aborts the request (the caller no longer wants the answer). */
  signal?: AbortSignal;
}

export interface LlmReply {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** The provider's reason (end_turn, tool_use, max_tokens, stop, tool_calls, length, …). */
  stopReason: string;
  /** The tools the model asked for, in order; empty when it only wrote text. */
  toolCalls: ToolUse[];
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
