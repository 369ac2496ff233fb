/**
 * The one table definition. CDK (infra/stacks/data-stack.ts) and DynamoDB Local
 * (infra/local/dynamodb.ts, tests) both build the table from this object, so the
 * deployed and local tables cannot drift apart. Type-only SDK import keeps CDK free of the SDK.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
  /** Epoch seconds; TTL removes expired invites, OAuth states and old audit entries. */
  ttlAttribute: 'expiresAt',
  /**
   * Live updates are published from the table's stream (functions/jobs/publish-changes.ts), so no
   * write path can forget one; the publisher needs the old image too, to tell what a change removed.
   */
  streamViewType: 'NEW_AND_OLD_IMAGES',
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];

/**
 * `stream: false` is for test tables: DynamoDB Local keeps every stream record, even a deleted
 * table's, and each later write gets slower with their number (README "Tests"). The local
 * stream poller turns the stream on where it reads one.
 */
export function createTableInput(tableName: string, { stream = true } = {}): CreateTableCommandInput {
  const { partitionKey, sortKey, globalSecondaryIndexes } = tableDefinition;
  const attributeNames = [
    partitionKey,
    sortKey,
    ...globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    ...(stream && {
      StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
    }),
    AttributeDefinitions: attributeNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' },
        { AttributeName: g.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
