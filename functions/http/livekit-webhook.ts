/**
 * POST /webhooks/livekit: public, because LiveKit calls it; what vouches for a request is its
 * signature (a JWT from the API key and secret carrying the body's sha256), checked over the raw
 * body before anything is read. Rooms of an agent's calls (test calls and phone calls, named for
 * org and agent by adapters/livekit.ts) become call tasks: room_started records the call in
 * progress, a SIP participant joining adds its numbers, room_finished completes it with its
 * duration. Every other room, event or org is answered 200 and ignored: LiveKit retries anything
 * else, and a retry would change nothing. So are the rooms of an org the platform operator has
 * suspended and of an agent that does not run (inactive, or shared from a suspended org): the
 * runtime refuses those agents, and no record is made of calls they could not take. Every event
 * that records something claims its id in the same transaction, so a replayed event never
 * records again, even after a manager deleted the call.
 *
 * Each such event also keeps the room's call record (README "Call records (issue 21)"): created
 * with its transcript's conversation unless the worker recorded it first, then linked to the task
 * (the task names the call in `metadata.callId`), given the SIP numbers and, at room_finished, its
 * end and duration.
 */
import type { WebhookEvent } from 'livekit-server-sdk';
import { agentOfRoom, receiveWebhook } from '../adapters/livekit';
import { defaultLlm } from '../api/llm';
import { receiveLivekitWebhook } from '../api/routes/webhooks';
import type { Conversation } from '../api/schemas/conversations';
import type { Task } from '../api/schemas/tasks';
import * as agents from '../data/agents';
import * as calls from '../data/calls';
import * as orgs from '../data/orgs';
import * as tasks from '../data/tasks';
import { type AgentState, runtimeRefusal } from '../domain/agents';
import {
  type CallNumbers,
  type CallRecord,
  type CallRoom,
  callIdOf,
  callNumbers,
  callTaskId,
  finishedCall,
  fromRoom,
  newCall,
  pricingOf,
  startedCall,
  withNumbers,
} from '../domain/calls';
import { newConversation } from '../domain/conversations';
import { Refusal, refusals } from '../domain/refusal';
import { requestHash } from '../domain/tasks';
import { problems } from '../lib/problem';
import { httpHandler, implement } from './pipeline/handler';

type Outcome = 'recorded' | 'already_recorded' | 'ignored';

/** LiveKit's SIP participants (ParticipantInfo.Kind.SIP). */
const sipParticipant = 3;

const secondsToDate = (seconds: bigint) => new Date(Number(seconds) * 1000);

function callRoomOf(event: WebhookEvent): CallRoom | undefined {
  const room = event.room;
  const agent = room && agentOfRoom(room.name);
  if (!room || !agent || !room.sid) return undefined;
  // A room LiveKit reports without its creation time started no later than this event.
  const startedAt = secondsToDate(room.creationTime || event.createdAt);
  return { ...agent, roomName: room.name, roomSid: room.sid, startedAt };
}

/**
 * The event's id as the idempotency key of what it records, claimed with the record (created or
 * changed) in one transaction: a redelivery or a replay records nothing, and since the claim
 * outlives the task (24 hours, far longer than a webhook's signature is accepted), a replay after a
 * manager deleted the call does not bring it back.
 */
const once = (event: WebhookEvent) => ({
  idempotency: { key: `livekit:${event.id}`, bodyHash: requestHash(event.toJson()) },
});

/**
 * Whether the call may be recorded: its org is not suspended and its agent is one the org may use
 * that the runtime would run (not inactive, not shared from a suspended org). Read beside the task.
 */
async function agentRuns(room: CallRoom): Promise<AgentState | undefined> {
  const [suspended, agent] = await Promise.all([
    orgs.isSuspended(room.orgId),
    agents.getAgent(room.orgId, room.agentId),
  ]);
  return !suspended && agent !== undefined && runtimeRefusal(agent) === null ? agent : undefined;
}

/** Creates the call's task; an agent that is not the org's (or is deleted) means no record. */
async function create(task: Task, event: WebhookEvent): Promise<Outcome> {
  try {
    const { replayed } = await tasks.createTask(task, once(event));
    return replayed ? 'already_recorded' : 'recorded';
  } catch (error) {
    if (error instanceof Refusal && error.kind === 'not_found') return 'ignored';
    throw error;
  }
}

