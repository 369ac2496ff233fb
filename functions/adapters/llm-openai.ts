/**
 * OpenAI-compatible chat completions (`POST <baseUrl>/chat/completions`), JSON or streamed as
 * server-sent events. The key travels only in the Authorization header: no error, log line or
 * Refusal built here contains it or the response body.
 */
import { lookup } from 'node:dns/promises';
import { isPrivateAddress } from '../domain/agents';
import {
  type ChatTurn,
  type LlmPort,
  type LlmReply,
  type LlmRequest,
  llmRefusals,
  type ToolUse,
} from '../domain/llm';
import { Refusal } from '../domain/refusal';
import { config } from '../lib/config';

export interface OpenAiTarget {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
}

interface WireToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface Completion {
  choices?: {
    message?: { content?: string | null; tool_calls?: WireToolCall[] | null };
    delta?: { content?: string | null; tool_calls?: WireToolCall[] | null };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/** A turn as chat completions messages: tool results are `tool` messages of their own. */
function wireMessages(turn: ChatTurn): unknown[] {
  if (turn.role === 'assistant') {
    return [
      {
        role: 'assistant',
        content: turn.text || null,
        ...(turn.toolCalls?.length
          ? {
              tool_calls: turn.toolCalls.map((call) => ({
                id: call.id,
                type: 'function',
                function: { name: call.name, arguments: JSON.stringify(call.arguments) },
              })),
            }
          : {}),
      },
    ];
  }
  const results = (turn.toolResults ?? []).map((outcome) => ({
    role: 'tool',
    tool_call_id: outcome.id,
    content: JSON.stringify(outcome.result),
  }));
  return turn.text ? [...results, { role: 'user', content: turn.text }] : results;
}

function body(target: OpenAiTarget, request: LlmRequest, stream: boolean) {
  return JSON.stringify({
    model: target.model,
    messages: [{ role: 'system', content: request.system }, ...request.messages.flatMap(wireMessages)],
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            type: 'function',
            function: { name: tool.name, description: tool.description, parameters: tool.parameters },
          })),
        }
      : {}),
    temperature: request.temperature,
    max_tokens: request.maxTokens,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  });
}

/** A tool call's arguments: a JSON object in a string, as the model wrote it. */
function toolUse(call: WireToolCall): ToolUse {
  if (!call.id || !call.function?.name) throw llmRefusals.malformed();
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.function.arguments || '{}');
  } catch {
    throw llmRefusals.malformed();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw llmRefusals.malformed();
  return { id: call.id, name: call.function.name, arguments: parsed as Record<string, unknown> };
}

function parse(text: string): Completion {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as Completion;
  } catch {
    throw llmRefusals.malformed();
  }
}

/**
 * Whether every address the host resolves to now is public. The base URL was checked by name when
 * it was saved; this catches a public name that points (or was re-pointed) at a private address,
 * just before the key is sent there.
 */
export async function resolvesPublic(url: URL): Promise<boolean> {
  if (isPrivateAddress(url.hostname)) return false;
  const addresses = await lookup(url.hostname.replace(/^\[|\]$/g, ''), { all: true }).catch(() => {
    throw llmRefusals.failed('unreachable');
  });
  return addresses.every(({ address }) => !isPrivateAddress(address));
}

export function openAiLlm(target: OpenAiTarget): LlmPort {
  return {
    model: `openai-compatible:${target.model}`,
    async complete(request) {
      const timeoutMs = config().conversations.llmTimeoutMs;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      const signal = request.signal ? AbortSignal.any([abort.signal, request.signal]) : abort.signal;
      try {
        if (!config().agentEndpointsAllowPrivate && !(await resolvesPublic(new URL(target.baseUrl)))) {
          throw llmRefusals.failed('its address is on a private network');
        }
        const response = await fetch(`${target.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
          method: 'POST',
          // A redirect could lead the key somewhere the base URL's checks never saw.
          redirect: 'error',
          headers: {
            'content-type': 'application/json',
            ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
          },
          body: body(target, request, request.onDelta !== undefined),
          signal,
        });
        if (response.status === 429) throw llmRefusals.throttled();
        if (!response.ok) throw llmRefusals.failed(`HTTP ${response.status}`);
        return request.onDelta
          ? await streamed(response, request.onDelta)
          : whole(parse(await response.text()));
      } catch (error) {
        if (error instanceof Refusal) throw error;
        if (abort.signal.aborted) throw llmRefusals.timedOut(timeoutMs);
        throw llmRefusals.failed((error as Error).name === 'TypeError' ? 'unreachable' : 'connection lost');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function whole(completion: Completion): LlmReply {
  const choice = completion.choices?.[0];
  if (!choice?.message || !choice.finish_reason) throw llmRefusals.malformed();
  return {
    text: choice.message.content ?? '',
    inputTokens: completion.usage?.prompt_tokens ?? 0,
    outputTokens: completion.usage?.completion_tokens ?? 0,
    stopReason: choice.finish_reason,
    toolCalls: (choice.message.tool_calls ?? []).map(toolUse),
  };
}

/** Server-sent events: `data: <json>` lines, blank-line separated, ending with `data: [DONE]`. */
async function streamed(response: Response, onDelta: (text: string) => void): Promise<LlmReply> {
  if (!response.body) throw llmRefusals.malformed();
  const decoder = new TextDecoder();
  let buffered = '';
  let text = '';
  let stopReason: string | undefined;
  let usage: Completion['usage'];
  let done = false;
  /** Tool calls arrive in pieces keyed by index: the id and name first, the arguments in fragments. */
  const calls: WireToolCall[] = [];
  const take = (line: string) => {
    if (!line.startsWith('data:')) return;
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      done = true;
      return;
    }
    const chunk = parse(data);
    const choice = chunk.choices?.[0];
    const delta = choice?.delta?.content;
    if (delta) {
      text += delta;
      onDelta(delta);
    }
    for (const piece of choice?.delta?.tool_calls ?? []) {
      const index = piece.index ?? 0;
      calls[index] ??= { function: { arguments: '' } };
      const call = calls[index];
      if (piece.id) call.id = piece.id;
      if (piece.function?.name) call.function = { ...call.function, name: piece.function.name };
      if (piece.function?.arguments)
        call.function = {
          ...call.function,
          arguments: `${call.function?.arguments ?? ''}${piece.function.arguments}`,
        };
    }
    if (choice?.finish_reason) stopReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  };
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffered += decoder.decode(read.value, { stream: true });
    const lines = buffered.split(/\r?\n/);
    buffered = lines.pop() ?? '';
    for (const line of lines) take(line);
  }
  take(buffered);
  if (!done || !stopReason) throw llmRefusals.malformed();
  return {
    text,
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    stopReason,
    toolCalls: calls.filter(Boolean).map(toolUse),
  };
}
