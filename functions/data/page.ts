/** One page of one partition: the only way lists read the table (a single Query, never a Scan). */
import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { decodeCursor, encodeCursor, type Partition, type SortRange } from './cursor';
import type { IndexName } from './table-definition';

interface PageRequestBase {
  /** Omit for the table's own keys (pk/sk). */
  index?: IndexName;
  partition: string;
  limit: number;
  cursor: string | undefined;
  newestFirst?: boolean;
  /** Extra condition on the items (DynamoDB FilterExpression with its values). */
  filter?: { expression: string; names?: Record<string, string>; values: Record<string, unknown> };
}

/** A list reads sort keys with a prefix, or in a range, or all of the partition. */
export type PageRequest = PageRequestBase &
  (
    | { /** Only sort keys starting with this. */ sortPrefix?: string; sortRange?: undefined }
    | { sortPrefix?: undefined; sortRange: SortRange }
  );

/** The key condition of a list: the partition, narrowed by a sort-key prefix or range. */
function keyCondition(request: PageRequest) {
  const names: Record<string, string> = { '#pk': request.index ? `${request.index}pk` : 'pk' };
  const values: Record<string, unknown> = { ':pk': request.partition };
  const sk = request.index ? `${request.index}sk` : 'sk';
  const { sortPrefix, sortRange } = request;
  let sortCondition: string | undefined;
  if (sortPrefix !== undefined) {
    sortCondition = 'begins_with(#sk, :prefix)';
    values[':prefix'] = sortPrefix;
  } else if (sortRange?.from !== undefined && sortRange.to !== undefined) {
    sortCondition = '#sk BETWEEN :from AND :to';
    Object.assign(values, { ':from': sortRange.from, ':to': sortRange.to });
  } else if (sortRange?.from !== undefined) {
    sortCondition = '#sk >= :from';
    values[':from'] = sortRange.from;
  } else if (sortRange?.to !== undefined) {
    sortCondition = '#sk <= :to';
    values[':to'] = sortRange.to;
  }
  if (sortCondition) names['#sk'] = sk;
  return {
    expression: sortCondition ? `#pk = :pk AND ${sortCondition}` : '#pk = :pk',
    names,
    values,
  };
}

export interface Page<T = Record<string, unknown>> {
  items: T[];
  nextCursor?: string;
}

export async function queryPage(request: PageRequest): Promise<Page> {
  const partition: Partition = {
    attribute: request.index ? `${request.index}pk` : 'pk',
    value: request.partition,
    sortPrefix: request.sortPrefix,
    sortRange: request.sortRange,
    filter: request.filter?.expression,
  };
  const exclusiveStartKey = await decodeCursor(partition, request.cursor);
  const key = keyCondition(request);
  const { Items, LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      ...(request.index ? { IndexName: request.index } : {}),
      KeyConditionExpression: key.expression,
      ExpressionAttributeNames: { ...key.names, ...request.filter?.names },
      ExpressionAttributeValues: { ...key.values, ...request.filter?.values },
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
