/**
 * LiveKit: participant tokens for browser test calls, the SIP dispatch rules that route an org's
 * numbers to its agents, and the signature check of LiveKit's webhooks. The server's API key and
 * secret sign all three; they come from the environment (the local stack's dev values) or,
 * deployed, from the secret `LIVEKIT_SECRET_ARN` names (JSON `{"apiKey": "...", "apiSecret": "..."}`),
 * read once per container. Neither ever passes through the logger or an error.
 */
import { randomBytes } from 'node:crypto';
import type { RoomConfiguration, SipClient, WebhookEvent } from 'livekit-server-sdk';
import * as z from 'zod/mini';
import { AgentId } from '../api/schemas/common';
import { OrgId } from '../api/schemas/orgs';
import { refuse } from '../domain/refusal';
import { config } from '../lib/config';
import { onFirstUse } from '../lib/lazy';
import { secretValue } from './secrets';

/** The worker name the voice worker registers with; LiveKit dispatches it into the room. */
export const voiceAgentName = 'voice-agent';
/** How long a test-call token lets its holder join. */
export const sessionTtlSeconds = 10 * 60;

const StoredCredentials = z.object({
  apiKey: z.string().check(z.minLength(1)),
  apiSecret: z.string().check(z.minLength(1)),
});
type Credentials = z.infer<typeof StoredCredentials>;

let credentials: Promise<Credentials> | undefined;

/**
 * The server SDK (with its protobuf runtime and JWT library) loads on the first call that signs or
 * routes: most calls to the agents and numbers groups only read the table.
 */
const livekitSdk = onFirstUse(() => import('livekit-server-sdk'));
type LiveKitSdk = Awaited<ReturnType<typeof livekitSdk>>;

function notConfigured() {
  return refuse('unavailable', 'No LiveKit server is configured for this deployment.');
}

async function readCredentials(): Promise<Credentials> {
  const livekit = config().livekit;
  if (!livekit) throw notConfigured();
  if (livekit.apiKey && livekit.apiSecret) return { apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
  if (!livekit.secretArn) throw notConfigured();
  const SecretString = await secretValue(livekit.secretArn);
  const parsed = StoredCredentials.safeParse(JSON.parse(SecretString ?? '{}'));
  // Says which secret is malformed, never what it holds.
  if (!parsed.success) throw new Error(`LiveKit secret ${livekit.secretArn} lacks apiKey/apiSecret`);
  return parsed.data;
}

function livekitCredentials(): Promise<Credentials> {
  credentials ??= readCredentials().catch((error: unknown) => {
    credentials = undefined;
    throw error;
  });
  return credentials;
}

export interface TestCallSession {
  serverUrl: string;
  roomName: string;
  token: string;
  expiresAt: Date;
}

/** A room of its own per call: named for the org and agent, with a random suffix. */
export function testCallRoomName(orgId: string, agentId: string): string {
  return `${orgId}-${agentId}-${randomBytes(6).toString('hex')}`;
}

/**
 * A token that lets `identity` join (publish, subscribe) one new room and nothing else, and
 * dispatches the voice agent into that room with the org and agent it is to be.
 */
export async function createTestCallSession(input: {
  orgId: string;
  agentId: string;
  identity: string;
  name?: string | undefined;
}): Promise<TestCallSession> {
  const livekit = config().livekit;
  if (!livekit) throw notConfigured();
  const { apiKey, apiSecret } = await livekitCredentials();
  const sdk = await livekitSdk();
  const roomName = testCallRoomName(input.orgId, input.agentId);
  const token = new sdk.AccessToken(apiKey, apiSecret, {
    identity: input.identity,
    ttl: sessionTtlSeconds,
    ...(input.name ? { name: input.name } : {}),
  });
  token.addGrant({ room: roomName, roomJoin: true, canPublish: true, canSubscribe: true });
  token.roomConfig = agentDispatch(sdk, input.orgId, input.agentId);
  const jwt = await token.toJwt();
  // The library stamps `exp` from its own clock at signing; report the same instant, rounded down.
  const [, payload] = jwt.split('.');
  const { exp } = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number };
  return { serverUrl: livekit.url, roomName, token: jwt, expiresAt: new Date(exp * 1000) };
}

/** What LiveKit is told to dispatch for a call: the worker, and which org and agent it is to be. */
function agentDispatch(sdk: LiveKitSdk, orgId: string, agentId: string): RoomConfiguration {
  return new sdk.RoomConfiguration({
    agents: [
      new sdk.RoomAgentDispatch({ agentName: voiceAgentName, metadata: JSON.stringify({ orgId, agentId }) }),
    ],
  });
}

/**
 * Rooms of phone calls to an agent's number. LiveKit names each `<prefix>_<caller>_<random>`, so
 * the room, and every webhook about it, says which org and agent the call is for.
 */
export function phoneCallRoomPrefix(orgId: string, agentId: string): string {
  return `${orgId}-${agentId}-call`;
}

const agentRoomPattern = /^(org_[0-9A-Z]{26})-(agt_[0-9A-Z]{26})-(?:([0-9a-f]{12})|call_.+)$/;

/** The org and agent a room serves, if it is one of ours (a test call or a phone call), else undefined. */
export function agentOfRoom(
  roomName: string,
): { orgId: string; agentId: string; via: 'test_call' | 'phone' } | undefined {
  const match = agentRoomPattern.exec(roomName);
  if (!match || !OrgId.safeParse(match[1]).success || !AgentId.safeParse(match[2]).success) return undefined;
  return { orgId: match[1]!, agentId: match[2]!, via: match[3] ? 'test_call' : 'phone' };
}

