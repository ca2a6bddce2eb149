import {
  Bool,
  Float64,
  Int64,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import type { ExportColumn } from './shot-columns.js';

function vectorOf(column: ExportColumn): Vector {
  const values = column.values;
  switch (column.kind) {
    case 'int':
      return vectorFromArray(
        values.map((v) => (v === null ? null : BigInt(v as number))),
        new Int64(),
      );
    case 'float':
      return vectorFromArray(values as (number | null)[], new Float64());
    case 'bool':
      return vectorFromArray(values as (boolean | null)[], new Bool());
    case 'timestamp':
      return vectorFromArray(
        values.map((v) => (v === null ? null : new Date(v as number))),
        new TimestampMillisecond('UTC'),
      );
    case 'text':
      return vectorFromArray(values as (string | null)[], new Utf8());
  }
}

/**
 * The columns as an Arrow IPC file (Feather v2): `polars.read_ipc(path)`,
 * `pandas.read_feather(path)` and `pyarrow.ipc.open_file(path)` read it. Integers are int64,
 * quantities and floats float64, times timestamp[ms, UTC].
 */
export function toArrowIpc(columns: readonly ExportColumn[]): Uint8Array {
  const table = new Table(Object.fromEntries(columns.map((c) => [c.name, vectorOf(c)])));
  return tableToIPC(table, 'file');
}
