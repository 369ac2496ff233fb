/**
 * The local stand-in for Lambda's DynamoDB stream event source: reads DynamoDB Local's stream of
 * the table (DescribeTable's LatestStreamArn, then GetShardIterator/GetRecords on every shard,
 * polled about every 200 ms) and hands the records that pass the filter to the same handler the
 * deployed event source mapping invokes, in the Lambda DynamoDBStreamEvent shape. A batch the
 * handler reports as partly failed is retried from the first failed record, as Lambda does.
 */
import { DescribeTableCommand, type DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { tableDefinition } from '../../functions/data/table-definition';

/**
 * Lambda event filtering as the event source mapping applies it, for the patterns this project
 * writes: a record passes when any pattern matches; a pattern's object keys nest into the record,
 * its arrays list the allowed values (exact, or `{ prefix }`).
 */
export function matchesFilters(patterns: readonly unknown[], record: DynamoDBRecord): boolean {
  const matches = (pattern: unknown, value: unknown): boolean => {
    if (Array.isArray(pattern)) {
      return pattern.some((allowed) =>
        typeof allowed === 'object' && allowed !== null && 'prefix' in allowed
          ? typeof value === 'string' && value.startsWith(String(allowed.prefix))
          : value === allowed,
      );
    }
    if (typeof pattern !== 'object' || pattern === null || typeof value !== 'object' || value === null)
      return false;
    return Object.entries(pattern).every(([key, inner]) =>
      matches(inner, (value as Record<string, unknown>)[key]),
    );
  };
  return patterns.some((pattern) => matches(pattern, record));
}

export interface TableStreamOptions {
  client: DynamoDBClient;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  tableName: string;
  /** Lambda event filtering's role: which records invoke the handler. */
  filter(record: DynamoDBRecord): boolean;
  handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse | undefined>;
  pollMs?: number;
  maxRetries?: number;
}

export interface TableStream {
  stop(): Promise<void>;
}

/** The SDK's record, as Lambda delivers it (epoch seconds instead of a Date, the table's ARN as source). */
function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...dynamodb } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(dynamodb as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
    },
  };
}

async function streamArnOf(client: DynamoDBClient, tableName: string): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.LatestStreamArn && Table.StreamSpecification?.StreamEnabled) return Table.LatestStreamArn;
  // A test table (created without a stream, see createTableInput) or one kept with --persist from
  // before streams were part of the definition.
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
    }),
  );
  return streamArnOf(client, tableName);
}

export async function startTableStream(options: TableStreamOptions): Promise<TableStream> {
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'local',
    credentials: options.credentials,
  });
  const streamArn = await streamArnOf(options.client, options.tableName);
  const pollMs = options.pollMs ?? 200;
  const maxRetries = options.maxRetries ?? 3;
  /** Shard id -> the iterator to read next; null once a closed shard is read to its end. */
  const iterators = new Map<string, string | null>();
  let first = true;
  let stopped = false;

  const discoverShards = async () => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      // Shards open at start: from now on, as a new mapping at LATEST; shards born later: from their start.
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType:
            first && !shard.SequenceNumberRange?.EndingSequenceNumber ? 'LATEST' : 'TRIM_HORIZON',
        }),
      );
      iterators.set(shard.ShardId, ShardIterator ?? null);
    }
    first = false;
  };

  const deliver = async (records: DynamoDBRecord[]) => {
    let pending = records;
    for (let attempt = 0; pending.length > 0 && attempt <= maxRetries; attempt++) {
      const result = await options.handler({ Records: pending }).catch(() => ({
        batchItemFailures: [{ itemIdentifier: pending[0]!.dynamodb?.SequenceNumber ?? '' }],
      }));
      const failedAt = result?.batchItemFailures[0]?.itemIdentifier;
      if (failedAt === undefined) return;
      const index = pending.findIndex((r) => r.dynamodb?.SequenceNumber === failedAt);
      pending = pending.slice(Math.max(index, 0));
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };

  const poll = async () => {
    await discoverShards();
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const { Records = [], NextShardIterator } = await streams.send(
        new GetRecordsCommand({ ShardIterator: iterator }),
      );
      iterators.set(shardId, NextShardIterator ?? null);
      const records = Records.map((r) => lambdaRecord(r, streamArn)).filter(options.filter);
      if (records.length > 0) await deliver(records);
    }
  };

  await discoverShards();
  const loop = (async () => {
    while (!stopped) {
      try {
        await poll();
      } catch (error) {
        if (!stopped) console.error('local table stream:', error instanceof Error ? error.message : error);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      streams.destroy();
    },
  };
}
