/**
 * Call records: an agent's calls (browser test calls and phone calls). LiveKit's room events make
 * each a task of type `call` and a call record (README "Call records (issue 21)"); the voice
 * worker adds what happened on it. Pure: the handlers read events, these rules say what is stored.
 */
import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';
import {
  type Call,
  type CallEvent,
  type CallOutcome,
  type CallSummary,
  type CallUsage,
  callOutcomes,
  type EndReason,
} from '../api/schemas/calls';
import type { ConversationMessage } from '../api/schemas/conversations';
import { addressProblem, type Task } from '../api/schemas/tasks';
import { type CallPricing, estimateCost } from './call-prices';
import type { Refusal } from './refusal';
import { moveTask, newTask } from './tasks';

/** Which call a room is: the org and agent it serves, how it was placed, and LiveKit's room. */
export interface CallRoom {
  orgId: string;
  agentId: string;
  via: 'test_call' | 'phone';
  roomName: string;
  /** LiveKit's id of this room instance (a name may be reused; the sid is not). */
  roomSid: string;
  startedAt: Date;
}

/** The caller's and the called number, when the call came over SIP. */
export interface CallNumbers {
  fromAddress: string | null;
  toAddress: string | null;
}

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The task id of a room's call, the same for every event about it (so a later event finds the task
 * with one read, whichever event arrived first): a ULID of the room's start whose random part is
 * derived from LiveKit's room sid.
 */
export function callTaskId(room: Pick<CallRoom, 'roomSid' | 'startedAt'>): string {
  return `tsk_${roomUlid(room.roomSid, room.startedAt)}`;
}

/** A ULID of `at` whose random part is derived from `seed`: the same for every writer that knows both. */
function roomUlid(seed: string, at: Date): string {
  const digest = createHash('sha256').update(seed).digest();
  const random = [...digest.subarray(0, 16)].map((byte) => crockford[byte % 32]).join('');
  return `${encodeTime(at.getTime(), 10)}${random}`;
}

/**
 * A call's id, chosen by whichever writer records the room first (the webhook or the worker): the
 * task id's rule under the call prefix, so it sorts by the call's start. The other writer finds it
 * through the room's claim, since the two may see slightly different start times.
 */
export function callIdOf(room: Pick<CallRoom, 'roomSid' | 'startedAt'>): string {
  return `cal_${roomUlid(room.roomSid, room.startedAt)}`;
}

/** A call's numbers from a SIP participant's attributes; anything that is not E.164 is left out. */
export function callNumbers(attributes: Readonly<Record<string, string>>): CallNumbers | undefined {
  const number = (value: string | undefined) =>
    value !== undefined && addressProblem('call', value) === undefined ? value : null;
  const numbers = {
    fromAddress: number(attributes['sip.phoneNumber']),
    toAddress: number(attributes['sip.trunkPhoneNumber']),
  };
  return numbers.fromAddress || numbers.toAddress ? numbers : undefined;
}

/** The record of a call that has begun: an in-progress call task for the agent, started with the room. */
export function startedCall(room: CallRoom, callId: string, numbers?: CallNumbers): Task {
  const task = newTask(
    room.orgId,
    {
      type: 'call',
      priority: 'medium',
      subject: room.via === 'phone' ? 'Phone call' : 'Test call',
      agentId: room.agentId,
      fromAddress: numbers?.fromAddress ?? null,
      toAddress: numbers?.toAddress ?? null,
      metadata: { roomName: room.roomName, roomSid: room.roomSid, via: room.via, callId },
    },
    { kind: 'integration', id: 'livekit' },
    room.startedAt,
  );
  const started = moveTask({ ...task, id: callTaskId(room) }, 'in_progress', room.startedAt);
  if (started instanceof Error) throw started;
  return started;
}

/** The call's numbers, once its SIP participant is known; null when there is nothing new. */
export function withNumbers(task: Task, numbers: CallNumbers, now: Date): Task | null {
  if (task.fromAddress === numbers.fromAddress && task.toAddress === numbers.toAddress) return null;
  return { ...task, ...numbers, updatedAt: now.toISOString(), version: task.version + 1 };
}

