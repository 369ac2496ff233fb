/**
 * LiveKit stand-in for the local stack and tests: an HTTP server on 127.0.0.1 speaking the Twirp
 * endpoints livekit-server-sdk 2.x calls (POST /twirp/livekit.<Service>/<Method>, JSON bodies in
 * protobuf's JSON mapping, a Bearer JWT signed with the API key and secret whose grants the real
 * server checks), keeping rooms, SIP dispatch rules, inbound trunks and agent dispatches in memory
 * and recording every request. It also plays LiveKit's side of calls: a browser joining with a
 * test-call token, or a phone call arriving on the SIP trunk, creates the room, dispatches the
 * agent its room configuration or dispatch rule names, and posts the webhooks LiveKit would
 * (room_started, participant_joined, participant_left, room_finished), signed as LiveKit signs them.
 * No media and no WebRTC signalling: what the control plane talks to, nothing more.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  AccessToken,
  AgentDispatch,
  type ClaimGrants,
  ParticipantInfo,
  Room,
  SIPDispatchRuleInfo,
  SIPInboundTrunkInfo,
  TokenVerifier,
  WebhookEvent,
} from 'livekit-server-sdk';
import * as z from 'zod/mini';
import { type LocalService, sendJson } from './gateway';
import { listenLocal } from './ports';
import type { WorkerSide } from './worker-side';

type Json = Record<string, unknown>;

/** One request as the stand-in received it, for tests to assert on. */
export interface RecordedRequest {
  service: string;
  method: string;
  /** The verified claims, or undefined when the token was refused. */
  claims: ClaimGrants | undefined;
  body: Json;
  status: number;
}

export interface LivekitStandinOptions {
  apiKey: string;
  apiSecret: string;
  /** The SIP inbound trunk calls arrive on (dispatch rules may filter on it). */
  trunkId?: string;
  /** Where webhooks go (LiveKit's `webhook.urls`); settable later with `setWebhookUrl`. */
  webhookUrl?: string;
  /** Plays the voice worker's side of each call through the runtime routes (infra/local/worker-side.ts). */
  worker?: WorkerSide;
  port?: number;
}

export interface CallEnd {
  /** Seconds between the room's creation and room_finished, as the webhooks report them. */
  durationSeconds: number;
}

