/**
 * Contract: the publish adapter (functions/adapters/live-events.ts) against the AppSync Events
 * stand-in's HTTP publish endpoint, which accepts a request only with a SigV4 signature of the
 * right shape that the local credentials reproduce over the same method, path, headers and body.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsStandIn, publishPath } from '../../infra/local/appsync-events';
import { localCredentials } from '../../infra/local/dynamodb';
import { freePort, listenLocal } from '../../infra/local/ports';
import { connectLive } from '../support/live';

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
process.env.LIVE_EVENTS_URL = `${base}${publishPath}`;
const { publishEvents, signer } = await import('../../functions/adapters/live-events');

const channel = '/orgs/org_01JAAAAAAAAAAAAAAAAAAAAAAA/tasks';
const events = createEventsStandIn({
  // The contract is about IAM publishes; sockets here are let in with one fixed token.
  authorize: async (e) => ({ isAuthorized: e.authorizationToken === 'Bearer subscriber' }),
  credentials: localCredentials,
  region: 'local',
});
let server: Server;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', base);
    if (!(await events.service(req, res, url, Buffer.concat(chunks)))) res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!events.upgrade(req, socket, head)) socket.destroy();
  });
  await listenLocal(server, port);
});
afterAll(() => {
  events.close();
  server.closeAllConnections();
  server.close();
});

async function signedRequest(body: string, sentBody = body) {
  const url = new URL(`${base}${publishPath}`);
  const signed = await signer('local').sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port,
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  return fetch(url, { method: 'POST', headers: signed.headers, body: sentBody });
}

describe('publishing to AppSync Events (stand-in)', () => {
  it('delivers a signed publish to the channel’s subscribers, each event as a JSON string', async () => {
    const subscriber = await connectLive(base, 'subscriber');
    const subscription = await subscriber.subscribe(channel);
    expect(subscription.type).toBe('subscribe_success');
    await publishEvents(channel, [{ n: 1 }, { n: 2 }]);
    await subscriber.next((m) => m.type === 'data' && JSON.parse(m.event!).n === 2);
    expect(subscriber.events(subscription.id!)).toEqual([{ n: 1 }, { n: 2 }]);
    subscriber.close();
  });

  it('signs with the AWS4-HMAC-SHA256 shape AppSync expects', async () => {
    const url = new URL(`${base}${publishPath}`);
    const signed = await signer('local').sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      headers: { host: url.host },
      body: '{}',
    });
    expect(signed.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/local\/appsync\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(signed.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('is refused when the body is not the one signed, or nothing is signed', async () => {
    const body = JSON.stringify({ channel, events: ['{"n":1}'] });
    expect((await signedRequest(body)).status).toBe(200);
    const tampered = await signedRequest(body, JSON.stringify({ channel, events: ['{"n":666}'] }));
    expect(tampered.status).toBe(401);
    expect((await tampered.json()).errors[0].errorType).toBe('UnauthorizedException');
    const unsigned = await fetch(`${base}${publishPath}`, { method: 'POST', body });
    expect(unsigned.status).toBe(401);
  });

  it('turns a refusal into an upstream refusal, and an unreachable endpoint into unavailable', async () => {
    const secret = process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-local-secret';
    await expect(publishEvents(channel, [{ n: 1 }])).rejects.toMatchObject({ kind: 'upstream' });
    process.env.AWS_SECRET_ACCESS_KEY = secret;
    await expect(
      publishEvents(
        channel,
        Array.from({ length: 6 }, () => ({})),
      ),
    ).rejects.toThrow(/at most 5/);

    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await expect(publishEvents(channel, [{ n: 1 }])).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
