/**
 * LLM stand-in for the local stack and tests: servers on 127.0.0.1 speaking what both LLM adapters
 * call. Bedrock Runtime's client talks HTTP/2 (so does its stand-in, in cleartext); Converse (`POST /model/{modelId}/converse`, JSON) and
 * ConverseStream (`POST /model/{modelId}/converse-stream`, AWS event-stream binary framing, encoded
 * with the codec the SDK itself decodes with), and OpenAI chat completions
 * (`POST /v1/chat/completions`, JSON or server-sent events).
 *
 * It answers deterministically from its input: among the knowledge passages in the system prompt
 * (lines `[entry:<id>] …`, as domain/conversations.ts writes them) it picks the one sharing the most
 * words with the last user message, and quotes it naming its id ("According to [entry:<id>] …"), so
 * a test can tell that retrieval reached the model. Token counts are word counts.
 *
 * Embeddings: `POST /model/{modelId}/invoke` for Titan Text Embeddings models (`amazon.titan-embed-*`,
 * body `{inputText, dimensions, normalize}`), answered with real sentence vectors computed offline
 * from word vectors (sentence-embedder.ts), `{embedding, inputTextTokenCount}`. Their faults are
 * their own (`[embed-fault:<mode>]` in the text, or `armEmbeddingFault`), so a conversation test
 * arming the model's next answer is not consumed by the question's embedding; their requests are
 * recorded apart (`embeddings`).
 *
 * Faults, per request: a marker in the last user message (`[fault:slow]`, `[fault:429]`,
 * `[fault:500]`, `[fault:malformed]`, or `[fault:drip]`: a streamed answer whose pieces come
 * `dripMs` apart, as a real model writes, so a watcher can see the text grow), or armed for the
 * next N requests with `armFault` (or `POST /dev/llm/faults {mode, times}` on the local stack). A
 * malformed stream breaks after the answer's first pieces. Every request is recorded.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createH2cServer, type Http2ServerRequest, type Http2Session } from 'node:http2';
import { EventStreamCodec } from '@smithy/core/event-streams';
import * as z from 'zod/mini';
import type { LocalService } from './gateway';
import { sendJson } from './gateway';
import { type StandinStep, sentenceAbout, type ToolResultSeen, toolFor } from './llm-standin-tools';
import { listenLocal } from './ports';

export const faultModes = ['slow', '429', '500', 'malformed', 'drip'] as const;
export type FaultMode = (typeof faultModes)[number];

type Api = 'converse' | 'converse-stream' | 'openai' | 'openai-stream';

export interface RecordedLlmRequest {
  api: Api;
  /** Bedrock's model id from the path, or OpenAI's `model`. */
  model: string;
  headers: Record<string, string | string[] | undefined>;
  system: string;
  messages: { role: string; text: string }[];
  temperature: number | undefined;
  maxTokens: number | undefined;
  /** The names of the tools offered (OpenAI `tools`, Bedrock `toolConfig`). */
  tools: string[];
}

export interface LlmStandin {
  /** http://127.0.0.1:<port>: Bedrock Runtime's endpoint (HTTP/2 cleartext, as its client speaks). */
  url: string;
  /** http://127.0.0.1:<other port>/v1: an OpenAI-compatible base URL (HTTP/1.1, as fetch speaks). */
  openAiBaseUrl: string;
  requests: RecordedLlmRequest[];
  /** Embedding requests (Titan's InvokeModel), in order. */
  embeddings: RecordedEmbeddingRequest[];
  /** The next `times` requests fail this way (markers in the text work without arming). */
  armFault(mode: FaultMode, times?: number): void;
  /** The next `times` embedding requests fail this way (`slow`, `429`, `500` or `malformed`). */
  armEmbeddingFault(mode: FaultMode, times?: number): void;
  stop(): Promise<void>;
}

export interface RecordedEmbeddingRequest {
  model: string;
  inputText: string;
  dimensions: number;
  normalize: boolean;
}

export interface LlmStandinOptions {
  port?: number;
  /** How long a slow answer takes (it is abandoned when the caller hangs up). Default 60 s. */
  slowMs?: number;
  /** The pause between streamed pieces in drip mode. Default 250 ms. */
  dripMs?: number;
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
/** Words too common to say which passage a question is about. */
const common = new Set(
  'the and are for you your what when where which who how can does this that with from our was were will have has not'.split(
    ' ',
  ),
);
const wordCount = (text: string) => words(text).length;

/** The passages of a system prompt: `[entry:<id>] <title line>` followed by their text. */
function passagesOf(system: string): { id: string; title: string; text: string }[] {
  const parts = system.split(/^\[entry:([^\]\s]+)\]([^\n]*)\n/m);
  const passages: { id: string; title: string; text: string }[] = [];
  for (let i = 1; i + 2 < parts.length; i += 3) {
    passages.push({ id: parts[i]!, title: parts[i + 1]!.trim(), text: parts[i + 2]!.trim() });
  }
  return passages;
}