export interface LivekitStandin {
  /** http://127.0.0.1:<port>: what LIVEKIT_URL takes (the SDK turns ws:// into http:// anyway). */
  url: string;
  requests: RecordedRequest[];
  rooms(): Room[];
  dispatchRules(): SIPDispatchRuleInfo[];
  dispatches(room: string): AgentDispatch[];
  setWebhookUrl(url: string | undefined): void;
  /** Plays (or, with undefined, stops playing) the worker's side of the calls that follow. */
  setWorker(worker: WorkerSide | undefined): void;
  /** Every webhook posted so far, with the status the receiver answered. */
  webhooks: { event: WebhookEvent; status: number }[];
  /**
   * A browser joins with a participant token (as the test-call button's token would be used): the
   * token is verified, its room created, its room configuration's agents dispatched.
   */
  joinWithToken(token: string): Promise<{ room: string }>;
  /**
   * A phone call from `from` to `to` arrives on the trunk: the matching dispatch rule (by trunk and
   * called number) names the room and the agents, as LiveKit's SIP service does. Throws when no
   * rule matches (LiveKit would reject the call).
   */
  inboundCall(input: { from: string; to: string }): Promise<{ room: string; ruleId: string }>;
  /** The caller hangs up after `seconds`: participant_left and room_finished. */
  endCall(room: string, seconds: number): Promise<CallEnd>;
  /** Posts one webhook signed with `signWith` (default: the configured key and secret). */
  sendWebhook(
    event: WebhookEvent,
    signWith?: { apiKey: string; apiSecret: string },
  ): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendTwirp(res: ServerResponse, status: number, body: unknown): void {
  // The SDK reads error bodies as JSON only when the content type is exactly application/json.
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const newId = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;
const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

interface StoredRoom {
  room: Room;
  participants: ParticipantInfo[];
  dispatches: AgentDispatch[];
}

export async function startLivekitStandin(options: LivekitStandinOptions): Promise<LivekitStandin> {
  const verifier = new TokenVerifier(options.apiKey, options.apiSecret);
  const rooms = new Map<string, StoredRoom>();
  const rules = new Map<string, SIPDispatchRuleInfo>();
  const trunks = options.trunkId
    ? [new SIPInboundTrunkInfo({ sipTrunkId: options.trunkId, name: 'local trunk' })]
    : [];
  const requests: RecordedRequest[] = [];
  const webhooks: LivekitStandin['webhooks'] = [];
  let webhookUrl = options.webhookUrl;
  let worker = options.worker;

  function requireGrant(ok: boolean, what: string): void {
    if (!ok) throw new TwirpError(403, 'permission_denied', `token lacks the ${what} grant`);
  }

  function roomGrant(claims: ClaimGrants, room: string): void {
    requireGrant(claims.video?.roomAdmin === true && claims.video.room === room, `roomAdmin for ${room}`);
  }

  function ensureRoom(name: string, emptyTimeout = 300): StoredRoom {
    let stored = rooms.get(name);
    if (!stored) {
      stored = {
        room: new Room({ sid: newId('RM'), name, emptyTimeout, creationTime: nowSeconds() }),
        participants: [],
        dispatches: [],
      };
      rooms.set(name, stored);
    }
    return stored;
  }

  function dispatch(stored: StoredRoom, agentName: string, metadata: string): AgentDispatch {
    const created = new AgentDispatch({ id: newId('AD'), agentName, room: stored.room.name, metadata });
    stored.dispatches.push(created);
    return created;
  }

  /** Real LiveKit refuses a rule that would match the same calls as an existing one. */
  function conflicting(
    candidate: SIPDispatchRuleInfo,
    among: Map<string, SIPDispatchRuleInfo> = rules,
  ): SIPDispatchRuleInfo | undefined {
    const overlaps = (a: string[], b: string[]) => !a.length || !b.length || a.some((x) => b.includes(x));
    return [...among.values()].find(
      (rule) =>
        overlaps(rule.trunkIds, candidate.trunkIds) &&
        overlaps(rule.numbers, candidate.numbers) &&
        overlaps(rule.inboundNumbers, candidate.inboundNumbers),
    );
  }

  const methods: Record<string, (body: Json, claims: ClaimGrants) => unknown> = {
    'RoomService/CreateRoom': (body, claims) => {
      requireGrant(claims.video?.roomCreate === true, 'roomCreate');
      const name = text(body.name);
      if (!name) throw new TwirpError(400, 'invalid_argument', 'room name is required');
      return ensureRoom(name, Number(body.emptyTimeout ?? 300)).room.toJson();
    },
    'RoomService/ListRooms': (body, claims) => {
      requireGrant(claims.video?.roomList === true, 'roomList');
      const names = strings(body.names);
      const listed = [...rooms.values()].filter((r) => !names.length || names.includes(r.room.name));
      return { rooms: listed.map((r) => r.room.toJson()) };
    },
    'RoomService/DeleteRoom': (body, claims) => {
      requireGrant(claims.video?.roomCreate === true, 'roomCreate');
      rooms.delete(text(body.room));
      return {};
    },
    'RoomService/ListParticipants': (body, claims) => {
      const room = text(body.room);
      roomGrant(claims, room);
      return { participants: (rooms.get(room)?.participants ?? []).map((p) => p.toJson()) };
    },
    'SIP/CreateSIPDispatchRule': (body, claims) => {
      requireGrant(claims.sip?.admin === true, 'sip.admin');
      // Newer clients send the whole rule as `dispatchRule`; older ones its fields at the top level.
      const fields = (body.dispatchRule ?? body) as Json;
      const rule = SIPDispatchRuleInfo.fromJson({ ...fields, sipDispatchRuleId: newId('SDR') } as never, {
        ignoreUnknownFields: true,
      });
      if (!rule.rule?.rule.case) throw new TwirpError(400, 'invalid_argument', 'rule is required');
      const clash = conflicting(rule);
      if (clash) {
        throw new TwirpError(
          400,
          'invalid_argument',
          `Conflicting SIP Dispatch Rules: ${clash.sipDispatchRuleId} matches the same calls`,
        );
      }
      rules.set(rule.sipDispatchRuleId, rule);
      return rule.toJson();
    },
    'SIP/UpdateSIPDispatchRule': (body, claims) => {
      requireGrant(claims.sip?.admin === true, 'sip.admin');
      const id = text(body.sipDispatchRuleId);
      if (!rules.has(id)) throw new TwirpError(404, 'not_found', `dispatch rule ${id} not found`);
      if (!body.replace) throw new TwirpError(501, 'unimplemented', 'the stand-in only replaces rules');
      const rule = SIPDispatchRuleInfo.fromJson(
        { ...(body.replace as Json), sipDispatchRuleId: id } as never,
        {
          ignoreUnknownFields: true,
        },
      );
      const others = new Map(rules);
      others.delete(id);
      const clash = conflicting(rule, others);
      if (clash)
        throw new TwirpError(
          400,
          'invalid_argument',
          `Conflicting SIP Dispatch Rules: ${clash.sipDispatchRuleId}`,
        );
      rules.set(id, rule);
      return rule.toJson();
    },
    'SIP/ListSIPDispatchRule': (body, claims) => {
      requireGrant(claims.sip?.admin === true, 'sip.admin');
      const ids = strings(body.dispatchRuleIds);
      const trunkIds = strings(body.trunkIds);
      const listed = [...rules.values()].filter(
        (r) =>
          (!ids.length || ids.includes(r.sipDispatchRuleId)) &&
          (!trunkIds.length || r.trunkIds.some((t) => trunkIds.includes(t))),
      );
      return { items: listed.map((r) => r.toJson()) };
    },
    'SIP/DeleteSIPDispatchRule': (body, claims) => {
      requireGrant(claims.sip?.admin === true, 'sip.admin');
      const id = text(body.sipDispatchRuleId);
      const rule = rules.get(id);
      if (!rule) throw new TwirpError(404, 'not_found', `dispatch rule ${id} not found`);
      rules.delete(id);
      return rule.toJson();
    },
    'SIP/ListSIPInboundTrunk': (_body, claims) => {
      requireGrant(claims.sip?.admin === true, 'sip.admin');
      return { items: trunks.map((t) => t.toJson()) };
    },
    'AgentDispatchService/CreateDispatch': (body, claims) => {
      const room = text(body.room);
      roomGrant(claims, room);
      return dispatch(ensureRoom(room), text(body.agentName), text(body.metadata)).toJson();
    },
    'AgentDispatchService/ListDispatch': (body, claims) => {
      const room = text(body.room);
      roomGrant(claims, room);
      const id = text(body.dispatchId);
      const listed = (rooms.get(room)?.dispatches ?? []).filter((d) => !id || d.id === id);
      return { agentDispatches: listed.map((d) => d.toJson()) };
    },
    'AgentDispatchService/DeleteDispatch': (body, claims) => {
      const room = text(body.room);
      roomGrant(claims, room);
      const stored = rooms.get(room);
      const found = stored?.dispatches.find((d) => d.id === text(body.dispatchId));
      if (!stored || !found) throw new TwirpError(404, 'not_found', 'dispatch not found');
      stored.dispatches = stored.dispatches.filter((d) => d !== found);
      return found.toJson();
    },
  };

  async function serveTwirp(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const match = /^\/twirp\/livekit\.(\w+)\/(\w+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const record: RecordedRequest = {
      service: match?.[1] ?? '',
      method: match?.[2] ?? '',
      claims: undefined,
      body: {},
      status: 200,
    };
    requests.push(record);
    try {
      const implementation = match && methods[`${match[1]}/${match[2]}`];
      if (req.method !== 'POST' || !implementation) {
        throw new TwirpError(404, 'bad_route', `no handler for ${req.method} ${req.url}`);
      }
      try {
        record.body = JSON.parse(raw.toString('utf8') || '{}') as Json;
      } catch {
        throw new TwirpError(400, 'malformed', 'the body is not JSON');
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer) throw new TwirpError(401, 'unauthenticated', 'no authorization token');
      try {
        record.claims = await verifier.verify(bearer);
      } catch {
        throw new TwirpError(401, 'unauthenticated', 'invalid authorization token');
      }
      sendTwirp(res, 200, implementation(record.body, record.claims));
    } catch (error) {
      const refusal =
        error instanceof TwirpError ? error : new TwirpError(500, 'internal', (error as Error).message);
      record.status = refusal.status;
      sendTwirp(res, refusal.status, { code: refusal.code, msg: refusal.message });
    }
  }

  async function sendWebhook(event: WebhookEvent, signWith = options) {
    if (!webhookUrl) throw new Error('the LiveKit stand-in has no webhook URL');
    const body = JSON.stringify(event.toJson());
    // LiveKit's scheme: a JWT from the API key and secret whose sha256 claim is the body's base64 sha256.
    const token = new AccessToken(signWith.apiKey, signWith.apiSecret, { ttl: '5m' });
    token.sha256 = createHash('sha256').update(body).digest('base64');
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', authorization: await token.toJwt() },
      body,
    });
    webhooks.push({ event, status: res.status });
    return { status: res.status, body: await res.text() };
  }

  let eventSeq = 0;
  // WebhookEvent's constructor resets `event` after taking its fields, so they are assigned after.
  const event = (name: string, stored: StoredRoom, extra: Partial<WebhookEvent> = {}) =>
    Object.assign(new WebhookEvent(), {
      event: name,
      id: `EV_${(eventSeq++).toString(36)}${randomBytes(6).toString('hex')}`,
      createdAt: nowSeconds(),
      room: stored.room.clone(),
      ...extra,
    });

  async function announce(name: string, stored: StoredRoom, extra: Partial<WebhookEvent> = {}) {
    if (webhookUrl) await sendWebhook(event(name, stored, extra));
  }

  async function join(stored: StoredRoom, participant: ParticipantInfo): Promise<void> {
    const first = stored.participants.length === 0 && stored.room.numParticipants === 0;
    stored.participants.push(participant);
    stored.room.numParticipants = stored.participants.length;
    if (first) await announce('room_started', stored);
    await announce('participant_joined', stored, { participant: participant.clone() });
    const dispatched = stored.dispatches[0];
    if (first && worker && dispatched) {
      const sip = participant.attributes;
      await worker.callStarted({
        roomName: stored.room.name,
        roomSid: stored.room.sid,
        startedAt: new Date(Number(stored.room.creationTime) * 1000),
        via: participant.kind === 3 ? 'phone' : 'test_call',
        metadata: dispatched.metadata,
        ...(sip['sip.phoneNumber'] ? { from: sip['sip.phoneNumber'] } : {}),
        ...(sip['sip.trunkPhoneNumber'] ? { to: sip['sip.trunkPhoneNumber'] } : {}),
      });
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void serveTwirp(req, res, Buffer.concat(chunks));
    });
  });
  const port = await listenLocal(server, options.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    webhooks,
    rooms: () => [...rooms.values()].map((r) => r.room),
    dispatchRules: () => [...rules.values()],
    dispatches: (room) => rooms.get(room)?.dispatches ?? [],
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    setWorker(side) {
      worker = side;
    },
    sendWebhook,

    async joinWithToken(token) {
      const claims = await verifier.verify(token);
      const name = claims.video?.room;
      if (!claims.video?.roomJoin || !name) throw new Error('the token grants no room to join');
      const stored = ensureRoom(name);
      for (const agent of claims.roomConfig?.agents ?? []) dispatch(stored, agent.agentName, agent.metadata);
      await join(
        stored,
        new ParticipantInfo({
          sid: newId('PA'),
          identity: claims.sub ?? '',
          name: claims.name ?? '',
          joinedAt: nowSeconds(),
        }),
      );
      return { room: name };
    },

    async inboundCall({ from, to }) {
      const rule = [...rules.values()].find(
        (r) =>
          (!r.trunkIds.length || r.trunkIds.includes(options.trunkId ?? '')) &&
          (!r.numbers.length || r.numbers.includes(to)) &&
          (!r.inboundNumbers.length || r.inboundNumbers.includes(from)),
      );
      if (!rule) throw new Error(`no dispatch rule takes calls to ${to}`);
      const how = rule.rule?.rule;
      const name =
        how?.case === 'dispatchRuleIndividual'
          ? `${how.value.roomPrefix}_${from}_${randomBytes(4).toString('hex')}`
          : how?.case === 'dispatchRuleDirect'
            ? how.value.roomName
            : `${how?.value?.roomPrefix ?? ''}${to}`;
      const stored = ensureRoom(name);
      for (const agent of rule.roomConfig?.agents ?? []) dispatch(stored, agent.agentName, agent.metadata);
      await join(
        stored,
        new ParticipantInfo({
          sid: newId('PA'),
          identity: `sip_${from}`,
          kind: 3, // ParticipantInfo_Kind.SIP
          joinedAt: nowSeconds(),
          attributes: {
            'sip.phoneNumber': from,
            'sip.trunkPhoneNumber': to,
            'sip.trunkID': options.trunkId ?? '',
            'sip.ruleID': rule.sipDispatchRuleId,
          },
        }),
      );
      return { room: name, ruleId: rule.sipDispatchRuleId };
    },

    async endCall(name, seconds) {
      const stored = rooms.get(name);
      if (!stored) throw new Error(`no room ${name}`);
      // The stand-in does not wait: the events are stamped `seconds` after the room began, as
      // LiveKit would stamp them had the call lasted that long.
      const endedAt = stored.room.creationTime + BigInt(seconds);
      await worker?.callEnding(name, new Date(Number(endedAt) * 1000));
      for (const participant of stored.participants.splice(0)) {
        stored.room.numParticipants = stored.participants.length;
        await announce('participant_left', stored, { participant, createdAt: endedAt });
      }
      rooms.delete(name);
      await announce('room_finished', stored, { createdAt: endedAt });
      return { durationSeconds: seconds };
    },

    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const CallRequest = z.strictObject({
  /** A number with a dispatch rule (an assigned number), and the caller's. */
  to: z.string().check(z.minLength(1)),
  from: z._default(z.string().check(z.minLength(1)), '+15005550006'),
  seconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(86_400)), 42),
});
const TestCallRequest = z.strictObject({
  token: z.string().check(z.minLength(1)),
  seconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(86_400)), 42),
});

