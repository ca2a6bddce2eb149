import type * as Arrow from 'apache-arrow';
import { type DType, dtypeSize } from '../data/index.js';
import { InvalidValueError } from '../errors/index.js';
import type { ArrayColumn } from './array-column.js';
import type { SequenceReader, SequenceShot } from './sequence-reader.js';
import type { ShotColumn } from './shot-columns.js';

// Shots as Apache Arrow record batches: the one mapping of shotline's columns to Arrow types, used by
// `SequenceReader.toArrowTable` and by the CLI's Arrow and Parquet exports. apache-arrow is passed in
// (an optional peer dependency of core, loaded only when used).

/** The apache-arrow module. */
export type ArrowModule = typeof Arrow;

/** Options of {@link SequenceReader.toArrowTable}. */
export interface ArrowTableOptions {
  /** Column names (`detuning [MHz]`), parameter names, data labels or array labels. Default: all. */
  columns?: readonly string[];
  /** Shots per record batch. Default 1 (array values are the stored arrays, not copies). */
  batchShots?: number;
}

/**
 * How array columns are encoded: `list` as `FixedSizeList<dtype>` (numbers readers can compute on),
 * `bytes` as `FixedSizeBinary` of the C-order little-endian bytes (what Parquet writes fastest and
 * smallest: it has no 8- or 16-bit integers and encodes list levels per value).
 */
export type ArrayEncoding = 'list' | 'bytes';

/** Version of the table layout, in the schema metadata as `shotline.layout`. */
export const ARROW_LAYOUT = 'shotline-shots/1';

function arrayType(arrow: ArrowModule, dtype: DType): Arrow.DataType {
  switch (dtype) {
    case 'bool':
    case 'uint8':
      return new arrow.Uint8();
    case 'uint16':
      return new arrow.Uint16();
    case 'uint32':
      return new arrow.Uint32();
    case 'uint64':
      return new arrow.Uint64();
    case 'int8':
      return new arrow.Int8();
    case 'int16':
      return new arrow.Int16();
    case 'int32':
      return new arrow.Int32();
    case 'int64':
      return new arrow.Int64();
    case 'float32':
      return new arrow.Float32();
    case 'float64':
      return new arrow.Float64();
  }
}

function scalarType(arrow: ArrowModule, column: ShotColumn): Arrow.DataType {
  switch (column.kind) {
    case 'int':
      return new arrow.Int64();
    case 'float':
      return new arrow.Float64();
    case 'bool':
      return new arrow.Bool();
    case 'timestamp':
      return new arrow.TimestampMillisecond('UTC');
    case 'text':
      return new arrow.Utf8();
  }
}

function scalarValues(column: ShotColumn, start: number, count: number): unknown[] {
  const values = column.values.slice(start, start + count);
  if (column.kind === 'int') return values.map((v) => (v === null ? null : BigInt(v as number)));
  if (column.kind === 'timestamp') {
    return values.map((v) => (v === null ? null : new Date(v as number)));
  }
  return values;
}

/**
 * Builds the Arrow schema of a set of shot columns and array columns, then record batches of
 * consecutive rows. Array columns are `FixedSizeList<dtype>` of the array's size (C order), with
 * `shotline.dtype` and `shotline.shape` (JSON) in the field metadata; `bool` arrays are uint8.
 */
export class ArrowShotBatches {
  readonly schema: Arrow.Schema;
  private readonly arrow: ArrowModule;
  private readonly listTypes: (Arrow.FixedSizeList | Arrow.FixedSizeBinary)[];

  constructor(
    arrow: ArrowModule,
    private readonly columns: readonly ShotColumn[],
    private readonly arrays: readonly ArrayColumn[],
    metadata: Record<string, string> = {},
    encoding: ArrayEncoding = 'list',
  ) {
    this.arrow = arrow;
    this.listTypes = arrays.map((a) =>
      encoding === 'bytes'
        ? new arrow.FixedSizeBinary(a.size * dtypeSize(a.dtype))
        : new arrow.FixedSizeList(
            a.size,
            new arrow.Field('item', arrayType(arrow, a.dtype), false),
          ),
    );
    const fields = [
      ...columns.map(
        (c) =>
          new arrow.Field(
            c.name,
            scalarType(arrow, c),
            c.source !== 'shot',
            new Map(c.unit === undefined ? [] : [['shotline.unit', c.unit]]),
          ),
      ),
      ...arrays.map(
        (a, i) =>
          new arrow.Field(
            a.label,
            this.listTypes[i]!,
            true,
            new Map([
              ['shotline.dtype', a.dtype],
              ['shotline.shape', JSON.stringify(a.shape)],
              ...(encoding === 'bytes'
                ? [['shotline.encoding', 'little-endian C-order bytes']]
                : []),
            ] as [string, string][]),
          ),
      ),
    ];
    this.schema = new arrow.Schema(
      fields,
      new Map([['shotline.layout', ARROW_LAYOUT], ...Object.entries(metadata)]),
    );
  }

  /**
   * The batch of rows `start` to `start + count - 1` of the scalar columns, with the arrays of
   * `shots` (the shots of these rows, in order; their data holds the array labels; may be empty
   * when there are no array columns).
   */
  batch(start: number, count: number, shots: readonly SequenceShot[]): Arrow.RecordBatch {
    const arrow = this.arrow;
    if (this.arrays.length > 0 && shots.length !== count) {
      throw new InvalidValueError(
        `a batch of ${count} rows needs ${count} shots, got ${shots.length}`,
      );
    }
    const children: Arrow.Data[] = this.columns.map(
      (c, i) =>
        arrow.vectorFromArray(scalarValues(c, start, count), this.schema.fields[i]!.type)
          .data[0] as Arrow.Data,
    );
    this.arrays.forEach((column, i) =>
      children.push(this.arrayData(column, this.listTypes[i]!, shots)),
    );
    const struct = arrow.makeData({
      type: new arrow.Struct(this.schema.fields),
      length: count,
      nullCount: 0,
      children,
    });
    return new arrow.RecordBatch(this.schema, struct);
  }

