import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type Partition } from '../../functions/data/cursor';
import { Refusal } from '../../functions/domain/refusal';
import { problemFor } from '../../functions/http/pipeline/refusals';
import { Problem } from '../../functions/lib/problem';

const partition = { attribute: 'pk', value: 'ORG#org_A' };
const lastKey = { pk: 'ORG#org_A', sk: 'MEMBER#usr_1' };

async function refusal(cursor: string, where: Partition = partition) {
  try {
    await decodeCursor(where, cursor);
  } catch (error) {
    // What the client sees: the pipeline's rendering of the store's refusal.
    return error instanceof Refusal ? problemFor(error) : error;
  }
  return undefined;
}

describe('paging cursors', () => {
  it('round-trips the last key of its own partition and is absent on the last page', async () => {
    const cursor = (await encodeCursor(partition, lastKey))!;
    expect(await decodeCursor(partition, cursor)).toEqual(lastKey);
    expect(await encodeCursor(partition, undefined)).toBeUndefined();
    expect(await decodeCursor(partition, undefined)).toBeUndefined();
  });

  it('refuses a genuine cursor of another partition or key attribute', async () => {
    const cursor = (await encodeCursor(partition, lastKey))!;
    expect(await refusal(cursor, { attribute: 'pk', value: 'ORG#org_B' })).toBeInstanceOf(Problem);
    expect(await refusal(cursor, { attribute: 'gsi1pk', value: 'ORG#org_A' })).toBeInstanceOf(Problem);
  });

  it('refuses a genuine cursor of another list of the same partition', async () => {
    const members = { ...partition, sortPrefix: 'MEMBER#' };
    const cursor = (await encodeCursor(members, lastKey))!;
    expect(await decodeCursor(members, cursor)).toEqual(lastKey);
    expect(await refusal(cursor, { ...partition, sortPrefix: 'INVITE#' })).toBeInstanceOf(Problem);
    expect(await refusal(cursor, partition)).toBeInstanceOf(Problem);
  });

  it('refuses a genuine cursor of another sort-key range or filter expression of the partition', async () => {
    const audit = { attribute: 'pk', value: 'ORG#org_A#AUDIT' };
    const ranged = { ...audit, sortRange: { from: '2030-01-01T00:00:00.000Z' } };
    const auditKey = { pk: audit.value, sk: '2030-01-02T00:00:00.000Z#aud_1' };
    const cursor = (await encodeCursor(ranged, auditKey))!;
    expect(await decodeCursor(ranged, cursor)).toEqual(auditKey);
    expect(await refusal(cursor, audit)).toBeInstanceOf(Problem);
    expect(await refusal(cursor, { ...audit, sortRange: { to: '2030-01-01T00:00:00.000Z' } })).toBeInstanceOf(
      Problem,
    );
    expect(await refusal(cursor, { ...ranged, filter: '#action = :action' })).toBeInstanceOf(Problem);
    const unfiltered = (await encodeCursor(audit, auditKey))!;
    expect(await refusal(unfiltered, ranged)).toBeInstanceOf(Problem);
  });

  it('refuses any edit of a cursor with a 400 naming the cursor', async () => {
    const cursor = (await encodeCursor(partition, lastKey))!;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(cursor.length - 1),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'.split('')),
        async (at, ch) => {
          fc.pre(cursor[at] !== ch);
          const edited = cursor.slice(0, at) + ch + cursor.slice(at + 1);
          const error = (await refusal(edited)) as Problem | undefined;
          // A base64url character can decode to the same bytes (unused trailing bits); that is no edit.
          if (error === undefined) expect(await decodeCursor(partition, edited)).toEqual(lastKey);
          else expect([error.status, error.errors?.[0]?.field]).toEqual([400, 'cursor']);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses garbage', async () => {
    for (const garbage of ['', '.', 'abc', 'a.b.c', `${Buffer.from('{}').toString('base64url')}.x`]) {
      expect(await refusal(garbage)).toBeInstanceOf(Problem);
    }
  });
});
