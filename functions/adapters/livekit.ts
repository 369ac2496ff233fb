/**
 * LiveKit: participant tokens for browser test calls. The server's API key and secret sign the
 * tokens; they come from the environment (the local stack's dev values) or, deployed, from the
 * secret `LIVEKIT_SECRET_ARN` names (JSON `{"apiKey": "...", "apiSecret": "..."}`), read once per
 * container. Neither ever passes through the logger or an error.
 */
import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { AccessToken, RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import * as z from 'zod';
import { refuse } from '../domain/refusal';
import { config } from '../lib/config';
import { secretsManager } from './secrets';

/** The worker name the voice worker registers with; LiveKit dispatches it into the room. */
export const voiceAgentName = 'voice-agent';
/** How long a test-call token lets its holder join. */
export const sessionTtlSeconds = 10 * 60;

const StoredCredentials = z.object({ apiKey: z.string().min(1), apiSecret: z.string().min(1) });
type Credentials = z.infer<typeof StoredCredentials>;

let credentials: Promise<Credentials> | undefined;

function notConfigured() {
  return refuse('unavailable', 'No LiveKit server is configured for this deployment.');
}

async function readCredentials(): Promise<Credentials> {
  const livekit = config().livekit;
  if (!livekit) throw notConfigured();
  if (livekit.apiKey && livekit.apiSecret) return { apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
  if (!livekit.secretArn) throw notConfigured();
  const { SecretString } = await secretsManager().send(
    new GetSecretValueCommand({ SecretId: livekit.secretArn }),
  );
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
  const roomName = testCallRoomName(input.orgId, input.agentId);
  const token = new AccessToken(apiKey, apiSecret, {
    identity: input.identity,
    ttl: sessionTtlSeconds,
    ...(input.name ? { name: input.name } : {}),
  });
  token.addGrant({ room: roomName, roomJoin: true, canPublish: true, canSubscribe: true });
  token.roomConfig = new RoomConfiguration({
    agents: [
      new RoomAgentDispatch({
        agentName: voiceAgentName,
        metadata: JSON.stringify({ orgId: input.orgId, agentId: input.agentId }),
      }),
    ],
  });
  const jwt = await token.toJwt();
  // The library stamps `exp` from its own clock at signing; report the same instant, rounded down.
  const [, payload] = jwt.split('.');
  const { exp } = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number };
  return { serverUrl: livekit.url, roomName, token: jwt, expiresAt: new Date(exp * 1000) };
}