  private arrayData(
    column: ArrayColumn,
    type: Arrow.FixedSizeList | Arrow.FixedSizeBinary,
    shots: readonly SequenceShot[],
  ): Arrow.Data {
    const arrow = this.arrow;
    const count = shots.length;
    const values = shots.map(
      (s) => s.data[column.label] as { data: ArrayLike<unknown> } | undefined,
    );
    const nulls = values.filter((v) => v === undefined).length;
    let child: ArrayLike<unknown> & { set?: unknown };
    const only = values[0];
    if (count === 1 && only !== undefined) {
      child = only.data; // zero-copy: the stored array itself
    } else {
      const ctor = (values.find((v) => v !== undefined)?.data.constructor ??
        typedArrayFor(column.dtype)) as new (n: number) => {
        set(a: ArrayLike<unknown>, o: number): void;
      };
      const buffer = new ctor(count * column.size);
      values.forEach((v, k) => {
        if (v !== undefined) buffer.set(v.data, k * column.size);
      });
      child = buffer as unknown as ArrayLike<unknown>;
    }
    let nullBitmap: Uint8Array | undefined;
    if (nulls > 0) {
      nullBitmap = new Uint8Array(Math.ceil(count / 8));
      values.forEach((v, k) => {
        if (v !== undefined) nullBitmap![k >> 3]! |= 1 << (k & 7);
      });
    }
    const validity = {
      length: count,
      nullCount: nulls,
      ...(nullBitmap === undefined ? {} : { nullBitmap }),
    };
    if (type instanceof arrow.FixedSizeBinary) {
      const view = child as unknown as ArrayBufferView;
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      return arrow.makeData({ type, ...validity, data: bytes });
    }
    // Int and Float children take the same props (the values' typed array as `data`); the child is
    // typed as Int only to pick makeData's overload.
    const childType = type.children[0]!.type as Arrow.Int;
    const childData: Arrow.Data = arrow.makeData({
      type: childType,
      length: count * column.size,
      nullCount: 0,
      data: child as never,
    });
    return arrow.makeData({ type, ...validity, child: childData });
  }
}

function typedArrayFor(dtype: DType): unknown {
  const map: Record<DType, unknown> = {
    bool: Uint8Array,
    uint8: Uint8Array,
    uint16: Uint16Array,
    uint32: Uint32Array,
    uint64: BigUint64Array,
    int8: Int8Array,
    int16: Int16Array,
    int32: Int32Array,
    int64: BigInt64Array,
    float32: Float32Array,
    float64: Float64Array,
  };
  return map[dtype];
}

/**
 * Picks the wanted columns: each name is a column name, a parameter name, a data label or an
 * array label; an unknown one throws naming what exists.
 */
export function selectColumns(
  columns: readonly ShotColumn[],
  arrays: readonly ArrayColumn[],
  wanted: readonly string[] | undefined,
): { columns: ShotColumn[]; arrays: ArrayColumn[] } {
  if (wanted === undefined) return { columns: [...columns], arrays: [...arrays] };
  const picked = new Set(wanted);
  const known = new Set([
    ...columns.flatMap((c) => [c.name, c.key]),
    ...arrays.map((a) => a.label),
  ]);
  const unknown = wanted.filter((w) => !known.has(w));
  if (unknown.length > 0) {
    throw new InvalidValueError(
      `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; the sequence has ${[...known].map((k) => `"${k}"`).join(', ')}`,
    );
  }
  return {
    columns: columns.filter((c) => picked.has(c.name) || picked.has(c.key)),
    arrays: arrays.filter((a) => picked.has(a.label)),
  };
}

/** Reads a whole sequence into an Arrow table (see {@link SequenceReader.toArrowTable}). */
export async function arrowShotTable(
  arrow: ArrowModule,
  reader: SequenceReader,
  options: ArrowTableOptions,
): Promise<Arrow.Table> {
  const batchShots = options.batchShots ?? 1;
  if (!(Number.isSafeInteger(batchShots) && batchShots >= 1)) {
    throw new InvalidValueError(`batchShots must be a positive integer, got ${String(batchShots)}`);
  }
  const layout = await reader.layout();
  const { columns, arrays } = selectColumns(layout.columns, layout.arrays, options.columns);
  const batches = new ArrowShotBatches(arrow, columns, arrays, {
    'shotline.sequence': layout.path.toString(),
  });
  const labels = arrays.map((a) => a.label);
  const records: Arrow.RecordBatch[] = [];
  let pending: SequenceShot[] = [];
  let start = 0;
  for await (const shot of reader.shots({ indices: layout.table.index, labels })) {
    for (const column of arrays) reader.checkArray(shot.index, column, shot.data[column.label]);
    pending.push(shot);
    if (pending.length === batchShots) {
      records.push(batches.batch(start, pending.length, pending));
      start += pending.length;
      pending = [];
    }
  }
  if (pending.length > 0) records.push(batches.batch(start, pending.length, pending));
  return new arrow.Table(batches.schema, records);
}
