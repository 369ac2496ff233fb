/**
 * The worker's only way into the platform: the runtime routes (README "Machine callers", "Voice worker
 * (issue 21)"), called with a client-credentials token of the platform's runtime client. The types are
 * the platform's own schemas, imported as types only so the worker's image needs none of its code.
 */
import type * as z from 'zod/mini';
import type { RuntimeAgent } from '../../functions/api/schemas/agents';
import type { CallEvent, StartCallBody } from '../../functions/api/schemas/calls';
import type { RuntimeTurnBody, TurnEvent } from '../../functions/api/schemas/runtime-turns';

export type RuntimeAgentRead = z.infer<typeof RuntimeAgent>;
export type StartedCall = { callId: string; orgId: string; agentId: string; conversationId: string };
export type { CallEvent, TurnEvent };

/** The platform said no (4xx): its problem detail is the sentence the caller hears about. */
export class PlatformRefusal extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'PlatformRefusal';
  }
}

/** The platform could not answer (5xx, network, timeout): a provider failure as far as the call is concerned. */
export class PlatformUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformUnavailable';
  }
}

export interface PlatformOptions {
  /** The API's base URL, e.g. https://api.example.com or http://127.0.0.1:3000/api locally. */
  apiUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Bound on each request to the platform, turns included (their first byte, not their end). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface Platform {
  getAgent(agentId: string): Promise<RuntimeAgentRead>;
  startCall(body: StartCallBody): Promise<StartedCall>;
  postEvents(callId: string, events: CallEvent[]): Promise<void>;
  turn(
    agentId: string,
    conversationId: string,
    body: RuntimeTurnBody,
    signal?: AbortSignal,
  ): AsyncIterable<TurnEvent>;
}

export function createPlatform(options: PlatformOptions): Platform {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let token: { value: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const res = await doFetch(options.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((error: unknown) => {
      throw new PlatformUnavailable(`The token endpoint could not be reached: ${(error as Error).message}`);
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!res.ok || !body.access_token)
      throw new PlatformUnavailable(`The token endpoint answered ${res.status} without a token.`);
    // Renewed a minute early so a token never expires in the middle of a call's request.
    token = { value: body.access_token, expiresAt: Date.now() + ((body.expires_in ?? 3600) - 60) * 1000 };
    return token.value;
  }

  async function bearer(): Promise<string> {
    if (token && token.expiresAt > Date.now()) return token.value;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function request(
    method: string,
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await doFetch(`${options.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await bearer()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    }).catch((error: unknown) => {
      throw new PlatformUnavailable(`${method} ${path} failed: ${(error as Error).message}`);
    });
    if (res.ok) return res;
    const problem = (await res.json().catch(() => ({}))) as { detail?: string };
    const detail = problem.detail ?? `${method} ${path} answered ${res.status}.`;
    if (res.status >= 400 && res.status < 500 && res.status !== 429)
      throw new PlatformRefusal(res.status, detail);
    throw new PlatformUnavailable(detail);
  }

  return {
    async getAgent(agentId) {
      const res = await request('GET', `/runtime/agents/${encodeURIComponent(agentId)}`, undefined);
      return (await res.json()) as RuntimeAgentRead;
    },
    async startCall(body) {
      const res = await request('POST', '/runtime/calls', body);
      return (await res.json()) as StartedCall;
    },
    async postEvents(callId, events) {
      await request('POST', `/runtime/calls/${encodeURIComponent(callId)}/events`, { events });
    },
    async *turn(agentId, conversationId, body, signal) {
      const res = await request(
        'POST',
        `/runtime/agents/${encodeURIComponent(agentId)}/conversations/${encodeURIComponent(conversationId)}/turns`,
        body,
        signal,
      );
      yield* ndjson(res);
    },
  };
}

/** The turn's answer, one JSON event per line, as the lines arrive. */
async function* ndjson(res: Response): AsyncIterable<TurnEvent> {
  if (!res.body) return;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line) as TurnEvent;
      newline = buffered.indexOf('\n');
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest) yield JSON.parse(rest) as TurnEvent;
}