/** The deterministic answer: a quote of the passage with the most words in common with the question. */
export function answerFor(system: string, question: string): string {
  const asked = new Set(
    words(question.replace(/\[fault:[^\]]*\]/g, '')).filter((w) => w.length > 2 && !common.has(w)),
  );
  let best: { id: string; text: string; overlap: number } | undefined;
  for (const passage of passagesOf(system)) {
    const overlap = new Set(words(`${passage.title} ${passage.text}`).filter((w) => asked.has(w))).size;
    if (overlap > 0 && (!best || overlap > best.overlap)) best = { ...passage, overlap };
  }
  if (!best) return 'I could not find that in the knowledge bank.';
  const quote = best.text.replace(/\s+/g, ' ').slice(0, 240);
  return `According to [entry:${best.id}] ${quote}`;
}

interface Parsed {
  system: string;
  messages: { role: string; text: string }[];
  temperature: number | undefined;
  maxTokens: number | undefined;
  model: string;
  tools: string[];
  /** The tool results the last turn carries (the request answers the model's tool calls). */
  results: ToolResultSeen[];
}

const JsonObject = z.record(z.string(), z.unknown());
const Blocks = z._default(
  z.array(
    z.looseObject({
      text: z.optional(z.string()),
      toolUse: z.optional(z.object({ toolUseId: z.string(), name: z.string() })),
      toolResult: z.optional(
        z.object({ toolUseId: z.string(), content: z.array(z.object({ json: z.optional(JsonObject) })) }),
      ),
    }),
  ),
  [],
);
const ConverseBody = z.object({
  system: Blocks,
  messages: z._default(z.array(z.object({ role: z.string(), content: Blocks })), []),
  inferenceConfig: z._default(
    z.object({ temperature: z.optional(z.number()), maxTokens: z.optional(z.number()) }),
    {},
  ),
  toolConfig: z.optional(
    z.object({ tools: z.array(z.object({ toolSpec: z.object({ name: z.string() }) })) }),
  ),
});
const OpenAiBody = z.object({
  model: z.string(),
  messages: z.array(
    z.object({
      role: z.string(),
      content: z._default(z.nullable(z.string()), ''),
      tool_call_id: z.optional(z.string()),
      tool_calls: z.optional(z.array(z.object({ id: z.string(), function: z.object({ name: z.string() }) }))),
    }),
  ),
  tools: z._default(z.array(z.object({ function: z.object({ name: z.string() }) })), []),
  temperature: z.optional(z.number()),
  max_tokens: z.optional(z.number()),
  stream: z._default(z.boolean(), false),
});

const TitanEmbeddingBody = z.object({
  inputText: z.string().check(z.minLength(1), z.maxLength(50_000)),
  dimensions: z._default(z.union([z.literal(256), z.literal(512), z.literal(1024)]), 1024),
  normalize: z._default(z.boolean(), true),
});

/** The embedder loads its word vectors on the first embedding request only. */
let embedder: Promise<typeof import('./sentence-embedder')> | undefined;

const joined = (blocks: { text?: string | undefined }[]) => blocks.map((b) => b.text ?? '').join('');

function fromConverse(raw: unknown, modelId: string): Parsed {
  const body = ConverseBody.parse(raw);
  const names = new Map(
    body.messages.flatMap((m) =>
      m.content.flatMap((b) => (b.toolUse ? [[b.toolUse.toolUseId, b.toolUse.name]] : [])),
    ),
  );
  const last = body.messages.at(-1);
  return {
    model: modelId,
    system: joined(body.system),
    messages: body.messages.map((m) => ({ role: m.role, text: joined(m.content) })),
    temperature: body.inferenceConfig.temperature,
    maxTokens: body.inferenceConfig.maxTokens,
    tools: (body.toolConfig?.tools ?? []).map((t) => t.toolSpec.name),
    results:
      last?.role === 'user'
        ? last.content.flatMap((b) =>
            b.toolResult
              ? [
                  {
                    name: names.get(b.toolResult.toolUseId) ?? '',
                    result: b.toolResult.content[0]?.json ?? {},
                  },
                ]
              : [],
          )
        : [],
  };
}

