/**
 * Call records: an agent's calls (browser test calls and phone calls), recorded from LiveKit's
 * room events as tasks of type `call`. Pure: the webhook handler reads the event, these rules say
 * what the task is.
 */
import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';
import { addressProblem, type Task } from '../api/schemas/tasks';
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
  const digest = createHash('sha256').update(room.roomSid).digest();
  const random = [...digest.subarray(0, 16)].map((byte) => crockford[byte % 32]).join('');
  return `tsk_${encodeTime(room.startedAt.getTime(), 10)}${random}`;
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
export function startedCall(room: CallRoom, numbers?: CallNumbers): Task {
  const task = newTask(
    room.orgId,
    {
      type: 'call',
      priority: 'medium',
      subject: room.via === 'phone' ? 'Phone call' : 'Test call',
      agentId: room.agentId,
      fromAddress: numbers?.fromAddress ?? null,
      toAddress: numbers?.toAddress ?? null,
      metadata: { roomName: room.roomName, roomSid: room.roomSid, via: room.via },
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