/** The call ended with its room: completed, with how long it lasted in whole seconds. */
export function finishedCall(task: Task, endedAt: Date): Task | Refusal {
  const completed = moveTask(task, 'completed', endedAt);
  if (completed instanceof Error) return completed;
  const started = Date.parse(task.startedAt ?? task.createdAt);
  const durationSeconds = Math.max(0, Math.round((endedAt.getTime() - started) / 1000));
  return { ...completed, metadata: { ...completed.metadata, durationSeconds } };
}

/** A call as stored: the view without its cost (estimated on read), with what pricing and rules need. */
export type CallRecord = Omit<Call, 'cost'> & {
  roomSid: string;
  pricing: CallPricing;
  /** The worker recorded the call (POST /runtime/calls): a room that ends without its end event was answered. */
  workerJoined: boolean;
  version: number;
};

const noUsage: CallUsage = {
  sttSeconds: 0,
  llmInputTokens: 0,
  llmOutputTokens: 0,
  ttsCharacters: 0,
  telephonySeconds: 0,
};

/** What the call is priced with: the agent's providers and model when it starts. */
export function pricingOf(
  agent: {
    sttConfig: { provider: string; model: string } | null;
    ttsConfig: { provider: string; model: string } | null;
    llm: { provider: 'bedrock'; modelId: string } | { provider: 'openai-compatible'; model: string } | null;
  },
  defaultLlm: string,
): CallPricing {
  const llm = agent.llm
    ? agent.llm.provider === 'bedrock'
      ? `bedrock:${agent.llm.modelId}`
      : `openai-compatible:${agent.llm.model}`
    : `bedrock:${defaultLlm}`;
  return {
    stt: agent.sttConfig ? `${agent.sttConfig.provider}:${agent.sttConfig.model}` : null,
    tts: agent.ttsConfig ? `${agent.ttsConfig.provider}:${agent.ttsConfig.model}` : null,
    llm,
  };
}

/** A new call record, in progress, with the id of its transcript's conversation. */
export function newCall(
  room: CallRoom & { numbers?: CallNumbers | undefined },
  details: { conversationId: string; pricing: CallPricing; workerJoined: boolean; taskId?: string },
  now: Date,
): CallRecord {
  return {
    id: callIdOf(room),
    orgId: room.orgId,
    agentId: room.agentId,
    via: room.via,
    direction: 'inbound',
    from: room.numbers?.fromAddress ?? null,
    to: room.numbers?.toAddress ?? null,
    roomName: room.roomName,
    roomSid: room.roomSid,
    startedAt: room.startedAt.toISOString(),
    endedAt: null,
    durationSeconds: null,
    outcome: 'in_progress',
    endReason: null,
    endDetail: null,
    conversationId: details.conversationId,
    taskId: details.taskId ?? null,
    usage: noUsage,
    pricing: details.pricing,
    workerJoined: details.workerJoined,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
}

const changed = (call: CallRecord, next: Partial<CallRecord>, now: Date): CallRecord => ({
  ...call,
  ...next,
  updatedAt: now.toISOString(),
  version: call.version + 1,
});

/** Whole seconds from the call's start to `endedAt`. */
const secondsFrom = (startedAt: string, endedAt: string) =>
  Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000));

function ended(call: CallRecord, at: string, reason: EndReason, detail: string | null): Partial<CallRecord> {
  const endedAt = call.endedAt ?? at;
  return {
    endedAt,
    durationSeconds: secondsFrom(call.startedAt, endedAt),
    endReason: reason,
    endDetail: detail,
    outcome: reason,
  };
}

/**
 * What the webhook adds: the task's link and the SIP numbers, once known, and, when the room
 * finished, the end (the worker's end reason wins; without one, a call the worker joined was hung
 * up by the caller, and one it never joined went unanswered). null when nothing changes.
 */
