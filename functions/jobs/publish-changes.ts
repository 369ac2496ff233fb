/**
 * The table's stream -> the orgs' live channels. Every write to a task item, whichever path made
 * it (the API, a webhook, a worker), reaches this function through the DynamoDB stream, which is
 * why no write path can forget to tell the board. The event source mapping filters on the task key
 * prefix (`streamFilter`), so other items never invoke it; the same check runs here for the local
 * stack's stream reader and as a guard.
 *
 * Events keep the stream's order per org: consecutive changes of one org go out together (five per
 * publish, AppSync's limit), and when a publish fails the batch reports the first record not yet
 * published, so Lambda retries from there and nothing after it is skipped.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { maxEventsPerPublish, publishEvents } from '../adapters/live-events';
import { channelOf, TaskChangeEvent } from '../api/live';
import { keys } from '../data/keys';
import { taskFromImage } from '../data/tasks';
import { logger } from '../lib/logger';

/** Lambda event filtering: only records whose sort key is a task's invoke the publisher. */
export const streamFilter = { dynamodb: { Keys: { sk: { S: [{ prefix: keys.taskPrefix }] } } } };

export function isTaskRecord(record: DynamoDBRecord): boolean {
  return record.dynamodb?.Keys?.sk?.S?.startsWith(keys.taskPrefix) ?? false;
}

/** Task items live in their org's partition: `ORG#<orgId>`. */
const orgPartitionPrefix = keys.org('').pk;

/** The org and the board's view of one task change, or undefined when the record is not a task's. */
export function changeOf(record: DynamoDBRecord): { orgId: string; event: TaskChangeEvent } | undefined {
  if (!isTaskRecord(record)) return undefined;
  const { Keys, NewImage, OldImage } = record.dynamodb ?? {};
  const image = NewImage ?? OldImage;
  const orgId = Keys?.pk?.S?.slice(orgPartitionPrefix.length);
  // Lambda's images are the SDK's attribute values in JSON (binary as base64, which tasks never hold).
  const task = image ? taskFromImage(image as Parameters<typeof taskFromImage>[0]) : undefined;
  if (!orgId || !task) {
    // Redelivery cannot fix the item; the board still shows the task after its next reload.
    logger.error('task change not published: the item does not parse', { orgId, key: Keys?.sk?.S });
    return undefined;
  }
  const kind =
    record.eventName === 'INSERT' ? 'created' : record.eventName === 'REMOVE' ? 'deleted' : 'updated';
  // Parsing through the event schema keeps exactly its fields: never content, metadata or addresses.
  return { orgId, event: TaskChangeEvent.parse({ ...task, kind, taskId: task.id }) };
}

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  logger.setContext({ job: 'publish-changes' });
  const records = event.Records;
  let i = 0;
  while (i < records.length) {
    const first = records[i]!;
    const change = changeOf(first);
    if (!change) {
      i += 1;
      continue;
    }
    // The run of consecutive changes of the same org, up to one publish's worth.
    const batch = [change.event];
    let j = i + 1;
    while (j < records.length && batch.length < maxEventsPerPublish) {
      const next = changeOf(records[j]!);
      if (next && next.orgId !== change.orgId) break;
      if (next) batch.push(next.event);
      j += 1;
    }
    try {
      await publishEvents(channelOf(change.orgId, 'tasks'), batch);
    } catch (error) {
      logger.error('publishing task changes failed', { orgId: change.orgId, count: batch.length, error });
      return { batchItemFailures: [{ itemIdentifier: first.dynamodb?.SequenceNumber ?? '' }] };
    }
    i = j;
  }
  return { batchItemFailures: [] };
}
