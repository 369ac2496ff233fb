/**
 * Each LLM adapter against the LLM stand-in, which speaks Bedrock Runtime's Converse and
 * ConverseStream (event-stream framing) and OpenAI chat completions (JSON and server-sent events):
 * the request each adapter sends is what the provider reads, the answer and token counts come back
 * through the one port, and every fault (slow, 429, 500, malformed) is the Refusal the port promises.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { bedrockLlm } from '../../functions/adapters/llm-bedrock';
import { openAiLlm } from '../../functions/adapters/llm-openai';
import type { LlmPort, LlmRequest } from '../../functions/domain/llm';
import { Refusal } from '../../functions/domain/refusal';
import { answerFor, startLlmStandin } from '../../infra/local/llm-standin';

const standin = await startLlmStandin({ slowMs: 10_000 });
Object.assign(process.env, { BEDROCK_ENDPOINT: standin.url, LLM_TIMEOUT_MS: '800', LLM_MAX_ATTEMPTS: '1' });
afterAll(() => standin.stop());

const apiKey = 'sk-contract-test-key-0123456789';
const system = [
  'You are the help desk.',
  '',
  '[entry:kn_refunds] Refunds',
  'Refunds are paid back to the original card within five working days.',
  '',
  '[entry:kn_hours] Opening hours',
  'The office is open from nine to five on weekdays.',
].join('\n');
const request = (question: string, stream: boolean): LlmRequest => {
  const deltas: string[] = [];
  return {
    system,
    messages: [
      { role: 'user', text: 'Hello' },
      { role: 'assistant', text: 'Hi, how can I help?' },
      { role: 'user', text: question },
    ],
    temperature: 0.3,
    maxTokens: 256,
    ...(stream ? { onDelta: (t: string) => deltas.push(t) } : {}),
    deltas,
  } as LlmRequest & { deltas: string[] };
};

const adapters: { name: string; api: string; port: () => LlmPort; stream: boolean }[] = [
  {
    name: 'bedrock Converse',
    api: 'converse',
    port: () => bedrockLlm('amazon.nova-lite-v1:0'),
    stream: false,
  },
  {
    name: 'bedrock ConverseStream',
    api: 'converse-stream',
    port: () => bedrockLlm('amazon.nova-lite-v1:0'),
    stream: true,
  },
  {
    name: 'openai-compatible JSON',
    api: 'openai',
    port: () => openAiLlm({ baseUrl: standin.openAiBaseUrl, model: 'local-model', apiKey }),
    stream: false,
  },
  {
    name: 'openai-compatible SSE',
    api: 'openai-stream',
    port: () => openAiLlm({ baseUrl: `${standin.openAiBaseUrl}/`, model: 'local-model', apiKey }),
    stream: true,
  },
];

const refusalOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Refusal);
  return error as Refusal;
};

describe.each(adapters)('$name', ({ api, port, stream }) => {
  it('sends the system prompt, the turns and the settings, and returns the answer with word-count tokens', async () => {
    const before = standin.requests.length;
    const req = request('When are refunds paid back?', stream);
    const reply = await port().complete(req);
    expect(reply.text).toBe(answerFor(system, 'When are refunds paid back?'));
    expect(reply.text).toContain('[entry:kn_refunds]');
    expect(reply.stopReason).toMatch(/^(end_turn|stop)$/);
    expect(reply.outputTokens).toBe(reply.text.match(/[\p{L}\p{N}]+/gu)!.length);
    expect(reply.inputTokens).toBeGreaterThan(30);
    if (stream) {
      const deltas = (req as unknown as { deltas: string[] }).deltas;
      expect(deltas.length).toBeGreaterThan(2);
      expect(deltas.join('')).toBe(reply.text);
    }

    const sent = standin.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      api,
      system,
      messages: [
        { role: 'user', text: 'Hello' },
        { role: 'assistant', text: 'Hi, how can I help?' },
        { role: 'user', text: 'When are refunds paid back?' },
      ],
      temperature: 0.3,
      maxTokens: 256,
    });
    if (api.startsWith('openai')) {
      expect(sent[0]!.model).toBe('local-model');
      expect(sent[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);
    } else {
      expect(sent[0]!.model).toBe('amazon.nova-lite-v1:0');
      // SigV4-signed with the process's credentials, as Bedrock requires.
      expect(String(sent[0]!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
    }
  });

  it('a slow model is abandoned at the timeout: upstream (502)', async () => {
    const started = Date.now();
    const refusal = await refusalOf(port().complete(request('[fault:slow] refunds?', stream)));
    expect(refusal.kind).toBe('upstream');
    expect(refusal.message).toBe('The model did not answer within 0.8 s.');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a 429 is the provider throttling us: unavailable (503)', async () => {
    const refusal = await refusalOf(port().complete(request('[fault:429] refunds?', stream)));
    expect(refusal.kind).toBe('unavailable');
    expect(refusal.message).toContain('429');
  });

  it('a 500 is upstream (502), naming no content', async () => {
    const refusal = await refusalOf(port().complete(request('[fault:500] refunds?', stream)));
    expect(refusal.kind).toBe('upstream');
    expect(refusal.message).toMatch(/^The model provider failed: /);
    expect(refusal.message).not.toContain(apiKey);
  });

  it('a malformed reply or stream is upstream (502)', async () => {
    const refusal = await refusalOf(port().complete(request('[fault:malformed] refunds?', stream)));
    expect(refusal.kind).toBe('upstream');
    // Streams break after their first pieces: what arrived is not an answer.
    expect(refusal.message).toBe('The model provider sent a reply that could not be read.');
  });

  it('a fault armed for the next request applies once', async () => {
    standin.armFault('500', 1);
    await refusalOf(port().complete(request('refunds?', stream)));
    const reply = await port().complete(request('refunds?', stream));
    expect(reply.text).toContain('[entry:kn_refunds]');
  });
});

describe('the stand-in’s answer', () => {
  it('quotes the passage sharing the most words with the question, and says so when none does', () => {
    expect(answerFor(system, 'what are the opening hours of the office')).toMatch(
      /^According to \[entry:kn_hours\] The office/,
    );
    expect(answerFor(system, 'zebra')).toBe('I could not find that in the knowledge bank.');
  });

  it('an unreachable server is upstream (502)', async () => {
    const refusal = await refusalOf(
      openAiLlm({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey }).complete(request('x', false)),
    );
    expect(refusal.kind).toBe('upstream');
    expect(refusal.message).not.toContain(apiKey);
  });

  it('a redirect is not followed: the key goes nowhere the base URL did not name', async () => {
    const redirector = createServer((_req, res) =>
      res.writeHead(307, { location: `${standin.openAiBaseUrl}/chat/completions` }).end(),
    );
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const before = standin.requests.length;
    try {
      const { port } = redirector.address() as AddressInfo;
      const refusal = await refusalOf(
        openAiLlm({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', apiKey }).complete(
          request('x', false),
        ),
      );
      expect(refusal.kind).toBe('upstream');
      expect(standin.requests.length).toBe(before);
    } finally {
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });
});
