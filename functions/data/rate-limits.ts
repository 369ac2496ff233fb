/** Fixed-window rate buckets, counted inside the transaction of the action they limit. */
import { type RateLimit, windowOf } from '../domain/rate-limits';
import { tableName } from './client';
import type { TxItem } from './transact';

/** One more hit in the bucket at `key`, refused (condition) once the window holds `limit` hits. */
export function rateHit(key: { pk: string; sk: string }, limit: RateLimit, now: Date): TxItem {
  return {
    Update: {
      TableName: tableName(),
      Key: key,
      UpdateExpression: 'SET hits = if_not_exists(hits, :zero) + :one, expiresAt = :expiresAt, #type = :type',
      ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ':zero': 0,
        ':one': 1,
        ':limit': limit.limit,
        ':expiresAt': windowOf(limit, now).expiresAt,
        ':type': 'RATE_BUCKET',
      },
    },
  };
}
