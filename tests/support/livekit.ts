/**
 * The LiveKit stand-in (infra/local/livekit-standin.ts) on its own port for this test file, with the
 * handlers pointed at it (its key, secret and SIP trunk) before any of them reads its config;
 * stopped after the file.
 */
import { createServer } from 'node:http';
import { afterAll } from 'vitest';
import { type LivekitStandinOptions, startLivekitStandin } from '../../infra/local/livekit-standin';
import { listenLocal } from '../../infra/local/ports';
import { call } from './api';

export async function livekitStandinForFile(options: LivekitStandinOptions & { trunkId: string }) {
  const standin = await startLivekitStandin(options);
  Object.assign(process.env, {
    LIVEKIT_URL: standin.url.replace(/^http/, 'ws'),
    LIVEKIT_API_KEY: options.apiKey,
    LIVEKIT_API_SECRET: options.apiSecret,
    LIVEKIT_SIP_TRUNK_ID: options.trunkId,
  });
  afterAll(() => standin.stop());
  return standin;
}

/**
 * Sends the stand-in's webhooks to the route behind a real HTTP hop on a loopback port, as the
 * gateway serves it, so they arrive exactly as it sent them; closed after the file. Answers the
 * address it gave the stand-in.
 */
export async function receiveWebhooksFrom(standin: Awaited<ReturnType<typeof startLivekitStandin>>) {
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const reply = await call('POST', '/webhooks/livekit', {
        rawBody: Buffer.concat(chunks).toString('utf8'),
        headers: {
          'content-type': req.headers['content-type'] ?? '',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
      });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  const url = `http://127.0.0.1:${await listenLocal(receiver, 0)}/webhooks/livekit`;
  standin.setWebhookUrl(url);
  afterAll(() => receiver.close());
  return url;
}
