import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DiffLine, diffLines, diffStats } from '../../web/src/app/diff';

const marked = (diff: DiffLine[]) =>
  diff.map((l) => `${l.kind === 'added' ? '+' : l.kind === 'removed' ? '-' : ' '}${l.text}`);

/** What each side of a diff reads as: the old text from its kept and removed lines, the new from kept and added. */
const sides = (diff: DiffLine[]) => ({
  before: diff.filter((l) => l.kind !== 'added').map((l) => l.text),
  after: diff.filter((l) => l.kind !== 'removed').map((l) => l.text),
});

describe('diffLines', () => {
  it('marks a changed line as removed then added, and keeps the lines around it', () => {
    expect(marked(diffLines('one\ntwo\nthree', 'one\n2\nthree'))).toEqual([' one', '-two', '+2', ' three']);
  });

  it('numbers lines in the old and the new text', () => {
    expect(diffLines('a\nb', 'x\na\nb')).toEqual([
      { kind: 'added', text: 'x', newLine: 1 },
      { kind: 'same', text: 'a', oldLine: 1, newLine: 2 },
      { kind: 'same', text: 'b', oldLine: 2, newLine: 3 },
    ]);
    expect(diffLines('a\nb\nc', 'a\nc')).toEqual([
      { kind: 'same', text: 'a', oldLine: 1, newLine: 1 },
      { kind: 'removed', text: 'b', oldLine: 2 },
      { kind: 'same', text: 'c', oldLine: 3, newLine: 2 },
    ]);
  });

  it('keeps the longest run of common lines when lines move', () => {
    const diff = diffLines('a\nb\nc\nd', 'b\nc\nd\na');
    expect(marked(diff)).toEqual(['-a', ' b', ' c', ' d', '+a']);
  });

  it('treats Windows line endings like Unix ones', () => {
    expect(diffStats(diffLines('a\r\nb', 'a\nb'))).toEqual({ added: 0, removed: 0 });
  });

  it('shows an oversized rewrite as the old middle removed and the new one added', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join('\n');
    const diff = diffLines(`head\n${before}\ntail`, `head\n${after}\ntail`);
    expect(diffStats(diff)).toEqual({ added: 3000, removed: 3000 });
    expect(diff[0]).toEqual({ kind: 'same', text: 'head', oldLine: 1, newLine: 1 });
    expect(diff.at(-1)).toEqual({ kind: 'same', text: 'tail', oldLine: 3002, newLine: 3002 });
  });

  it('always rebuilds both texts, and marks nothing when they are equal', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 30 })
      .map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = diffLines(before, after);
        expect(sides(diff)).toEqual({ before: before.split('\n'), after: after.split('\n') });
        if (before === after) expect(diffStats(diff)).toEqual({ added: 0, removed: 0 });
      }),
    );
  });

  it('is minimal: the kept lines are a longest common subsequence', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 9 });
    const lcsLength = (a: string[], b: string[]): number =>
      a.length === 0 || b.length === 0
        ? 0
        : a[0] === b[0]
          ? 1 + lcsLength(a.slice(1), b.slice(1))
          : Math.max(lcsLength(a.slice(1), b), lcsLength(a, b.slice(1)));
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const kept = diffLines(a.join('\n'), b.join('\n')).filter((l) => l.kind === 'same').length;
        // join of [] is '' which reads as one empty line on both sides.
        const asLines = (x: string[]) => (x.length === 0 ? [''] : x);
        expect(kept).toBe(lcsLength(asLines(a), asLines(b)));
      }),
    );
  });
});