/**
 * Control endpoints for the local stack (never deployed): `POST /dev/livekit/calls` {to, from?,
 * seconds?} plays a whole phone call to an assigned number, `POST /dev/livekit/test-calls`
 * {token, seconds?} a whole browser test call with a session's token; each answers the room and
 * the webhooks LiveKit would have sent, with the status the API answered each.
 */
export function livekitControlService(standin: LivekitStandin): LocalService {
  return async (req, res, url, body) => {
    const kind = { '/dev/livekit/calls': 'phone', '/dev/livekit/test-calls': 'test' }[url.pathname];
    if (!kind || req.method !== 'POST') return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      parsed = undefined;
    }
    const input = kind === 'phone' ? CallRequest.safeParse(parsed) : TestCallRequest.safeParse(parsed);
    if (!input.success) {
      sendJson(res, 400, { error: input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      return true;
    }
    const sentBefore = standin.webhooks.length;
    try {
      const { room } =
        'token' in input.data
          ? await standin.joinWithToken(input.data.token)
          : await standin.inboundCall(input.data);
      await standin.endCall(room, input.data.seconds);
      const webhooks = standin.webhooks
        .slice(sentBefore)
        .map(({ event, status }) => ({ event: event.event, id: event.id, status }));
      sendJson(res, 200, { room, webhooks });
    } catch (error) {
      sendJson(res, 422, { error: (error as Error).message });
    }
    return true;
  };
}
