/**
 * POST /webhooks/livekit: public, because LiveKit calls it; what vouches for a request is its
 * signature (a JWT from the API key and secret carrying the body's sha256), checked over the raw
 * body before anything is read. Rooms of an agent's calls (test calls and phone calls, named for
 * org and agent by adapters/livekit.ts) become call tasks: room_started records the call in
 * progress, a SIP participant joining adds its numbers, room_finished completes it with its
 * duration. Every other room, event or org is answered 200 and ignored: LiveKit retries anything
 * else, and a retry would change nothing. Every event that records something claims its id in the
 * same transaction, so a replayed event never records again, even after a manager deleted the call.
 */
import type { WebhookEvent } from 'livekit-server-sdk';
import { agentOfRoom, receiveWebhook } from '../adapters/livekit';
import { receiveLivekitWebhook } from '../api/routes/webhooks';
import type { Task } from '../api/schemas/tasks';
import * as tasks from '../data/tasks';
import {
  type CallNumbers,
  type CallRoom,
  callNumbers,
  callTaskId,
  finishedCall,
  startedCall,
  withNumbers,
} from '../domain/calls';
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

async function started(room: CallRoom, event: WebhookEvent, numbers?: CallNumbers): Promise<Outcome> {
  const existing = await tasks.getTask(room.orgId, callTaskId(room));
  if (!existing) return create(startedCall(room, numbers), event);
  const numbered = numbers && withNumbers(existing, numbers, secondsToDate(event.createdAt));
  return numbered ? save(numbered, existing, event) : 'already_recorded';
}

async function finished(room: CallRoom, event: WebhookEvent): Promise<Outcome> {
  const endedAt = secondsToDate(event.createdAt);
  const existing = await tasks.getTask(room.orgId, callTaskId(room));
  if (existing) {
    const completed = finishedCall(existing, endedAt);
    return completed instanceof Refusal ? 'already_recorded' : save(completed, existing, event);
  }
  // room_started never arrived (or not yet): the whole call is recorded from this one event.
  const completed = finishedCall(startedCall(room), endedAt);
  if (completed instanceof Refusal) throw completed;
  return create(completed, event);
}

async function record(event: WebhookEvent): Promise<Outcome> {
  const room = callRoomOf(event);
  if (!room) return 'ignored';
  switch (event.event) {
    case 'room_started':
      return started(room, event);
    case 'participant_joined': {
      const participant = event.participant;
      const numbers = participant?.kind === sipParticipant ? callNumbers(participant.attributes) : undefined;
      return numbers ? started(room, event, numbers) : 'ignored';
    }
    case 'room_finished':
      return finished(room, event);
    default:
      return 'ignored';
  }
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
