/**
 * BatchWriteItem and BatchGetItem over any number of items: split into the API's chunk sizes, a
 * few chunks in flight, and whatever DynamoDB leaves unprocessed retried with jittered backoff.
 */
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { chunks, forEachConcurrently } from '../lib/pool';
import { ddb, tableName } from './client';

type Item = Record<string, unknown>;
export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

const writeChunk = 25;
const readChunk = 100;
const inFlight = 4;
const maxAttempts = 9;

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));

/** Sends `first`, then whatever each answer leaves unprocessed, until nothing is left. */
async function untilProcessed<T>(what: string, first: T[], send: (pending: T[]) => Promise<T[]>) {
  let pending = first;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= maxAttempts) throw new Error(`DynamoDB kept ${what} unprocessed`);
    if (attempt > 0) await pause(attempt);
    pending = await send(pending);
  }
}

export async function batchWrite(requests: readonly WriteRequest[]): Promise<void> {
  await forEachConcurrently(chunks(requests, writeChunk), inFlight, (chunk) =>
    untilProcessed('a batch write', chunk, async (pending) => {
      const { UnprocessedItems } = await ddb().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }),
      );
      return (UnprocessedItems?.[tableName()] ?? []) as WriteRequest[];
    }),
  );
}

export async function batchDelete(keys: readonly { pk: unknown; sk: unknown }[]): Promise<void> {
  await batchWrite(keys.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })));
}

/** Every item stored under these keys (missing ones are simply absent), in no particular order. */
export async function batchGet(keys: readonly Item[], projection?: string): Promise<Item[]> {
  const found: Item[] = [];
  await forEachConcurrently(chunks(keys, readChunk), inFlight, (chunk) =>
    untilProcessed('a batch read', chunk, async (pending) => {
      const { Responses, UnprocessedKeys } = await ddb().send(
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: { Keys: pending, ...(projection ? { ProjectionExpression: projection } : {}) },
          },
        }),
      );
      found.push(...(Responses?.[tableName()] ?? []));
      return (UnprocessedKeys?.[tableName()]?.Keys ?? []) as Item[];
    }),
  );
  return found;
}
