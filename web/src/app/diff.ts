/**
 * A line diff of two texts (prompt versions), computed in the browser: the longest common
 * subsequence of lines is kept, the rest is removed from the old text or added in the new.
 */

export type DiffLine =
  | { kind: 'same'; text: string; oldLine: number; newLine: number }
  | { kind: 'removed'; text: string; oldLine: number }
  | { kind: 'added'; text: string; newLine: number };

/**
 * The table is (old lines × new lines) after the shared head and tail are set aside; past this many
 * cells (a 32 KB prompt rewritten line by line could ask for hundreds of millions) the middle is
 * shown as removed then added, which is still a correct diff, only not a minimal one.
 */
const maxCells = 4_000_000;

const linesOf = (text: string) => text.replace(/\r\n?/g, '\n').split('\n');

export function diffLines(before: string, after: string): DiffLine[] {
  const a = linesOf(before);
  const b = linesOf(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail += 1;
  }
  const oldMid = a.slice(head, a.length - tail);
  const newMid = b.slice(head, b.length - tail);

  const same = (from: number, to: number, delta: number): DiffLine[] =>
    a.slice(from, to).map((text, i) => ({
      kind: 'same',
      text,
      oldLine: from + i + 1,
      newLine: from + i + 1 + delta,
    }));

  return [
    ...same(0, head, 0),
    ...middle(oldMid, newMid, head),
    ...same(a.length - tail, a.length, b.length - a.length),
  ];
}

/** The diff of the differing middle, whose first lines are line `offset + 1` of both texts. */
function middle(a: string[], b: string[], offset: number): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const removed = (i: number): DiffLine => ({ kind: 'removed', text: a[i]!, oldLine: offset + i + 1 });
  const added = (j: number): DiffLine => ({ kind: 'added', text: b[j]!, newLine: offset + j + 1 });
  if (n * m > maxCells) {
    return [...a.map((_, i) => removed(i)), ...b.map((_, j) => added(j))];
  }
  // lcs[i * (m + 1) + j]: the longest common subsequence of a[i..] and b[j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]!, oldLine: offset + i + 1, newLine: offset + j + 1 });
      i += 1;
      j += 1;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      // Removals before additions: a changed line reads as "- old" then "+ new".
      out.push(removed(i));
      i += 1;
    } else {
      out.push(added(j));
      j += 1;
    }
  }
  for (; i < n; i += 1) out.push(removed(i));
  for (; j < m; j += 1) out.push(added(j));
  return out;
}

/** How many lines a diff adds and removes. */
export function diffStats(diff: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff) {
    if (line.kind === 'added') added += 1;
    else if (line.kind === 'removed') removed += 1;
  }
  return { added, removed };
}
