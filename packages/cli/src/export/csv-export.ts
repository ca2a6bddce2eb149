import type { ShotColumn } from '@shotline/core';
import type { ByteSink } from './byte-sink.js';
import type { ShotBatch } from './export-plan.js';

function csvField(value: number | boolean | string | null, kind: ShotColumn['kind']): string {
  if (value === null) return '';
  if (kind === 'timestamp') return new Date(value as number).toISOString();
  const text = String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes the columns as CSV (RFC 4180), batch by batch: a header line, then one line per shot;
 * times in ISO 8601 UTC, missing values empty, fields with commas, quotes or line breaks quoted.
 * Arrays appear only as the paths of their .npy files (`--arrays files`).
 */
export async function writeCsv(
  sink: ByteSink,
  columns: readonly ShotColumn[],
  batches: AsyncIterable<ShotBatch>,
): Promise<void> {
  await sink.write(`${columns.map((c) => csvField(c.name, 'text')).join(',')}\r\n`);
  for await (const { start, count } of batches) {
    const lines: string[] = [];
    for (let r = start; r < start + count; r++) {
      lines.push(columns.map((c) => csvField(c.values[r] ?? null, c.kind)).join(','));
    }
    await sink.write(`${lines.join('\r\n')}\r\n`);
  }
}