function fromOpenAi(raw: unknown): Parsed & { stream: boolean } {
  const body = OpenAiBody.parse(raw);
  const all = body.messages.map((m) => ({ role: m.role, text: m.content ?? '' }));
  const names = new Map(
    body.messages.flatMap((m) => (m.tool_calls ?? []).map((c) => [c.id, c.function.name])),
  );
  const trailing: ToolResultSeen[] = [];
  for (const m of [...body.messages].reverse()) {
    if (m.role !== 'tool') break;
    let result: Record<string, unknown> = {};
    try {
      result = JsonObject.parse(JSON.parse(m.content ?? '{}'));
    } catch {
      result = {};
    }
    trailing.unshift({ name: names.get(m.tool_call_id ?? '') ?? '', result });
  }
  return {
    model: body.model,
    system: all
      .filter((m) => m.role === 'system')
      .map((m) => m.text)
      .join('\n'),
    messages: all.filter((m) => m.role !== 'system' && m.role !== 'tool'),
    temperature: body.temperature,
    maxTokens: body.max_tokens,
    stream: body.stream,
    tools: body.tools.map((t) => t.function.name),
    results: trailing,
  };
}

/** What the stand-in does with a request: call a tool the question asks for, or answer in text. */
function stepFor(parsed: Parsed, question: string): StandinStep {
  if (parsed.results.length > 0) return { kind: 'text', text: parsed.results.map(sentenceAbout).join(' ') };
  const call = parsed.tools.length > 0 ? toolFor(new Set(parsed.tools), question) : undefined;
  return call ? { kind: 'tools', calls: [call] } : { kind: 'text', text: answerFor(parsed.system, question) };
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

/** One ConverseStream event in AWS event-stream framing (prelude, headers, payload, CRC32s). */
function frame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: Buffer.from(JSON.stringify(payload), 'utf8'),
  });
}

/** The answer in pieces of a few words, as a model streams it. */
function pieces(answer: string): string[] {
  const tokens = answer.split(/(?<=\s)/);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 3) out.push(tokens.slice(i, i + 3).join(''));
  return out;
}

type Request = IncomingMessage | Http2ServerRequest;
/** What the handler uses of an HTTP/1.1 or HTTP/2 compatibility response. */
interface Response {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string | Uint8Array): unknown;
  end(chunk?: string | Uint8Array): unknown;
  on(event: 'close', listener: () => void): unknown;
}

function readBody(req: Request): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: Response, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function bedrockError(res: Response, status: number, type: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
}

