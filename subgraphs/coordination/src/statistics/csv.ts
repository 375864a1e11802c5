/**
 * CSV export of a published statistic: UTF-8 with a byte order mark, so spreadsheet software
 * shows Chinese correctly, and CRLF line ends (RFC 4180). The rows are built from the same
 * suppressed figures the GraphQL field returns; a withheld figure is an empty cell.
 */
export type CsvCell = string | number | boolean | null | undefined;

const BOM = '\uFEFF';

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // A leading = + - @ would be read as a formula by spreadsheet software; no figure starts so.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return BOM + [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
