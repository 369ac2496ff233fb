/**
 * TransactWriteItems for writes that must agree. Concurrent transactions on the same item are
 * cancelled with TransactionConflict rather than serialized, so those are retried with jitter;
 * a failed condition is an answer, reported by item index for the caller to explain.
 */
import { type AttributeValue, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { refusals } from '../domain/refusal';
import { ddb } from './client';
import { failedConditions } from './errors';

export type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/**
 * `old`: for items written with ReturnValuesOnConditionCheckFailure 'ALL_OLD', the item as it
 * stood when its condition failed (raw attribute values, by index), so no re-read is needed.
 */
export type TxOutcome =
  | { ok: true }
  | { ok: false; failed: number[]; old: (Record<string, AttributeValue> | undefined)[] };

const attempts = 10;

function isConflict(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict')
  );
}

export async function transact(items: TxItem[]): Promise<TxOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ddb().send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (error) {
      const failed = failedConditions(error);
      if (failed) {
        const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
        return { ok: false, failed, old: reasons.map((r) => r.Item) };
      }
      if (!isConflict(error)) throw error;
      if (attempt === attempts) throw refusals.busy();
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