/** Tool calls in each protocol's own shape, JSON or streamed; ids are unique per request. */
function toolReply(
  res: Response,
  api: Api,
  model: string,
  calls: { name: string; input: Record<string, unknown> }[],
  inputTokens: number,
  sequence: number,
) {
  const ids = calls.map((_, i) => `call_standin_${sequence}_${i}`);
  const outputTokens = calls.reduce((n, c) => n + wordCount(JSON.stringify(c.input)), 0);
  const usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (api === 'converse') {
    json(res, 200, {
      output: {
        message: {
          role: 'assistant',
          content: calls.map((c, i) => ({ toolUse: { toolUseId: ids[i], name: c.name, input: c.input } })),
        },
      },
      stopReason: 'tool_use',
      usage,
      metrics: { latencyMs: 1 },
    });
    return;
  }
  if (api === 'converse-stream') {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    res.write(frame('messageStart', { role: 'assistant' }));
    calls.forEach((c, i) => {
      res.write(
        frame('contentBlockStart', {
          contentBlockIndex: i,
          start: { toolUse: { toolUseId: ids[i], name: c.name } },
        }),
      );
      // The input in two fragments, as models stream it.
      const input = JSON.stringify(c.input);
      const cut = Math.floor(input.length / 2);
      for (const part of [input.slice(0, cut), input.slice(cut)])
        res.write(frame('contentBlockDelta', { contentBlockIndex: i, delta: { toolUse: { input: part } } }));
      res.write(frame('contentBlockStop', { contentBlockIndex: i }));
    });
    res.write(frame('messageStop', { stopReason: 'tool_use' }));
    res.end(frame('metadata', { usage, metrics: { latencyMs: 1 } }));
    return;
  }
  const base = { id: 'chatcmpl-standin', created: 0, model };
  const wireUsage = {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
  if (api === 'openai') {
    json(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: calls.map((c, i) => ({
              id: ids[i],
              type: 'function',
              function: { name: c.name, arguments: JSON.stringify(c.input) },
            })),
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: wireUsage,
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = { ...base, object: 'chat.completion.chunk' };
  const event = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  calls.forEach((c, index) => {
    const input = JSON.stringify(c.input);
    const cut = Math.floor(input.length / 2);
    event({
      ...chunk,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index,
                id: ids[index],
                type: 'function',
                function: { name: c.name, arguments: input.slice(0, cut) },
              },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    event({
      ...chunk,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index, function: { arguments: input.slice(cut) } }] },
          finish_reason: null,
        },
      ],
    });
  });
  event({ ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
  event({ ...chunk, choices: [], usage: wireUsage });
  res.end('data: [DONE]\n\n');
}

export async function startLlmStandin(options: LlmStandinOptions = {}): Promise<LlmStandin> {
  const requests: RecordedLlmRequest[] = [];
  const embeddings: RecordedEmbeddingRequest[] = [];
  let armed: { mode: FaultMode; times: number } | undefined;
  let armedEmbedding: { mode: FaultMode; times: number } | undefined;
  const slowMs = options.slowMs ?? 60_000;
  const dripMs = options.dripMs ?? 250;

  const faultFor = (question: string): FaultMode | undefined => {
    const marked = faultModes.find((mode) => question.includes(`[fault:${mode}]`));
    if (marked) return marked;
    if (armed && armed.times > 0) {
      armed.times -= 1;
      return armed.mode;
    }
    return undefined;
  };

  /** Titan Text Embeddings' InvokeModel: the body as Titan reads it, a unit vector as Titan answers. */
  const handleEmbedding = async (req: Request, res: Response, modelId: string) => {
    if (!modelId.startsWith('amazon.titan-embed')) {
      bedrockError(
        res,
        400,
        'ValidationException',
        `The stand-in embeds with Titan models only, not ${modelId}.`,
      );
      return;
    }
    let body: z.infer<typeof TitanEmbeddingBody>;
    try {
      body = TitanEmbeddingBody.parse(JSON.parse(await readBody(req)));
    } catch {
      bedrockError(
        res,
        400,
        'ValidationException',
        'Malformed input request, please reformat your input and try again.',
      );
      return;
    }
    embeddings.push({ model: modelId, ...body });
    const marked = faultModes.find((mode) => body.inputText.includes(`[embed-fault:${mode}]`));
    let fault = marked;
    if (!fault && armedEmbedding && armedEmbedding.times > 0) {
      armedEmbedding.times -= 1;
      fault = armedEmbedding.mode;
    }
    if (fault === 'slow') {
      const waited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), slowMs);
        res.on('close', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (!waited) return;
    }
    if (fault === '429')
      return bedrockError(res, 429, 'ThrottlingException', 'Too many requests, please wait.');
    if (fault === '500') return bedrockError(res, 500, 'InternalServerException', 'The model failed.');
    res.writeHead(200, { 'content-type': 'application/json' });
    if (fault === 'malformed') return res.end('{"embedding": [0.1, ');
    embedder ??= import('./sentence-embedder');
    const embedding = (await embedder).embedText(body.inputText, body.dimensions);
    res.end(JSON.stringify({ embedding, inputTextTokenCount: wordCount(body.inputText) }));
  };

  const handle = async (req: Request, res: Response) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const invoke = url.pathname.match(/^\/model\/([^/]+)\/invoke$/);
    if (req.method === 'POST' && invoke) return handleEmbedding(req, res, decodeURIComponent(invoke[1]!));
    const bedrock = url.pathname.match(/^\/model\/([^/]+)\/(converse|converse-stream)$/);
    const openai = url.pathname === '/v1/chat/completions';
    if (req.method !== 'POST' || (!bedrock && !openai)) {
      json(res, 404, { message: `No route ${req.method} ${url.pathname}` });
      return;
    }
    let parsed: Parsed & { stream?: boolean };
    try {
      const body: unknown = JSON.parse(await readBody(req));
      parsed = bedrock ? fromConverse(body, decodeURIComponent(bedrock[1]!)) : fromOpenAi(body);
    } catch {
      json(res, 400, { message: 'The body is not a request this API takes.' });
      return;
    }
    const api: Api = bedrock
      ? (bedrock[2] as 'converse' | 'converse-stream')
      : parsed.stream
        ? 'openai-stream'
        : 'openai';
    const { stream: _mode, results: _results, ...recorded } = parsed;
    requests.push({ api, headers: req.headers, ...recorded });

    const question = parsed.messages.filter((m) => m.role === 'user' && m.text).at(-1)?.text ?? '';
    const fault = faultFor(question);
    if (fault === 'slow') {
      const waited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), slowMs);
        res.on('close', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (!waited) return;
    }
    if (fault === '429') {
      if (bedrock) bedrockError(res, 429, 'ThrottlingException', 'Too many requests, please wait.');
      else json(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } });
      return;
    }
    if (fault === '500') {
      if (bedrock) bedrockError(res, 500, 'InternalServerException', 'The model failed.');
      else json(res, 500, { error: { message: 'The server had an error', type: 'server_error' } });
      return;
    }

    const step = stepFor(parsed, question);
    const inputTokens = wordCount(parsed.system) + parsed.messages.reduce((n, m) => n + wordCount(m.text), 0);
    if (step.kind === 'tools') {
      toolReply(res, api, parsed.model, step.calls, inputTokens, requests.length);
      return;
    }
    const answer = step.text;
    const outputTokens = wordCount(answer);
    const malformed = fault === 'malformed';
    /** The streamed pieces: all of them, or the first two before a malformed stream breaks. */
    const streamed = malformed ? pieces(answer).slice(0, 2) : pieces(answer);
    const pause = () =>
      fault === 'drip' ? new Promise((resolve) => setTimeout(resolve, dripMs)) : Promise.resolve();

    if (api === 'converse') {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (malformed) {
        res.end('{"output": {"message": ');
        return;
      }
      res.end(
        JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text: answer }] } },
          stopReason: 'end_turn',
          usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
          metrics: { latencyMs: 1 },
        }),
      );
      return;
    }
    if (api === 'converse-stream') {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      res.write(frame('messageStart', { role: 'assistant' }));
      for (const text of streamed) {
        await pause();
        res.write(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }));
      }
      if (malformed) {
        // A frame whose prelude promises more than it carries, with a wrong checksum.
        res.end(Buffer.from([0, 0, 0, 64, 0, 0, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8]));
        return;
      }
      res.write(frame('contentBlockStop', { contentBlockIndex: 0 }));
      res.write(frame('messageStop', { stopReason: 'end_turn' }));
      res.end(
        frame('metadata', {
          usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
          metrics: { latencyMs: 1 },
        }),
      );
      return;
    }
    const usage = { prompt_tokens: inputTokens, completion_tokens: outputTokens };
    const base = { id: 'chatcmpl-standin', object: 'chat.completion', created: 0, model: parsed.model };
    if (api === 'openai') {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (malformed) {
        res.end('{"choices": [');
        return;
      }
      res.end(
        JSON.stringify({
          ...base,
          choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
          usage: { ...usage, total_tokens: inputTokens + outputTokens },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const event = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = { ...base, object: 'chat.completion.chunk' };
    event({
      ...chunk,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    for (const content of streamed) {
      await pause();
      event({ ...chunk, choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    }
    if (malformed) {
      res.end('data: {"choices": [{"delta": \n\n');
      return;
    }
    event({ ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    event({ ...chunk, choices: [], usage: { ...usage, total_tokens: inputTokens + outputTokens } });
    res.end('data: [DONE]\n\n');
  };

  const sessions = new Set<Http2Session>();
  const bedrockServer = createH2cServer((req, res) => void handle(req, res));
  bedrockServer.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const openAiServer = createServer((req, res) => void handle(req, res));
  const port = await listenLocal(bedrockServer as never, options.port ?? 0);
  const openAiPort = await listenLocal(openAiServer, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    openAiBaseUrl: `http://127.0.0.1:${openAiPort}/v1`,
    requests,
    embeddings,
    armFault(mode, times = 1) {
      armed = { mode, times };
    },
    armEmbeddingFault(mode, times = 1) {
      armedEmbedding = { mode, times };
    },
    async stop() {
      for (const session of sessions) session.destroy();
      openAiServer.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => bedrockServer.close(() => resolve())),
        new Promise<void>((resolve) => openAiServer.close(() => resolve())),
      ]);
    },
  };
}

/** `POST /dev/llm/faults {mode, times}` on the local stack arms the stand-in's next answers. */
export function llmControlService(standin: LlmStandin): LocalService {
  return async (req, res, url, body) => {
    if (url.pathname !== '/dev/llm/faults' || req.method !== 'POST') return false;
    let input: { mode?: unknown; times?: unknown } = {};
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      input = {};
    }
    const mode = faultModes.find((m) => m === input.mode);
    if (!mode) {
      sendJson(res, 400, { detail: `mode must be one of ${faultModes.join(', ')}` });
      return true;
    }
    standin.armFault(mode, typeof input.times === 'number' ? input.times : 1);
    sendJson(res, 200, { armed: mode });
    return true;
  };
}
