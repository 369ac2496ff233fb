/**
 * Publishing to AppSync Events over its HTTP endpoint (`POST /event {channel, events}`), signed
 * with SigV4 as the IAM auth mode requires: only the change publisher's role may publish to task
 * channels (the Lambda authorizer refuses everyone else). Locally the same request goes to the
 * stand-in (infra/local/appsync-events.ts), which checks the signature with the local credentials.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { refuse } from '../domain/refusal';
import { config } from '../lib/config';

/** AppSync Events takes at most five events per publish request. */
export const maxEventsPerPublish = 5;

/** The hash SigV4 signs with (SHA-256, HMAC when given a key), from node:crypto. */
export class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined ? undefined : toBuffer(secret);
    this.hash = key ? createHmac('sha256', key) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * The function's own role credentials, which Lambda (and the local stack) hand the process in
 * these variables; read per call because Lambda rotates them with the role session.
 */
async function credentials() {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw refuse('unavailable', 'No AWS credentials to sign publishes with.');
  return { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN };
}

/** SigV4 for AppSync; the local stand-in passes the credentials it checks signatures against. */
export function signer(region: string, fixed?: { accessKeyId: string; secretAccessKey: string }) {
  return new SignatureV4({ service: 'appsync', region, credentials: fixed ?? credentials, sha256: Sha256 });
}

/** Publishes up to five events (each a JSON value) to one channel; throws when any is refused. */
export async function publishEvents(channel: string, events: readonly unknown[]): Promise<void> {
  if (events.length === 0) return;
  if (events.length > maxEventsPerPublish)
    throw new Error(`at most ${maxEventsPerPublish} events per publish`);
  const { liveEventsUrl, region } = config();
  if (!liveEventsUrl) throw refuse('unavailable', 'No live events endpoint is configured (LIVE_EVENTS_URL).');
  const url = new URL(liveEventsUrl);
  const body = JSON.stringify({ channel, events: events.map((e) => JSON.stringify(e)) });
  const signed = await signer(region).sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    throw refuse('unavailable', 'The live events endpoint could not be reached.');
  }
  const reply = (await res.json().catch(() => ({}))) as { failed?: { code?: string; msg?: string }[] };
  if (!res.ok || (reply.failed?.length ?? 0) > 0) {
    const reason = reply.failed?.[0]?.msg ?? `status ${res.status}`;
    throw refuse('upstream', `The live events endpoint refused a publish to ${channel}: ${reason}`);
  }
}
