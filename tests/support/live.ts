/** A test client for the live channels, speaking the AppSync Events WebSocket protocol over a real socket. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../../infra/local/ports';
import { type LocalStack, startLocalStack } from '../../infra/local/stack';

export interface LiveMessage {
  type: string;
  id?: string;
  event?: string;
  errors?: { errorType: string; message: string }[];
  [key: string]: unknown;
}

export interface LiveTestClient {
  /** Every message received so far, in order. */
  messages: LiveMessage[];
  /** Resolves with the first message (already received or still to come) that matches. */
  next(match: (m: LiveMessage) => boolean, timeoutMs?: number): Promise<LiveMessage>;
  subscribe(channel: string): Promise<LiveMessage>;
  publish(channel: string, events: unknown[]): Promise<LiveMessage>;
  /** The parsed events delivered on a subscription. */
  events(subscriptionId: string): unknown[];
  close(): void;
}

export function realtimeUrl(stackUrl: string): string {
  return `${stackUrl.replace(/^http/, 'ws')}/event/realtime`;
}

export async function connectLive(stackUrl: string, token: string): Promise<LiveTestClient> {
  const host = new URL(stackUrl).host;
  const authorization = { Authorization: `Bearer ${token}`, host };
  const header = Buffer.from(JSON.stringify(authorization)).toString('base64url');
  const socket = new WebSocket(realtimeUrl(stackUrl), ['aws-appsync-event-ws', `header-${header}`]);
  const messages: LiveMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const wake of waiters) wake();
  });
  socket.on('close', () => {
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  const next: LiveTestClient['next'] = (match, timeoutMs = 5_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = messages.find(match);
        if (!found) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });

  socket.send(JSON.stringify({ type: 'connection_init' }));
  await next((m) => m.type === 'connection_ack' || m.type === 'connection_error');

  return {
    messages,
    next,
    async subscribe(channel) {
      const id = randomUUID();
      socket.send(JSON.stringify({ type: 'subscribe', id, channel, authorization }));
      return next((m) => m.id === id && m.type.startsWith('subscribe_'));
    },
    async publish(channel, events) {
      const id = randomUUID();
      socket.send(
        JSON.stringify({
          type: 'publish',
          id,
          channel,
          events: events.map((e) => JSON.stringify(e)),
          authorization,
        }),
      );
      return next((m) => m.id === id && m.type.startsWith('publish_'));
    },
    events: (subscriptionId) =>
      messages.filter((m) => m.type === 'data' && m.id === subscriptionId).map((m) => JSON.parse(m.event!)),
    close: () => socket.close(),
  };
}

/**
 * A local stack for a live-channel test file: started before its tests, stopped after them together
 * with every client `connect` opened.
 */
export function liveStack() {
  const clients: LiveTestClient[] = [];
  const suite = {
    stack: undefined as unknown as LocalStack,
    async connect(token: string) {
      const client = await connectLive(suite.stack.url, token);
      clients.push(client);
      return client;
    },
  };
  beforeAll(async () => {
    // The stack runs its own LLM stand-in with its fault controls, as `npm start` does, rather
    // than the run's shared one that env.ts names.
    if (process.env.BEDROCK_ENDPOINT === inject('bedrockEndpoint')) delete process.env.BEDROCK_ENDPOINT;
    suite.stack = await startLocalStack({ port: await freePort() });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await suite.stack?.stop();
  });
  return suite;
}
