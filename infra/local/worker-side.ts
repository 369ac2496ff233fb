/**
 * The voice worker's side of a call the LiveKit stand-in plays (README "Call records (issue 21)"):
 * no media, but the same runtime routes the worker calls, with the runtime client's token, so the
 * local console shows complete call records and black-box tests can reach them. At the start it
 * reads the agent, records the call, speaks the greeting and takes one caller question through the
 * turns route (when the deployment has it); at the end it reports usage and that the caller hung up.
 */

/** How the worker side reaches the API: a request with the runtime client's token. */
export type RuntimeRequest = (
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) => Promise<{ status: number; text: string }>;

export interface CallStart {
  roomName: string;
  roomSid: string;
  startedAt: Date;
  via: 'phone' | 'test_call';
  /** The dispatch's metadata: `{orgId, agentId}` as adapters/livekit.ts writes it. */
  metadata: string;
  from?: string;
  to?: string;
}

export interface WorkerSide {
  callStarted(call: CallStart): Promise<void>;
  callEnding(roomName: string, endedAt: Date): Promise<void>;
}

/** What the stand-in's caller asks in every call. */
export const callerQuestion = 'What are your opening hours?';

interface Playing {
  callId: string;
  startedAt: Date;
  via: CallStart['via'];
  spokenCharacters: number;
  inputTokens: number;
  outputTokens: number;
}

const after = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();

export function workerSide(request: RuntimeRequest): WorkerSide {
  const playing = new Map<string, Playing>();
  let sequence = 0;
  const eventId = (callId: string) => `${callId}-standin-${(sequence++).toString(36)}`;

  async function json(method: 'GET' | 'POST', path: string, body?: unknown) {
    const reply = await request(method, path, body);
    return { status: reply.status, body: reply.status < 300 ? JSON.parse(reply.text) : undefined };
  }

  return {
    async callStarted(call) {
      let agentId: string;
      try {
        agentId = (JSON.parse(call.metadata) as { agentId: string }).agentId;
      } catch {
        return;
      }
      // The runtime's refusal (an inactive agent, a suspended org) is the worker's cue to hang up.
      const agent = await json('GET', `/runtime/agents/${agentId}`);
      if (agent.status !== 200) return;
      const started = await json('POST', '/runtime/calls', {
        agentId,
        roomName: call.roomName,
        roomSid: call.roomSid,
        startedAt: call.startedAt.toISOString(),
        via: call.via,
        ...(call.from ? { from: call.from } : {}),
        ...(call.to ? { to: call.to } : {}),
      });
      if (started.status !== 200) return;
      const { callId, conversationId } = started.body as { callId: string; conversationId: string };
      const greeting: string = agent.body.agent.initialMessage ?? 'Hello, how can I help you?';
      const state: Playing = {
        callId,
        startedAt: call.startedAt,
        via: call.via,
        spokenCharacters: greeting.length,
        inputTokens: 0,
        outputTokens: 0,
      };
      playing.set(call.roomName, state);
      await json('POST', `/runtime/calls/${callId}/events`, {
        events: [
          {
            id: eventId(callId),
            at: after(call.startedAt, 1),
            type: 'speech',
            role: 'assistant',
            text: greeting,
          },
        ],
      });
      // The turns route answers NDJSON, ending with the stored reply (README "Voice worker turns and tools").
      const turn = await request('POST', `/runtime/agents/${agentId}/conversations/${conversationId}/turns`, {
        text: callerQuestion,
        callId,
        at: after(call.startedAt, 4),
        channel: call.via,
      });
      if (turn.status !== 200) return;
      const done = turn.text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; reply?: Record<string, unknown> })
        .find((line) => line.type === 'done');
      const reply = done?.reply as { text?: string; inputTokens?: number; outputTokens?: number } | undefined;
      state.spokenCharacters += reply?.text?.length ?? 0;
      state.inputTokens += reply?.inputTokens ?? 0;
      state.outputTokens += reply?.outputTokens ?? 0;
    },

    async callEnding(roomName, endedAt) {
      const state = playing.get(roomName);
      if (!state) return;
      playing.delete(roomName);
      const seconds = Math.max(0, (endedAt.getTime() - state.startedAt.getTime()) / 1000);
      const at = endedAt.toISOString();
      await json('POST', `/runtime/calls/${state.callId}/events`, {
        events: [
          {
            id: eventId(state.callId),
            at,
            type: 'usage',
            sttSeconds: seconds,
            llmInputTokens: state.inputTokens,
            llmOutputTokens: state.outputTokens,
            ttsCharacters: state.spokenCharacters,
            telephonySeconds: state.via === 'phone' ? seconds : 0,
          },
          { id: eventId(state.callId), at, type: 'end', reason: 'caller_hung_up' },
        ],
      });
    },
  };
}

/** Over HTTP to a deployment's API, with a client-credentials token from its token endpoint. */
export function httpRuntime(options: {
  apiUrl: string;
  tokenUrl: () => string;
  clientId: string;
  clientSecret: string;
}): RuntimeRequest {
  let cached: { token: string; until: number } | undefined;
  async function token(): Promise<string> {
    if (cached && cached.until > Date.now()) return cached.token;
    const res = await fetch(options.tokenUrl(), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new Error(`the runtime client got no token (${res.status})`);
    cached = { token: body.access_token, until: Date.now() + ((body.expires_in ?? 3600) - 60) * 1000 };
    return cached.token;
  }
  return async (method, path, body) => {
    const res = await fetch(`${options.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, text: await res.text() };
  };
}
