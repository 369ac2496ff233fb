/**
 * The table's stream -> the orgs' live channels. Every write to a task item, whichever path made
 * it (the API, a webhook, a worker), reaches this function through the DynamoDB stream, which is
 * why no write path can forget to tell the board. So does every loss of access: a membership
 * removed (removal, leaving, the org deleted) or an org suspended goes out on the org's access
 * channel, so the sites still listening stop (README "Live updates and presence"). The event source
 * mapping filters on these records (`streamFilters`), so other items never invoke it; the local
 * stack's stream reader applies the same patterns, and `changeOf` passes over anything else.
 *
 * Events keep the stream's order: consecutive changes for the same channel go out together (five
 * per publish, AppSync's limit), and when a publish fails the batch reports the first record not
 * yet published, so Lambda retries from there and nothing after it is skipped.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { maxEventsPerPublish, publishEvents } from '../adapters/live-events';
import { type AccessEvent, channelOf, TaskChangeEvent } from '../api/live';
import { keys } from '../data/keys';
import { taskFromImage } from '../data/tasks';
import { logger } from '../lib/logger';

const suspended = 'suspended';

/**
 * Lambda event filtering (any one pattern lets a record in): every task change, a membership's
 * removal, and an org item written with status suspended (the handler keeps the first such write).
 */
export const streamFilters = [
  { dynamodb: { Keys: { sk: { S: [{ prefix: keys.taskPrefix }] } } } },
  { eventName: ['REMOVE'], dynamodb: { Keys: { sk: { S: [{ prefix: keys.membershipPrefix }] } } } },
  {
    eventName: ['MODIFY'],
    dynamodb: { Keys: { sk: { S: [keys.org('').sk] } }, NewImage: { status: { S: [suspended] } } },
  },
];

/** Tenant items live in their org's partition: `ORG#<orgId>`. */
const orgPartitionPrefix = keys.org('').pk;

export interface LiveChange {
  orgId: string;
  channel: string;
  event: TaskChangeEvent | AccessEvent;
}

/** The board's view of one task change, or undefined when the record is not a task's. */
function taskChange(record: DynamoDBRecord, orgId: string): LiveChange | undefined {
  const { Keys, NewImage, OldImage } = record.dynamodb ?? {};
  const image = NewImage ?? OldImage;
  // Lambda's images are the SDK's attribute values in JSON (binary as base64, which tasks never hold).
  const task = image ? taskFromImage(image as Parameters<typeof taskFromImage>[0]) : undefined;
  if (!task) {
    // Redelivery cannot fix the item; the board still shows the task after its next reload.
    logger.error('task change not published: the item does not parse', { orgId, key: Keys?.sk?.S });
    return undefined;
  }
  const kind =
    record.eventName === 'INSERT' ? 'created' : record.eventName === 'REMOVE' ? 'deleted' : 'updated';
  // Parsing through the event schema keeps exactly its fields: ids and a version, nothing the task says.
  const event = TaskChangeEvent.parse({ ...task, kind, taskId: task.id });
  return { orgId, channel: channelOf(orgId, 'tasks'), event };
}

/** The org's channel and event for one record the filters let in, or undefined for any other. */
export function changeOf(record: DynamoDBRecord): LiveChange | undefined {
  const { Keys, NewImage, OldImage } = record.dynamodb ?? {};
  const sk = Keys?.sk?.S ?? '';
  const orgId = Keys?.pk?.S?.startsWith(orgPartitionPrefix)
    ? Keys.pk.S.slice(orgPartitionPrefix.length)
    : undefined;
  if (!orgId) return undefined;
  if (sk.startsWith(keys.taskPrefix)) return taskChange(record, orgId);
  const access = (event: AccessEvent): LiveChange => ({ orgId, channel: channelOf(orgId, 'access'), event });
  if (sk.startsWith(keys.membershipPrefix) && record.eventName === 'REMOVE') {
    return access({ kind: 'revoked', userId: sk.slice(keys.membershipPrefix.length) });
  }
  // Every role may hear every channel, so a role change never loses one: only removal revokes.
  const becameSuspended =
    sk === keys.org('').sk &&
    record.eventName === 'MODIFY' &&
    NewImage?.status?.S === suspended &&
    OldImage?.status?.S !== suspended;
  return becameSuspended ? access({ kind: 'suspended' }) : undefined;
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
    // The run of consecutive changes for the same channel, up to one publish's worth.
    const batch = [change.event];
    let j = i + 1;
    while (j < records.length && batch.length < maxEventsPerPublish) {
      const next = changeOf(records[j]!);
      if (next && next.channel !== change.channel) break;
      if (next) batch.push(next.event);
      j += 1;
    }
    try {
      await publishEvents(change.channel, batch);
    } catch (error) {
      logger.error('publishing live changes failed', { channel: change.channel, count: batch.length, error });
      return { batchItemFailures: [{ itemIdentifier: first.dynamodb?.SequenceNumber ?? '' }] };
    }
    i = j;
  }
  return { batchItemFailures: [] };
}
