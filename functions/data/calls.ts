/**
 * Call records (README "Call records (issue 21)"). A call is one item in the org partition
 * (CALL#<callId>, ids are ULIDs of the start: the prefix lists newest first and a range of days is a
 * sort-key range), listed by agent, UTC day and outcome on gsi1-3; the room's claim (CALLROOM#<sid>)
 * makes the webhook and the worker agree on one call per room; a platform-wide CALLREF# finds the
 * org of a call from its id alone (the worker's events); the worker's events are claimed by their
 * id in the call's own partition. A call is created with its transcript's conversation in one
 * transaction, and changed only with a version condition.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { Call, type CallEvent, CallToolCall } from '../api/schemas/calls';
import type { Conversation, ConversationMessage } from '../api/schemas/conversations';
import type { CallRecord } from '../domain/calls';
import { batchGet } from './batch';
import { ddb, tableName } from './client';
import { conversationStart, messagePut } from './conversations';
import { keys } from './keys';
import { type Page, queryEveryPage, queryPage } from './page';
import { type TxItem, transact } from './transact';

const StoredCall = z.extend(z.omit(Call, { cost: true }), {
  roomSid: z.string(),
  pricing: z.object({ stt: z.nullable(z.string()), tts: z.nullable(z.string()), llm: z.string() }),
  workerJoined: z.boolean(),
  version: z.number().check(z.int()),
});

const parseCall = (item: Record<string, unknown>): CallRecord => StoredCall.parse(item);

function callPut(call: CallRecord, condition: { new: true } | { version: number }): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...StoredCall.parse(call),
        ...keys.call(call.orgId, call.id),
        ...keys.callIndexes(call),
        type: 'CALL',
      },
      ...('new' in condition
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': condition.version },
          }),
    },
  };
}

/**
 * Records the call with its room's claim, its lookup by id and its transcript's conversation, unless
 * the room's call is already recorded (false: nothing was written; read it with `findRoomCall`).
 */
export async function createCall(call: CallRecord, conversation: Conversation): Promise<boolean> {
  const outcome = await transact([
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.callRoom(call.orgId, call.roomSid), type: 'CALL_ROOM', callId: call.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    callPut(call, { new: true }),
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.callRef(call.id), type: 'CALL_REF', orgId: call.orgId, callId: call.id },
      },
    },
    ...conversationStart(conversation),
  ]);
  if (outcome.ok) return true;
  if (outcome.failed.includes(0)) return false;
  throw new Error(`call id ${call.id} collided`);
}

export async function getCall(orgId: string, callId: string): Promise<CallRecord | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.call(orgId, callId) }),
  );
  return Item && parseCall(Item);
}

/** The call a LiveKit room instance was recorded as, by whichever writer came first. */
export async function findRoomCall(orgId: string, roomSid: string): Promise<CallRecord | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.callRoom(orgId, roomSid) }),
  );
  return Item ? getCall(orgId, String(Item.callId)) : undefined;
}

/** A call by its id alone (the worker knows no org), through its platform-wide lookup. */
export async function findCallById(callId: string): Promise<CallRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.callRef(callId) }));
  return Item ? getCall(String(Item.orgId), callId) : undefined;
}

/** Saves a changed call unless another writer changed it since it was read (false: read it again). */
export async function saveCall(call: CallRecord, before: CallRecord): Promise<boolean> {
  const outcome = await transact([callPut(call, { version: before.version })]);
  return outcome.ok;
}

/** Which of these events of the call are recorded already (one BatchGet). */
export async function recordedEventIds(call: CallRecord, eventIds: readonly string[]): Promise<Set<string>> {
  const items = await batchGet(eventIds.map((id) => keys.callEvent(call.orgId, call.id, id)));
  return new Set(items.map((item) => String(item.eventId)));
}

/**
 * Records new events in one transaction: each claimed by its id, the sentences spoken as messages
 * of the transcript, and the call as it stands after them (version-checked). false when another
 * request recorded one of them or changed the call meanwhile: nothing was written.
 */
export async function recordEvents(
  before: CallRecord,
  after: CallRecord,
  events: readonly CallEvent[],
  messages: readonly ConversationMessage[],
): Promise<boolean> {
  const last = messages.at(-1);
  const outcome = await transact([
    ...events.map(
      (event): TxItem => ({
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.callEvent(before.orgId, before.id, event.id),
            type: 'CALL_EVENT',
            eventId: event.id,
            eventType: event.type,
            at: event.at,
            // Only tool calls are read back (the call detail); the rest is in the call and transcript.
            ...(event.type === 'tool'
              ? { name: event.name, arguments: event.arguments, result: event.result }
              : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
    ...messages.map((message) => messagePut(before.orgId, message)),
    callPut(after, { version: before.version }),
    ...(last
      ? [
          {
            Update: {
              TableName: tableName(),
              Key: keys.conversation(before.orgId, before.conversationId),
              UpdateExpression: 'SET messageCount = messageCount + :n, lastMessageAt = :at',
              ExpressionAttributeValues: { ':n': messages.length, ':at': last.createdAt },
            },
          },
        ]
      : []),
  ]);
  return outcome.ok;
}

/** The tool calls the worker recorded on the call, in the order they happened. */
export async function workerToolCalls(
  orgId: string,
  callId: string,
): Promise<z.infer<typeof CallToolCall>[]> {
  const items: Record<string, unknown>[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'eventType = :tool',
      ExpressionAttributeValues: {
        ':pk': keys.callPk(orgId, callId),
        ':prefix': keys.callEventPrefix,
        ':tool': 'tool',
      },
    },
    (page) => items.push(...(page.Items ?? [])),
  );
  return items
    .map((item) =>
      CallToolCall.parse({
        id: item.eventId,
        name: item.name,
        arguments: item.arguments,
        result: item.result,
        at: item.at,
        by: 'worker',
      }),
    )
    .sort((a, b) => a.at.localeCompare(b.at));
}

export async function listCalls(
  orgId: string,
  options: {
    agentId?: string | undefined;
    day?: string | undefined;
    outcome?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<Page<CallRecord>> {
  const list = options.agentId
    ? { index: 'gsi1' as const, partition: keys.callsOfAgent(orgId, options.agentId) }
    : options.day
      ? { index: 'gsi2' as const, partition: keys.callsOfDay(orgId, options.day) }
      : options.outcome
        ? { index: 'gsi3' as const, partition: keys.callsOfOutcome(orgId, options.outcome) }
        : { partition: keys.org(orgId).pk, sortPrefix: keys.callPrefix };
  const page = await queryPage({ ...list, limit: options.limit, cursor: options.cursor, newestFirst: true });
  return { ...page, items: page.items.map(parseCall) };
}

/**
 * Every call whose id (its start) falls in [fromId, toId]: one Query on the org partition's CALL#
 * range, read to the end (the summary of at most 92 days).
 */
export async function callsBetween(orgId: string, fromId: string, toId: string): Promise<CallRecord[]> {
  const calls: CallRecord[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.org(orgId).pk,
        ':from': keys.call(orgId, fromId).sk,
        ':to': keys.call(orgId, toId).sk,
      },
    },
    (page) => calls.push(...(page.Items ?? []).map(parseCall)),
  );
  return calls;
}
