/**
 * Outside the local stage an openai-compatible model server is called only at public addresses,
 * checked by resolving its name just before each call (the save-time check sees only the name),
 * and never through a redirect: either could otherwise lead the agent's key into our own network.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openAiLlm, resolvesPublic } from '../../functions/adapters/llm-openai';
import { Refusal } from '../../functions/domain/refusal';

process.env.AGENT_ENDPOINTS_ALLOW_PRIVATE = 'false';

const hits: string[] = [];
const server = createServer((req, res) => {
  hits.push(req.url ?? '');
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request = {
  system: 'Be brief.',
  messages: [{ role: 'user' as const, text: 'Hi' }],
  temperature: 0,
  maxTokens: 16,
};

describe('openai-compatible model servers on private addresses', () => {
  it('resolves names: loopback, private and link-local addresses are not public, a public literal is', async () => {
    for (const url of [
      'http://localhost:1',
      'http://localhost.:1',
      'http://127.0.0.1',
      'http://[::1]',
      'http://169.254.169.254',
      'http://10.1.2.3',
    ]) {
      expect(await resolvesPublic(new URL(url)), url).toBe(false);
    }
    expect(await resolvesPublic(new URL('https://93.184.216.34/v1'))).toBe(true);
  });

  it('refuses to send the key to a name that resolves to a private address, before connecting', async () => {
    const llm = openAiLlm({
      baseUrl: `http://localhost:${port}/v1`,
      model: 'm',
      apiKey: 'sk-never-sent-0001',
    });
    const refused = await llm.complete(request).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Refusal);
    expect(refused).toMatchObject({
      kind: 'upstream',
      message: 'The model provider failed: its address is on a private network.',
    });
    expect(hits).toEqual([]);
  });
});
