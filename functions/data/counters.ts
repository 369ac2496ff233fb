/**
 * Quarter-hour counter items (the tasks and the conversations summaries, domain/day-buckets.ts):
 * writes ADD to them inside the transaction that changes what they count, reads take a range of
 * them with one Query.
 */
import * as z from 'zod/mini';
import { agentCounterPrefix, type BucketCounts } from '../domain/day-buckets';
import { tableName } from './client';
import { keys } from './keys';
import { queryEveryPage } from './page';
import type { TxItem } from './transact';

type CounterKey = (orgId: string, bucket: string) => { pk: string; sk: string };

/** Adds to the counters of one quarter hour (ADD creates them at 0). */
export function counterAdd(
  key: { pk: string; sk: string },
  type: string,
  deltas: readonly (readonly [string, number])[],
): TxItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':type': type };
  const adds = deltas.map(([counter, delta], i) => {
    names[`#c${i}`] = counter;
    values[`:d${i}`] = delta;
    return `#c${i} :d${i}`;
  });
  return {
    Update: {
      TableName: tableName(),
      Key: key,
      UpdateExpression: `SET #type = :type ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: { ...names, '#type': 'type' },
      ExpressionAttributeValues: values,
    },
  };
}

const CounterItem = z.looseObject({ sk: z.string() });

/**
 * The counters of the quarter hours from `first` to `last` (both included): one Query, paged past
 * 1 MB. Only the attributes named in `counters` or per agent are counts; the rest are the keys.
 */
export async function readCounters(
  orgId: string,
  key: CounterKey,
  counters: readonly string[],
  first: string,
  last: string,
): Promise<BucketCounts[]> {
  const found: BucketCounts[] = [];
  const skPrefix = key(orgId, '').sk;
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': keys.org(orgId).pk,
        ':first': key(orgId, first).sk,
        ':last': key(orgId, last).sk,
      },
    },
    (page) => {
      for (const raw of page.Items ?? []) {
        const item = CounterItem.parse(raw);
        const counts = Object.fromEntries(
          Object.entries(item).flatMap(([name, count]) =>
            typeof count === 'number' && (counters.includes(name) || name.startsWith(agentCounterPrefix))
              ? [[name, count]]
              : [],
          ),
        );
        found.push({ bucket: item.sk.slice(skPrefix.length), counts });
      }
    },
  );
  return found;
}