async function save(task: Task, before: Task, event: WebhookEvent): Promise<Outcome> {
  try {
    const { replayed } = await tasks.saveTask(task, before, {
      ...once(event),
      ifChanged: () => refusals.changedMeanwhile('call'),
    });
    return replayed ? 'already_recorded' : 'recorded';
  } catch (error) {
    // The call ended meanwhile (an ended task cannot move): what this event says is already told.
    if (error instanceof Refusal && error.field === 'status') return 'already_recorded';
    throw error;
  }
}

async function started(
  room: CallRoom,
  callId: string,
  event: WebhookEvent,
  existing: Task | undefined,
  numbers?: CallNumbers,
): Promise<Outcome> {
  if (!existing) return create(startedCall(room, callId, numbers), event);
  const numbered = numbers && withNumbers(existing, numbers, secondsToDate(event.createdAt));
  return numbered ? save(numbered, existing, event) : 'already_recorded';
}

async function finished(
  room: CallRoom,
  callId: string,
  event: WebhookEvent,
  existing: Task | undefined,
): Promise<Outcome> {
  const endedAt = secondsToDate(event.createdAt);
  if (existing) {
    const completed = finishedCall(existing, endedAt);
    return completed instanceof Refusal ? 'already_recorded' : save(completed, existing, event);
  }
  // room_started never arrived (or not yet): the whole call is recorded from this one event.
  const completed = finishedCall(startedCall(room, callId), endedAt);
  if (completed instanceof Refusal) throw completed;
  return create(completed, event);
}

/** The SIP numbers a participant_joined event adds to its call, if any. */
function numbersOf(event: WebhookEvent): CallNumbers | undefined {
  const participant = event.participant;
  return participant?.kind === sipParticipant ? callNumbers(participant.attributes) : undefined;
}

async function record(event: WebhookEvent): Promise<Outcome> {
  const room = callRoomOf(event);
  const numbers = event.event === 'participant_joined' ? numbersOf(event) : undefined;
  const relevant = event.event === 'room_started' || event.event === 'room_finished' || numbers;
  if (!room || !relevant) return 'ignored';
  const [existing, agent, call] = await Promise.all([
    tasks.getTask(room.orgId, callTaskId(room)),
    agentRuns(room),
    calls.findRoomCall(room.orgId, room.roomSid),
  ]);
  if (!agent) return 'ignored';
  const now = secondsToDate(event.createdAt);
  const link = {
    taskId: callTaskId(room),
    numbers,
    finishedAt: event.event === 'room_finished' ? now : undefined,
  };
  const callId = call?.id ?? callIdOf(room);
  const outcome =
    event.event === 'room_finished'
      ? await finished(room, callId, event, existing)
      : await started(room, callId, event, existing, numbers);
  if (outcome !== 'ignored') await keepCall(room, agent, call, link, now);
  return outcome;
}

type Link = Parameters<typeof fromRoom>[1];

/**
 * The room's call record, linked to its task and told the numbers and the end this event carries:
 * created with its transcript's conversation when neither the worker nor an earlier event recorded
 * it, changed otherwise (racing the worker's writes: a lost race reads it again). A replayed event
 * changes nothing.
 */
async function keepCall(
  room: CallRoom,
  agent: AgentState,
  found: CallRecord | undefined,
  link: Link,
  now: Date,
): Promise<void> {
  let call = found;
  if (!call) {
    const draft = newConversation(
      room.orgId,
      room.agentId,
      { channel: 'api' },
      { kind: 'call', id: '' },
      now,
    );
    const fresh = newCall(
      room,
      { conversationId: draft.id, pricing: pricingOf(agent, defaultLlm.modelId), workerJoined: false },
      now,
    );
    const conversation: Conversation = {
      ...draft,
      channel: room.via,
      createdBy: { kind: 'call', id: fresh.id },
    };
    if (await calls.createCall(fromRoom(fresh, link, now) ?? fresh, conversation)) return;
    call = await calls.findRoomCall(room.orgId, room.roomSid);
  }
  for (let attempt = 0; attempt < 4 && call; attempt++) {
    const next = fromRoom(call, link, now);
    if (!next || (await calls.saveCall(next, call))) return;
    call = await calls.findRoomCall(room.orgId, room.roomSid);
  }
  if (call) throw refusals.busy();
}

export const handler = httpHandler([
  implement(receiveLivekitWebhook, async ({ event }) => {
    // API Gateway hands a body it takes for binary (application/webhook+json may be) base64-encoded.
    const raw = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    const webhook = await receiveWebhook(raw, event.headers.authorization);
    if (!webhook)
      throw problems.unauthorized('The request is not signed by this deployment’s LiveKit server.');
    return { body: { outcome: await record(webhook) } };
  }),
]);
