/** Fixed-window rate buckets, counted inside the transaction of the action they limit. */
import { type CallLimits, callLimitRefusal, type RateLimit, windowOf } from '../domain/rate-limits';
import { tableName } from './client';
import { keys } from './keys';
import { type TxItem, transact } from './transact';

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

/**
 * Counts a costly call in the org's and the caller's bucket (one transaction: both or neither), or
 * throws the refusal of the bucket that is full. The buckets sit in the org's rate partition, so the
 * count changes nothing of the tenant itself.
 */
export async function countCall(
  orgId: string,
  callerId: string,
  limits: CallLimits,
  now: Date,
): Promise<void> {
  const window = (limit: RateLimit) => windowOf(limit, now).start;
  const outcome = await transact([
    rateHit(keys.orgCallBucket(orgId, limits.org.action, window(limits.org)), limits.org, now),
    rateHit(
      keys.callerCallBucket(orgId, callerId, limits.caller.action, window(limits.caller)),
      limits.caller,
      now,
    ),
  ]);
  if (!outcome.ok) throw callLimitRefusal(limits, outcome.failed.includes(0) ? 'org' : 'caller', now);
}
