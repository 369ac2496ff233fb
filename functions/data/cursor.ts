/**
 * Paging cursors: DynamoDB's LastEvaluatedKey plus the list it was read from (index, partition and
 * sort-key prefix), signed. A client can neither read structure into it nor edit it: a changed byte
 * fails the signature, and a genuine cursor from another list (another tenant's partition, or
 * another list of the same partition, whose key DynamoDB would refuse as a start key) fails the list check.
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
}

const listOf = (partition: Partition) => `${partition.attribute}\n${partition.sortPrefix ?? ''}`;

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
