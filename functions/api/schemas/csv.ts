/**
 * RFC 4180 CSV: comma-separated fields, double quotes around fields holding commas, quotes or line
 * breaks (a quote inside doubled), lines ending in CRLF or LF. Pure, so schemas can parse uploads.
 */
export function parseCsv(text: string): { rows: string[][] } | { error: string } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) return { error: 'has a quoted field that never ends' };
  if (field !== '' || row.length) rows.push([...row, field]);
  // Blank lines (a trailing newline's, say) are not rows.
  return { rows: rows.filter((r) => r.some((f) => f.trim() !== '')) };
}
