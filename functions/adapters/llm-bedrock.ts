/**
 * Amazon Bedrock through the Converse API (Converse, and ConverseStream when the caller streams):
 * IAM credentials, no key. One client per container (bedrock-runtime.ts); locally its endpoint is
 * the LLM stand-in (infra/local/llm-standin.ts), which speaks the same HTTP and event-stream framing.
 */
import type { ContentBlock, ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
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
import { bedrockRuntime as bedrock } from './bedrock-runtime';

/** A turn's content blocks: its text, then the tools it called (toolUse) or their results (toolResult). */
function blocks(turn: ChatTurn): ContentBlock[] {
  const text: ContentBlock[] = turn.text ? [{ text: turn.text }] : [];
  if (turn.role === 'assistant') {
    return [
      ...text,
      ...(turn.toolCalls ?? []).map(
        (call): ContentBlock => ({
          toolUse: { toolUseId: call.id, name: call.name, input: call.arguments as never },
        }),
      ),
    ];
  }
  return [
    ...(turn.toolResults ?? []).map(
      (outcome): ContentBlock => ({
        toolResult: { toolUseId: outcome.id, content: [{ json: outcome.result as never }] },
      }),
    ),
    ...text,
  ];
}

function input(modelId: string, request: LlmRequest): ConverseCommandInput {
  return {
    modelId,
    system: [{ text: request.system }],
    messages: request.messages.map((m) => ({ role: m.role, content: blocks(m) })),
    inferenceConfig: { temperature: request.temperature, maxTokens: request.maxTokens },
    ...(request.tools?.length
      ? {
          toolConfig: {
            tools: request.tools.map((tool) => ({
              toolSpec: {
                name: tool.name,
                description: tool.description,
                inputSchema: { json: tool.parameters as never },
              },
            })),
          },
        }
      : {}),
  };
}

function toolInput(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw llmRefusals.malformed();
  return value as Record<string, unknown>;
}

/** The SDK's error as a Refusal: its name and status only (messages may echo request content). */
function failure(error: unknown, timedOut: boolean, timeoutMs: number): Refusal {
  if (error instanceof Refusal) return error;
  if (timedOut) return llmRefusals.timedOut(timeoutMs);
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || e.name === 'ThrottlingException') return llmRefusals.throttled();
  if (
    e.name === 'SerializationException' ||
    (e.name ?? '').includes('Deserializ') ||
    e.name === 'SyntaxError'
  )
    return llmRefusals.malformed();
  return llmRefusals.failed(`Bedrock ${e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}`);
}

export function bedrockLlm(modelId: string): LlmPort {
  return {
    model: `bedrock:${modelId}`,
    async complete(request) {
      const timeoutMs = config().conversations.llmTimeoutMs;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      const signal = request.signal ? AbortSignal.any([abort.signal, request.signal]) : abort.signal;
      try {
        return request.onDelta
          ? await streamed(modelId, request, request.onDelta, signal)
          : await whole(modelId, request, signal);
      } catch (error) {
        throw failure(error, abort.signal.aborted, timeoutMs);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function whole(modelId: string, request: LlmRequest, signal: AbortSignal): Promise<LlmReply> {
  const { sdk, client } = await bedrock();
  const out = await client.send(new sdk.ConverseCommand(input(modelId, request)), { abortSignal: signal });
  const content = out.output?.message?.content ?? [];
  const text = content.map((block) => block.text ?? '').join('');
  if (!out.stopReason) throw llmRefusals.malformed();
  return {
    text,
    inputTokens: out.usage?.inputTokens ?? 0,
    outputTokens: out.usage?.outputTokens ?? 0,
    stopReason: out.stopReason,
    toolCalls: content.flatMap((block) =>
      block.toolUse?.toolUseId && block.toolUse.name
        ? [
            {
              id: block.toolUse.toolUseId,
              name: block.toolUse.name,
              arguments: toolInput(block.toolUse.input),
            },
          ]
        : [],
    ),
  };
}

async function streamed(
  modelId: string,
  request: LlmRequest,
  onDelta: (text: string) => void,
  signal: AbortSignal,
): Promise<LlmReply> {
  const { sdk, client } = await bedrock();
  const out = await client.send(new sdk.ConverseStreamCommand(input(modelId, request)), {
    abortSignal: signal,
  });
  if (!out.stream) throw llmRefusals.malformed();
  let text = '';
  let stopReason: string | undefined;
  let usage: { inputTokens?: number | undefined; outputTokens?: number | undefined } | undefined;
  /** Tool uses by content block: started with id and name, their input JSON in fragments. */
  const uses = new Map<number, { id: string; name: string; input: string }>();
  try {
    for await (const event of out.stream) {
      if (signal.aborted) throw llmRefusals.timedOut(config().conversations.llmTimeoutMs);
      const started = event.contentBlockStart?.start?.toolUse;
      if (started?.toolUseId && started.name)
        uses.set(event.contentBlockStart?.contentBlockIndex ?? 0, {
          id: started.toolUseId,
          name: started.name,
          input: '',
        });
      const fragment = event.contentBlockDelta?.delta?.toolUse?.input;
      const use = uses.get(event.contentBlockDelta?.contentBlockIndex ?? -1);
      if (fragment && use) use.input += fragment;
      const delta = event.contentBlockDelta?.delta?.text;
      if (delta) {
        text += delta;
        onDelta(delta);
      }
      if (event.messageStop) stopReason = event.messageStop.stopReason;
      if (event.metadata) usage = event.metadata.usage;
    }
  } catch (error) {
    // The event-stream codec's own errors (a bad checksum, a frame cut short) carry no service
    // metadata, unlike the exceptions Bedrock sends in the stream: the stream could not be read.
    if (error instanceof Error && !(error instanceof Refusal) && !('$metadata' in error) && !signal.aborted)
      throw llmRefusals.malformed();
    throw error;
  }
  // A stream cut before messageStop is not an answer, however much text came first.
  if (!stopReason) throw llmRefusals.malformed();
  return {
    text,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    stopReason,
    toolCalls: [...uses.values()].map(parsedUse),
  };
}

function parsedUse(use: { id: string; name: string; input: string }): ToolUse {
  try {
    return { id: use.id, name: use.name, arguments: toolInput(JSON.parse(use.input || '{}')) };
  } catch {
    throw llmRefusals.malformed();
  }
}
