/** RFC 4180 CSV with CRLF lines; cells starting with = + - @ get a leading ' (no spreadsheet formulas), as the gateway's CSV. */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    if (/^[=+\-@]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Joins CSV pages of one query (each page starts with the same header line) into one document. */
export function joinCsvPages(pages: readonly string[]): string {
  if (!pages.length) return '';
  const [first, ...rest] = pages;
  return first + rest.map((p) => p.slice(p.indexOf('\r\n') + 2)).join('');
}