export function fromRoom(
  call: CallRecord,
  update: { taskId: string; numbers?: CallNumbers | undefined; finishedAt?: Date | undefined },
  now: Date,
): CallRecord | null {
  const next: Partial<CallRecord> = {};
  if (call.taskId !== update.taskId) next.taskId = update.taskId;
  if (update.numbers?.fromAddress && !call.from) next.from = update.numbers.fromAddress;
  if (update.numbers?.toAddress && !call.to) next.to = update.numbers.toAddress;
  if (update.finishedAt && !call.endedAt) {
    const reason = call.endReason ?? (call.workerJoined ? 'caller_hung_up' : 'no_answer');
    Object.assign(next, ended(call, update.finishedAt.toISOString(), reason, call.endDetail));
  }
  return Object.keys(next).length > 0 ? changed(call, next, now) : null;
}

/** The worker recorded the room's call the webhook had recorded first. */
export function joinedByWorker(call: CallRecord, now: Date): CallRecord | null {
  return call.workerJoined ? null : changed(call, { workerJoined: true }, now);
}

/** A message id for a spoken sentence: a ULID of when it was said, the same for the same event. */
function speechMessageId(callId: string, event: CallEvent): string {
  return `msg_${roomUlid(`${callId}/${event.id}`, new Date(event.at))}`;
}

/**
 * The call after new events (never an event already recorded): usage adds up, the end sets the
 * reason (the worker's word wins over a reason the webhook guessed); sentences the worker spoke
 * become assistant messages of the transcript, marked voice.
 */
export function withEvents(
  call: CallRecord,
  events: readonly CallEvent[],
  now: Date,
): { call: CallRecord; messages: ConversationMessage[] } {
  const usage = { ...call.usage };
  let next: Partial<CallRecord> = {};
  const messages: ConversationMessage[] = [];
  for (const event of events) {
    if (event.type === 'usage') {
      for (const name of Object.keys(noUsage) as (keyof CallUsage)[]) usage[name] += event[name];
    } else if (event.type === 'end') {
      next = { ...next, ...ended({ ...call, ...next }, event.at, event.reason, event.detail ?? null) };
    } else if (event.type === 'speech') {
      messages.push({
        id: speechMessageId(call.id, event),
        conversationId: call.conversationId,
        role: 'assistant',
        text: event.text,
        status: 'ok',
        error: null,
        citations: [],
        inputTokens: 0,
        outputTokens: 0,
        latencyMs: null,
        model: null,
        via: 'voice',
        createdAt: event.at,
      });
    }
  }
  return { call: changed(call, { ...next, usage }, now), messages };
}

/** The view of a stored call, with its cost estimated from the price table. */
export function callView(call: CallRecord): Call {
  const { roomSid: _sid, pricing, workerJoined: _joined, version: _version, ...view } = call;
  return { ...view, cost: estimateCost(call.usage, pricing) };
}

/** Whether a transcript message was spoken outside the model's turns (the worker's own sentences). */
export const isScripted = (message: ConversationMessage) =>
  message.role === 'assistant' && message.status === 'ok' && message.model === null;

/** The first and last call ids that can fall in the UTC days [from, to) (ids start with their start). */
export function callIdRange(from: string, to: string): { first: string; last: string } {
  return {
    first: `cal_${encodeTime(Date.parse(from), 10)}${'0'.repeat(16)}`,
    last: `cal_${encodeTime(Date.parse(to) - 1, 10)}${'Z'.repeat(16)}`,
  };
}

/** The dashboard's figures: calls, minutes and average of the ended ones, outcomes, the estimates' sum. */
export function summarizeCalls(calls: readonly CallRecord[], from: string, to: string): CallSummary {
  const outcomes = Object.fromEntries(callOutcomes.map((o) => [o, 0])) as Record<CallOutcome, number>;
  let seconds = 0;
  let endedCalls = 0;
  let costMicros = 0;
  for (const call of calls) {
    outcomes[call.outcome] += 1;
    costMicros += callView(call).cost.totalMicros;
    if (call.durationSeconds !== null) {
      seconds += call.durationSeconds;
      endedCalls += 1;
    }
  }
  return {
    from,
    to,
    calls: calls.length,
    seconds,
    averageSeconds: endedCalls > 0 ? Math.round(seconds / endedCalls) : null,
    outcomes,
    currency: 'USD',
    costMicros,
  };
}
