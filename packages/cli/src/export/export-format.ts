import { ExportError } from '../cli-errors.js';

/** File formats of `shotline export`. */
export const EXPORT_FORMATS = ['csv', 'arrow', 'parquet', 'hdf5'] as const;
/** An export file format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * What becomes of the arrays (pictures, traces):
 * - `none`: left out;
 * - `inline`: in the file, one column (Arrow, Parquet) or dataset (HDF5) per label, shot first;
 * - `files`: one `.npy` file per shot and label in a folder beside the output, and a column of
 *   their relative paths in the table.
 */
export const ARRAY_MODES = ['none', 'inline', 'files'] as const;
/** What an export does with arrays. */
export type ArrayMode = (typeof ARRAY_MODES)[number];

/**
 * How Parquet holds arrays: lists of numbers (default: every reader computes on them) or the raw
 * little-endian bytes of each shot's array (about four times faster to write and, for 8- and 16-bit
 * data, half the size; numpy, pyarrow and DuckDB read them, nodejs-polars not yet).
 */
export const PARQUET_ARRAY_ENCODINGS = ['list', 'bytes'] as const;

/** The options of an export, checked. */
export interface ExportSettings {
  format: ExportFormat;
  arrays: ArrayMode;
  /** Parquet only: arrays as lists of numbers (`list`) or fixed-size binary (`bytes`). */
  parquetArrays: (typeof PARQUET_ARRAY_ENCODINGS)[number];
}

/**
 * Checks `--format` and `--arrays`: arrays default to `inline` for Arrow, Parquet and HDF5 and to
 * `none` for CSV, which cannot hold them (it takes `files`); HDF5 holds arrays itself and takes no
 * `files`; `files` and HDF5 need `--out`.
 */
export function exportSettings(options: {
  format?: string;
  arrays?: string;
  out?: string;
  parquetArrays?: string;
}): ExportSettings {
  const format = options.format ?? 'csv';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ExportError(`unknown format "${format}" (use ${EXPORT_FORMATS.join(', ')})`);
  }
  const arrays = options.arrays ?? (format === 'csv' ? 'none' : 'inline');
  if (!(ARRAY_MODES as readonly string[]).includes(arrays)) {
    throw new ExportError(`unknown --arrays "${arrays}" (use ${ARRAY_MODES.join(', ')})`);
  }
  if (format === 'csv' && arrays === 'inline') {
    throw new ExportError(
      'CSV cannot hold arrays: use --arrays files (a .npy file per shot beside the CSV) or --format arrow|parquet|hdf5',
    );
  }
  if (format === 'hdf5' && arrays === 'files') {
    throw new ExportError('HDF5 holds arrays itself: use --arrays inline (default) or none');
  }
  if (options.out === undefined && (format === 'hdf5' || arrays === 'files')) {
    throw new ExportError(
      `${format === 'hdf5' ? 'an HDF5 export' : '--arrays files'} needs --out <file>`,
    );
  }
  const parquetArrays = options.parquetArrays ?? 'list';
  if (!(PARQUET_ARRAY_ENCODINGS as readonly string[]).includes(parquetArrays)) {
    throw new ExportError(
      `unknown --parquet-arrays "${parquetArrays}" (use ${PARQUET_ARRAY_ENCODINGS.join(' or ')})`,
    );
  }
  if (options.parquetArrays !== undefined && format !== 'parquet') {
    throw new ExportError('--parquet-arrays applies to --format parquet only');
  }
  return {
    format: format as ExportFormat,
    arrays: arrays as ArrayMode,
    parquetArrays: parquetArrays as ExportSettings['parquetArrays'],
  };
}
