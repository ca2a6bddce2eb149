import type { ArrayColumn, DType, ShotColumn } from '@shotline/core';
import type h5wasm from 'h5wasm/node';
import type { ExportPlan, ShotBatch } from './export-plan.js';
import { Hdf5IoWatch } from './hdf5-errors.js';

// HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly; its Node build writes the file
// directly). The layout, for h5py users (documented in docs/exporting-data.md):
//   /                  attrs: shotline_layout "shotline-hdf5/1", sequence, shots
//   /shot              int64 (n,)          shot indices
//   /start_time        int64 (n,)          ms since 1970-01-01 UTC (attr unit "ms")
//   /end_time          int64 (n,)
//   /parameters/<name> float64|int64|uint8|string (n,), attr unit for quantities
//   /data/<label>      scalar data (n,) as parameters; arrays <dtype> (n, *shape), chunked one shot
//                      per chunk, attrs shotline_dtype and shape
//   /present/<label>   uint8 (n,): only for an array label some shots lack (their rows read 0)
// Missing scalar values are NaN (numbers, stored as float64), 255 (bools) or "" (text).

/** Layout version, in the root attribute `shotline_layout`. */
export const HDF5_LAYOUT = 'shotline-hdf5/1';

const H5_DTYPE: Record<DType, string> = {
  bool: '<B',
  uint8: '<B',
  uint16: '<H',
  uint32: '<I',
  uint64: '<Q',
  int8: '<b',
  int16: '<h',
  int32: '<i',
  int64: '<q',
  float32: '<f',
  float64: '<d',
};

/** An HDF5 link name for a parameter or label: `/` cannot appear in one, so it becomes `%2F`. */
export function hdf5Name(key: string): string {
  return key.replace(/%/g, '%25').replace(/\//g, '%2F');
}

type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

function scalarData(column: ShotColumn): { data: unknown; dtype?: string; bool?: boolean } {
  const values = column.values;
  const hasNull = values.some((v) => v === null);
  switch (column.kind) {
    case 'int':
    case 'timestamp':
      return hasNull
        ? { data: Float64Array.from(values, (v) => (v === null ? NaN : (v as number))) }
        : { data: BigInt64Array.from(values, (v) => BigInt(v as number)) };
    case 'float':
      return { data: Float64Array.from(values, (v) => (v === null ? NaN : (v as number))) };
    case 'bool':
      return { data: Uint8Array.from(values, (v) => (v === null ? 255 : v ? 1 : 0)), bool: true };
    case 'text':
      return { data: values.map((v) => (v === null ? '' : String(v))) };
  }
}

function writeScalar(group: H5Group, name: string, column: ShotColumn): void {
  const { data, bool } = scalarData(column);
  const n = column.values.length;
  // h5wasm cannot make an empty string dataset; an empty column is an empty float64 one then.
  const dataset =
    n === 0 && column.kind === 'text'
      ? group.create_dataset({ name, data: new Float64Array(0), shape: [0] })
      : group.create_dataset({ name, data: data as never, shape: [n] });
  if (column.unit !== undefined) dataset.create_attribute('unit', column.unit);
  if (column.key !== name) dataset.create_attribute('name', column.key);
  if (bool) dataset.create_attribute('shotline_dtype', 'bool');
}

function createArrayDataset(group: H5Group, column: ArrayColumn, shots: number): H5Dataset {
  const dataset = group.create_dataset({
    name: hdf5Name(column.label),
    data: new Uint8Array(0) as never,
    shape: [0, ...column.shape],
    maxshape: [null, ...column.shape],
    chunks: [1, ...column.shape],
    dtype: H5_DTYPE[column.dtype],
  });
  dataset.resize([shots, ...column.shape]);
  dataset.create_attribute('shotline_dtype', column.dtype);
  dataset.create_attribute('name', column.label);
  return dataset;
}

/**
 * Writes an HDF5 file at `file` (a new file, written by the HDF5 library itself): scalars first
 * (they are all known), then each batch's arrays into their datasets, one shot per chunk.
 */
export async function writeHdf5(
  file: string,
  plan: ExportPlan,
  batches: AsyncIterable<ShotBatch>,
): Promise<void> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const n = plan.layout.table.index.length;
  const io = new Hdf5IoWatch();
  let out: InstanceType<typeof h5.File> | undefined;
  try {
    out = new h5.File(file, 'w');
    out.create_attribute('shotline_layout', HDF5_LAYOUT);
    out.create_attribute('sequence', plan.layout.path.toString());
    out.create_attribute('shots', n);
    const parameters = out.create_group('parameters');
    const data = out.create_group('data');
    for (const column of plan.columns) {
      if (column.source === 'shot') writeScalar(out, column.key, column);
      else
        writeScalar(
          column.source === 'parameter' ? parameters : data,
          hdf5Name(column.key),
          column,
        );
    }
    const datasets = plan.inline.map((column) => createArrayDataset(data, column, n));
    const missing = plan.inline.filter((c) => c.shots < n);
    if (missing.length > 0) {
      const present = out.create_group('present');
      for (const column of missing) {
        const has = new Set(plan.layout.presence.get(column.label) ?? []);
        present.create_dataset({
          name: hdf5Name(column.label),
          data: Uint8Array.from(plan.layout.table.index, (i) => (has.has(i) ? 1 : 0)),
          shape: [n],
        });
      }
    }
    for await (const { start, shots } of batches) {
      shots.forEach((shot, k) => {
        const row = start + k;
        plan.inline.forEach((column, c) => {
          const value = shot.data[column.label] as { data: unknown } | undefined;
          if (value === undefined) return;
          datasets[c]!.write_slice(
            [[row, row + 1], ...column.shape.map(() => [] as [])],
            value.data,
          );
        });
      });
      io.check();
    }
    out.flush();
    io.check();
  } finally {
    try {
      out?.close();
      io.check();
    } finally {
      io.stop();
    }
  }
}
