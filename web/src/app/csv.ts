import { addDays } from '../../../functions/domain/zoned-time';

/**
 * A CSV's file name for the days [from, to) the API counted: `to` is the day after the last one
 * shown, so the name carries the range's first and last day as the person picked them.
 */
export function rangeFileName(prefix: string, range: { from: string; to: string }): string {
  return `${prefix}-${range.from}-to-${addDays(range.to, -1)}.csv`;
}

/** Comma-separated text from rows of plain values (numbers, dates, ids: nothing needs quoting). */
export function csvOf(rows: readonly (readonly (string | number)[])[]): string {
  return `${rows.map((row) => row.join(',')).join('\n')}\n`;
}

/** Saves `csv` as a file the browser downloads, built here as a Blob (no server round trip). */
export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}