function livekitFailed(sdk: LiveKitSdk, what: string, error: unknown): Error {
  // LiveKit's own message says what it refused; it carries no credential (those travel in a header).
  const reason = error instanceof sdk.TwirpError ? ` (${error.status} ${error.message})` : '';
  return refuse('upstream', `LiveKit did not ${what}${reason}. Nothing was changed; try again.`);
}

/** A Twirp error body's `msg`; anything else (a proxy's HTML page) says nothing. */
function twirpMessage(body: string): string {
  try {
    return z.object({ msg: z.string() }).safeParse(JSON.parse(body)).data?.msg ?? '';
  } catch {
    return '';
  }
}

async function sipClient(sdk: LiveKitSdk): Promise<SipClient> {
  const livekit = config().livekit;
  if (!livekit) throw notConfigured();
  const { apiKey, apiSecret } = await livekitCredentials();
  return new sdk.SipClient(livekit.url, apiKey, apiSecret);
}

/** The trunk numbers ring on, when calls are routed at all (LIVEKIT_SIP_TRUNK_ID). */
export function sipTrunkId(): string | undefined {
  return config().livekit?.sipTrunkId;
}

/**
 * Makes the number's dispatch rule send calls to `e164` on the trunk into a room of their own, with
 * the voice agent dispatched as the org's agent: a new rule, or `ruleId` replaced in place (LiveKit
 * refuses two rules matching the same calls, so a reassignment cannot create the new one first).
 * A `ruleId` LiveKit no longer has (deleted while the org was suspended) is made anew. Returns the
 * rule's id, or null when no trunk is configured (then nothing is called).
 *
 * The rule filters on the called number (`numbers`; `inboundNumbers` would filter on the caller's).
 * SipClient.createSipDispatchRule in livekit-server-sdk 2.19 cannot set `numbers`, and a rule
 * without it would match every call on the shared trunk, so a new rule is sent as the SDK sends
 * one, with the whole rule in `dispatchRule`.
 */
export async function routeNumber(input: {
  orgId: string;
  agentId: string;
  e164: string;
  ruleId: string | null;
}): Promise<string | null> {
  const trunkId = sipTrunkId();
  const livekit = config().livekit;
  if (!trunkId || !livekit) return null;
  const sdk = await livekitSdk();
  const rule = new sdk.SIPDispatchRuleInfo({
    name: input.e164,
    trunkIds: [trunkId],
    numbers: [input.e164],
    rule: new sdk.SIPDispatchRule({
      rule: {
        case: 'dispatchRuleIndividual',
        value: new sdk.SIPDispatchRuleIndividual({
          roomPrefix: phoneCallRoomPrefix(input.orgId, input.agentId),
        }),
      },
    }),
    metadata: JSON.stringify({ orgId: input.orgId, agentId: input.agentId }),
    roomConfig: agentDispatch(sdk, input.orgId, input.agentId),
  });
  if (input.ruleId) {
    try {
      await (await sipClient(sdk)).updateSipDispatchRule(input.ruleId, rule);
      return input.ruleId;
    } catch (error) {
      if (!(error instanceof sdk.TwirpError && error.status === 404))
        throw livekitFailed(sdk, 'move the number’s call routing', error);
    }
  }
  const { apiKey, apiSecret } = await livekitCredentials();
  const token = new sdk.AccessToken(apiKey, apiSecret, { ttl: '1m' });
  token.addSIPGrant({ admin: true });
  const url = new URL('/twirp/livekit.SIP/CreateSIPDispatchRule', livekit.url.replace(/^ws/, 'http'));
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token.toJwt()}` },
      body: JSON.stringify({ dispatchRule: rule.toJson() }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw livekitFailed(sdk, 'create the number’s call routing', error);
  }
  const text = await response.text();
  if (!response.ok) {
    throw livekitFailed(
      sdk,
      'create the number’s call routing',
      new sdk.TwirpError(response.statusText, twirpMessage(text), response.status),
    );
  }
  return sdk.SIPDispatchRuleInfo.fromJson(JSON.parse(text), { ignoreUnknownFields: true }).sipDispatchRuleId;
}

/** Deletes a number's dispatch rule; one LiveKit no longer has counts as deleted. */
export async function deleteDispatchRule(ruleId: string): Promise<void> {
  const sdk = await livekitSdk();
  const client = await sipClient(sdk);
  try {
    await client.deleteSipDispatchRule(ruleId);
  } catch (error) {
    if (error instanceof sdk.TwirpError && error.status === 404) return;
    throw livekitFailed(sdk, 'remove the number’s call routing', error);
  }
}

/**
 * The webhook event, if `authorization` is LiveKit's signature of exactly this body (a JWT from
 * the API key and secret whose sha256 claim is the body's); undefined otherwise.
 */
export async function receiveWebhook(
  body: string,
  authorization: string | undefined,
): Promise<WebhookEvent | undefined> {
  // Without LiveKit configured there is nothing to verify against: a 503, as for test calls.
  const { apiKey, apiSecret } = await livekitCredentials();
  if (!authorization) return undefined;
  const { WebhookReceiver } = await livekitSdk();
  try {
    return await new WebhookReceiver(apiKey, apiSecret).receive(body, authorization);
  } catch {
    return undefined;
  }
}
