/**
 * The local stand-in for AppSync Events, speaking its own protocol so the admin site's client
 * (web/src/app/live.ts) and the publisher's adapter work unchanged against it:
 * - WebSocket at /event/realtime with the subprotocols `aws-appsync-event-ws` and
 *   `header-<base64url of {"Authorization", "host"}>`; messages connection_init -> connection_ack,
 *   ka, subscribe -> subscribe_success | subscribe_error, data, unsubscribe -> unsubscribe_success,
 *   publish -> publish_success | publish_error;
 * - HTTP publish at POST /event {channel, events: [JSON strings]}, signed with SigV4 (IAM, checked
 *   against the local credentials, as AppSync checks a role's) or carrying a token for the authorizer.
 * Every token decision goes to the same authorizer handler the deployed Lambda authorizer runs, and
 * publishes to a namespace with a publish handler (presence) go through the same handler the
 * deployed namespace invokes, with the identity the authorizer returned.
 *
 * Beyond AppSync: the service never re-authorizes a subscription once made (it runs the authorizer
 * on connect, subscribe and publish only) and cannot end one from the server. The stand-in does
 * both, so what the product promises about a removed member can be held to account locally: after
 * a publish on an org's access channel it re-runs the authorizer for every subscription to that
 * org's channels before answering the publish, and every `reauthorizeMs` for all subscriptions,
 * ending those now refused with an `error` message naming the subscription.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { maxEventsPerPublish, signer } from '../../functions/adapters/live-events';
import { liveNamespaces, parseChannel } from '../../functions/api/live';
import type {
  LiveAuthorizerEvent,
  LiveAuthorizerResult,
  LiveOperation,
} from '../../functions/http/live/authorizer';
import type { ChannelPublishEvent, ChannelPublishResult } from '../../functions/http/live/presence';
import { type LocalService, sendJson } from './gateway';

export const realtimePath = '/event/realtime';
export const publishPath = '/event';
const protocol = 'aws-appsync-event-ws';

export type Authorize = (event: LiveAuthorizerEvent) => Promise<LiveAuthorizerResult>;
export type PublishHandler = (event: ChannelPublishEvent) => Promise<ChannelPublishResult>;

export interface EventsStandInOptions {
  authorize: Authorize;
  /** The credentials IAM-signed publishes must be signed with (the local stack's). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  /** How often connections get a `ka`; AppSync's own is about a minute. */
  keepAliveMs?: number;
  /** Direct Lambda onPublish handlers by namespace, as the deployed namespaces configure them. */
  publishHandlers?: Record<string, PublishHandler>;
  /** How often every subscription is authorized again (not an AppSync behaviour, see above). */
  reauthorizeMs?: number;
}

export interface EventsStandIn {
  service: LocalService;
  /** Takes the upgrade if it is for the realtime path; false leaves the socket to others. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

interface Subscriber {
  socket: WebSocket;
  id: string;
  /** The Authorization it subscribed with, for authorizing it again. */
  auth: string;
}

const connectionTimeoutMs = 300_000;
const unauthorized = (message: string) => [{ errorType: 'UnauthorizedException', message }];
const badRequest = (message: string) => [{ errorType: 'BadRequestException', message }];

