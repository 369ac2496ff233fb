/**
 * Paging cursors: DynamoDB's LastEvaluatedKey plus the list it was read from (index, partition,
 * sort-key prefix or range, filter expression), signed. A client can neither read structure into it
 * nor edit it: a changed byte fails the signature, and a genuine cursor from another list (another
 * tenant's partition, or another list of the same partition, whose key DynamoDB would refuse as a
 * start key) fails the list check. A filter's values are not bound (the invites-for-me filter
 * compares with the clock, which moves between pages): a cursor of one filter value used with
 * another continues in the same partition, which the caller may list anyway.
 */

import { sign, verifySignature } from '../adapters/signing';
import { refusals } from '../domain/refusal';

type Key = Record<string, unknown>;

/** Where a list reads from: a partition value and the key attribute holding it (pk, gsi1pk...). */
export interface Partition {
  attribute: string;
  value: string;
  /** The sort-key prefix the list is limited to, if any (members and invites share a partition). */
  sortPrefix?: string | undefined;
  /** The sort-key range the list is limited to, if any (audit entries between two times). */
  sortRange?: SortRange | undefined;
  /** The list's filter expression, if any. */
  filter?: string | undefined;
}

/** Sort keys from `from` to `to`, both inclusive (DynamoDB's BETWEEN); either end may be open. */
export interface SortRange {
  from?: string | undefined;
  to?: string | undefined;
}

// Lists without a range or filter keep the identity their cursors had before those were bound.
const listOf = ({ attribute, sortPrefix, sortRange, filter }: Partition) =>
  [
    attribute,
    sortPrefix ?? '',
    ...(sortRange ? [JSON.stringify([sortRange.from ?? null, sortRange.to ?? null])] : []),
    ...(filter ? [filter] : []),
  ].join('\n');

const purpose = 'cursor';
const invalid = refusals.invalidCursor;

export async function encodeCursor(partition: Partition, lastKey: Key | undefined) {
  if (!lastKey) return undefined;
  const payload = Buffer.from(
    JSON.stringify({ p: partition.value, l: listOf(partition), k: lastKey }),
  ).toString('base64url');
  return `${payload}.${await sign(purpose, payload)}`;
}

export async function decodeCursor(
  partition: Partition,
  cursor: string | undefined,
): Promise<Key | undefined> {
  if (cursor === undefined) return undefined;
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid();
  if (!(await verifySignature(purpose, payload, signature))) throw invalid();
  let decoded: { p?: unknown; l?: unknown; k?: Key };
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    decoded.p !== partition.value ||
    decoded.l !== listOf(partition) ||
    decoded.k?.[partition.attribute] !== partition.value
  )
    throw invalid();
  return decoded.k;
}
