/** One page of one partition: the only way lists read the table (a single Query, never a Scan). */
import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import type { IndexName } from './table-definition';

export interface PageRequest {
  /** Omit for the table's own keys (pk/sk). */
  index?: IndexName;
  partition: string;
  /** Only sort keys starting with this. */
  sortPrefix?: string;
  limit: number;
  cursor: string | undefined;
  newestFirst?: boolean;
  /** Extra condition on the items (DynamoDB FilterExpression with its values). */
  filter?: { expression: string; names?: Record<string, string>; values: Record<string, unknown> };
}

export interface Page<T = Record<string, unknown>> {
  items: T[];
  nextCursor?: string;
}

export async function queryPage(request: PageRequest): Promise<Page> {
  const pk = request.index ? `${request.index}pk` : 'pk';
  const sk = request.index ? `${request.index}sk` : 'sk';
  const partition = { attribute: pk, value: request.partition, sortPrefix: request.sortPrefix };
  const exclusiveStartKey = await decodeCursor(partition, request.cursor);
  const prefix = request.sortPrefix !== undefined;
  const { Items, LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      ...(request.index ? { IndexName: request.index } : {}),
      KeyConditionExpression: prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pk, ...(prefix ? { '#sk': sk } : {}), ...request.filter?.names },
      ExpressionAttributeValues: {
        ':pk': request.partition,
        ...(prefix ? { ':prefix': request.sortPrefix } : {}),
        ...request.filter?.values,
      },
      ...(request.filter ? { FilterExpression: request.filter.expression } : {}),
      Limit: request.limit,
      ExclusiveStartKey: exclusiveStartKey,
      ScanIndexForward: !request.newestFirst,
    }),
  );
  const nextCursor = await encodeCursor(partition, LastEvaluatedKey);
  return { items: Items ?? [], ...(nextCursor ? { nextCursor } : {}) };
}

/** Every page of a Query, one after another (whole-partition work: deletes, full syncs, counts). */
export async function queryEveryPage(
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  onPage: (page: QueryCommandOutput) => void,
): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey: start }),
    );
    onPage(page);
    start = page.LastEvaluatedKey;
  } while (start);
}
