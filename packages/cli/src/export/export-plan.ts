import {
  type ArrayColumn,
  type SequenceLayout,
  type SequenceShot,
  type ShotColumn,
  dtypeSize,
  uniqueNames,
} from '@shotline/core';
import type { ArrayMode } from './export-format.js';

/** Consecutive rows of an export: their shots with the arrays to write (empty if none). */
export interface ShotBatch {
  /** The first row (position in the layout's columns). */
  start: number;
  count: number;
  shots: SequenceShot[];
}

/** What an export writes: the table columns and the arrays, inline or as .npy files. */
export interface ExportPlan {
  layout: SequenceLayout;
  /** Scalar columns, then (with `--arrays files`) one column of .npy paths per array label. */
  columns: ShotColumn[];
  /** Array columns written in the file (`--arrays inline`). */
  inline: ArrayColumn[];
  /** Array labels written as .npy files (`--arrays files`). */
  files: ArrayColumn[];
  /** Bytes of array data per shot (for batch sizes and rates). */
  arrayBytesPerShot: number;
}

/**
 * The file name, in the arrays folder, of one shot's array: `<label>/shot-<index>.npy`, the label
 * with every character other than letters, digits, `.`, `_` and `-` written as `%XX` (so
 * `cam\picture` is `cam%5Cpicture`).
 */
export function npyRelativePath(arraysFolder: string, label: string, index: number): string {
  return `${arraysFolder}/${npyFileName(label, index)}`;
}

/** The path of one shot's .npy file inside the arrays folder (see {@link npyRelativePath}). */
export function npyFileName(label: string, index: number): string {
  const safe = [...label]
    .map((ch) =>
      /[A-Za-z0-9._-]/.test(ch)
        ? ch
        : [...Buffer.from(ch)]
            .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
            .join(''),
    )
    .join('');
  return `${safe}/shot-${String(index).padStart(6, '0')}.npy`;
}

/**
 * Plans an export of `layout`: `none` leaves arrays out; `inline` makes each array label a column;
 * `files` adds, per array label, a text column with the path (relative to the output's folder) of
 * each shot's .npy file, null for a shot without it.
 */
export function exportPlan(
  layout: SequenceLayout,
  arrays: ArrayMode,
  arraysFolder: string,
): ExportPlan {
  const present = (label: string): Set<number> => new Set(layout.presence.get(label) ?? []);
  let columns = layout.columns;
  const files = arrays === 'files' ? layout.arrays : [];
  if (files.length > 0) {
    columns = uniqueNames([
      ...columns,
      ...files.map((a): ShotColumn => {
        const has = present(a.label);
        return {
          name: a.label,
          source: 'data',
          key: a.label,
          kind: 'text',
          values: [...layout.table.index].map((i) =>
            has.has(i) ? npyRelativePath(arraysFolder, a.label, i) : null,
          ),
        };
      }),
    ]);
  }
  const inline = arrays === 'inline' ? layout.arrays : [];
  const arrayBytesPerShot = [...inline, ...files].reduce(
    (n, a) => n + a.size * dtypeSize(a.dtype),
    0,
  );
  return { layout, columns, inline, files, arrayBytesPerShot };
}
