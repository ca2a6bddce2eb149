import type { ExportColumn } from './shot-columns.js';

function csvField(value: number | boolean | string | null, kind: ExportColumn['kind']): string {
  if (value === null) return '';
  if (kind === 'timestamp') return new Date(value as number).toISOString();
  const text = String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The columns as CSV (RFC 4180): a header line, then one line per shot; times in ISO 8601 UTC,
 * missing values empty, fields with commas, quotes or line breaks quoted.
 */
export function toCsv(columns: readonly ExportColumn[]): string {
  const rows = columns[0]?.values.length ?? 0;
  const lines = [columns.map((c) => csvField(c.name, 'text')).join(',')];
  for (let r = 0; r < rows; r++) {
    lines.push(columns.map((c) => csvField(c.values[r] ?? null, c.kind)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