/** The Authorization value of the base64url JSON header AppSync clients put in a subprotocol. */
function headerAuthorization(protocols: Set<string>): string | undefined {
  for (const p of protocols) {
    if (!p.startsWith('header-')) continue;
    try {
      const header = JSON.parse(Buffer.from(p.slice('header-'.length), 'base64url').toString('utf8'));
      return typeof header.Authorization === 'string' ? header.Authorization : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isEventList(events: unknown): events is string[] {
  if (!Array.isArray(events) || events.length === 0 || events.length > maxEventsPerPublish) return false;
  return events.every((e) => {
    if (typeof e !== 'string') return false;
    try {
      JSON.parse(e);
      return true;
    } catch {
      return false;
    }
  });
}

const sigV4Header =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/appsync\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export function createEventsStandIn(options: EventsStandInOptions): EventsStandIn {
  const channels = new Map<string, Set<Subscriber>>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(protocol) ? protocol : false),
  });

  /** The authorizer's answer when it allows the operation, else undefined. */
  const decide = async (
    operation: LiveOperation,
    token: string | undefined,
    channel?: string,
  ): Promise<LiveAuthorizerResult | undefined> => {
    if (!token) return undefined;
    const event: LiveAuthorizerEvent = {
      authorizationToken: token,
      requestContext: {
        apiId: 'local',
        accountId: '000000000000',
        requestId: randomUUID(),
        operation,
        ...(channel ? { channelNamespaceName: channel.split('/')[1], channel } : {}),
      },
    };
    try {
      const result = await options.authorize(event);
      return result.isAuthorized ? result : undefined;
    } catch {
      return undefined;
    }
  };

  const unsubscribe = (channel: string, subscriber: Subscriber) => {
    const set = channels.get(channel);
    set?.delete(subscriber);
    if (set?.size === 0) channels.delete(channel);
  };

  /** Authorizes the subscriptions of the channels `which` selects again; ends those now refused. */
  const reauthorize = async (which: (channel: string) => boolean) => {
    const current = [...channels].filter(([channel]) => which(channel));
    await Promise.all(
      current.flatMap(([channel, subscribers]) =>
        [...subscribers].map(async (subscriber) => {
          if (await decide('EVENT_SUBSCRIBE', subscriber.auth, channel)) return;
          unsubscribe(channel, subscriber);
          subscriber.socket.send(
            JSON.stringify({
              type: 'error',
              id: subscriber.id,
              errors: unauthorized('This subscription is no longer authorized and has ended.'),
            }),
          );
        }),
      ),
    );
  };
  const sweep = setInterval(() => void reauthorize(() => true), options.reauthorizeMs ?? 60_000);

  /**
   * Runs the namespace's publish handler, if it has one, then delivers what it returns (or the
   * events as published) to the channel's subscribers. A publish on an org's access channel ends,
   * before it is answered, every subscription to that org's channels the authorizer now refuses.
   */
  const broadcast = async (channel: string, events: string[], identity: ChannelPublishEvent['identity']) => {
    const successful = events.map((_, index) => ({ identifier: randomUUID(), index }));
    const segments = channel.split('/').slice(1);
    const handle = options.publishHandlers?.[segments[0]!];
    const delivered = handle
      ? (
          await handle({
            identity,
            info: {
              channel: { path: channel, segments },
              channelNamespace: { name: segments[0]! },
              operation: 'PUBLISH',
            },
            events: successful.map(({ identifier, index }) => ({
              id: identifier,
              payload: JSON.parse(events[index]!),
            })),
          })
        ).events.map((e) => JSON.stringify(e.payload))
      : events;
    for (const subscriber of channels.get(channel) ?? []) {
      for (const event of delivered)
        subscriber.socket.send(JSON.stringify({ type: 'data', id: subscriber.id, event }));
    }
    const target = parseChannel(channel);
    if (target?.kind === 'access') await reauthorize((c) => parseChannel(c)?.orgId === target.orgId);
    return successful;
  };

  const validChannel = (channel: unknown): channel is string =>
    typeof channel === 'string' &&
    liveNamespaces.some((namespace) => channel.startsWith(`/${namespace}/`)) &&
    channel.length <= 1024;

  /** `connected` settles once the connect decision is made; messages wait for it, none are lost. */
  const onConnection = (socket: WebSocket, token: string, connected: Promise<boolean>) => {
    const mine = new Map<string, string>();
    const send = (message: Record<string, unknown>) => socket.send(JSON.stringify(message));
    const keepAlive = setInterval(() => send({ type: 'ka' }), options.keepAliveMs ?? 60_000);
    const drop = (id: string, channel: string) => {
      for (const s of channels.get(channel) ?? [])
        if (s.socket === socket && s.id === id) unsubscribe(channel, s);
    };
    socket.on('close', () => {
      clearInterval(keepAlive);
      for (const [id, channel] of mine) drop(id, channel);
    });
    socket.on('message', async (data) => {
      if (!(await connected)) return;
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(data));
      } catch {
        return send({ type: 'error', errors: badRequest('Messages must be JSON.') });
      }
      const id = typeof message.id === 'string' ? message.id : undefined;
      const auth = (message.authorization as { Authorization?: string } | undefined)?.Authorization ?? token;
      switch (message.type) {
        case 'connection_init':
          return send({ type: 'connection_ack', connectionTimeoutMs });
        case 'subscribe': {
          if (!id || !validChannel(message.channel) || mine.has(id)) {
            return send({
              type: 'subscribe_error',
              id,
              errors: badRequest('A new id and a channel are required.'),
            });
          }
          if (!(await decide('EVENT_SUBSCRIBE', auth, message.channel))) {
            return send({
              type: 'subscribe_error',
              id,
              errors: unauthorized('You are not authorized to subscribe.'),
            });
          }
          mine.set(id, message.channel);
          if (!channels.has(message.channel)) channels.set(message.channel, new Set());
          channels.get(message.channel)!.add({ socket, id, auth });
          return send({ type: 'subscribe_success', id });
        }
        case 'unsubscribe': {
          const channel = id ? mine.get(id) : undefined;
          if (!id || !channel)
            return send({ type: 'unsubscribe_error', id, errors: badRequest('No such subscription.') });
          mine.delete(id);
          drop(id, channel);
          return send({ type: 'unsubscribe_success', id });
        }
        case 'publish': {
          if (!id || !validChannel(message.channel) || !isEventList(message.events)) {
            return send({
              type: 'publish_error',
              id,
              errors: badRequest('An id, a channel and 1 to 5 JSON events are required.'),
            });
          }
          const allowed = await decide('EVENT_PUBLISH', auth, message.channel);
          if (!allowed) {
            return send({
              type: 'publish_error',
              id,
              errors: unauthorized('You are not authorized to publish.'),
            });
          }
          const successful = await broadcast(message.channel, message.events, {
            handlerContext: allowed.handlerContext,
          });
          return send({ type: 'publish_success', id, successful, failed: [] });
        }
        default:
          return send({
            type: 'error',
            id,
            errors: badRequest(`Unknown message type ${String(message.type)}.`),
          });
      }
    });
  };

  /** True when the request carries a SigV4 signature the local credentials produce for it. */
  const signedByLocalRole = async (req: IncomingMessage, body: Buffer): Promise<boolean> => {
    const match = sigV4Header.exec(req.headers.authorization ?? '');
    const amzDate = req.headers['x-amz-date'];
    if (!match || typeof amzDate !== 'string') return false;
    const [, accessKeyId, , region, signedHeaders, signature] = match;
    if (accessKeyId !== options.credentials.accessKeyId || region !== options.region) return false;
    const headers: Record<string, string> = {};
    for (const name of signedHeaders!.split(';')) {
      const value = req.headers[name];
      if (typeof value !== 'string') return false;
      headers[name] = value;
    }
    const signingDate = new Date(
      amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    if (Number.isNaN(signingDate.getTime()) || Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000)
      return false;
    // The signer trusts a given payload hash, so the hash must be the body's own.
    const payloadHash = req.headers['x-amz-content-sha256'];
    if (payloadHash !== undefined && payloadHash !== createHash('sha256').update(body).digest('hex'))
      return false;
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const resigned = await signer(options.region, options.credentials).sign(
      {
        method: req.method ?? 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        path: url.pathname,
        headers,
        body: body.toString('utf8'),
      },
      { signingDate },
    );
    return (resigned.headers.authorization ?? '').endsWith(`Signature=${signature}`);
  };

  const service: LocalService = async (req, res, url, body) => {
    if (url.pathname !== publishPath) return false;
    if (req.method !== 'POST') {
      sendJson(res, 405, { errors: badRequest('Publish with POST.') });
      return true;
    }
    let parsed: { channel?: unknown; events?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(res, 400, { errors: badRequest('The body must be JSON.') });
      return true;
    }
    if (!validChannel(parsed.channel) || !isEventList(parsed.events)) {
      sendJson(res, 400, { errors: badRequest('A channel and 1 to 5 JSON events are required.') });
      return true;
    }
    const authorization = req.headers.authorization ?? '';
    // An IAM caller (the signed publisher) has no handlerContext: a namespace handler sees no member.
    const allowed: LiveAuthorizerResult | undefined = authorization.startsWith('AWS4-HMAC-SHA256 ')
      ? (await signedByLocalRole(req, body))
        ? { isAuthorized: true }
        : undefined
      : await decide('EVENT_PUBLISH', authorization, parsed.channel);
    if (!allowed) {
      sendJson(res, 401, { errors: unauthorized('You are not authorized to publish to this channel.') });
      return true;
    }
    sendJson(res, 200, {
      successful: await broadcast(parsed.channel, parsed.events, { handlerContext: allowed.handlerContext }),
      failed: [],
    });
    return true;
  };

  return {
    service,
    upgrade(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== realtimePath) return false;
      wss.handleUpgrade(req, socket, head, async (ws) => {
        const offered = new Set(
          String(req.headers['sec-websocket-protocol'] ?? '')
            .split(',')
            .map((p) => p.trim()),
        );
        const token = headerAuthorization(offered) ?? '';
        const connected = decide('EVENT_CONNECT', token).then(Boolean);
        onConnection(ws, token, connected);
        if (!(await connected)) {
          ws.send(
            JSON.stringify({
              type: 'connection_error',
              errors: unauthorized('You are not authorized to connect.'),
            }),
          );
          ws.close(1008, 'Unauthorized');
        }
      });
      return true;
    },
    close() {
      clearInterval(sweep);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
