import { type DataLabel, type DataValue, isNDArray } from '../data/index.js';
import { SequencePath } from '../path/index.js';
import type { JsonValue, SessionStorage, ShotTable } from '../storage/index.js';
import { type ArrayColumn, arrayLayoutMismatch } from './array-column.js';
import type { Table as ArrowTable } from 'apache-arrow';
import type { ArrowModule, ArrowTableOptions } from './arrow-shots.js';
import { type ShotColumn, shotColumns } from './shot-columns.js';

/**
 * What a {@link SequenceReader} reads from: a {@link SessionStorage}, or anything that answers these
 * reads the same way (the command line reads through a lab's server with it).
 */
export type StoredShots = Pick<
  SessionStorage,
  'shotIndices' | 'getShot' | 'getShotData' | 'getAllShotData' | 'readShotTable'
>;

/** One stored shot with its data, as {@link SequenceReader.shots} yields it. */
export interface SequenceShot {
  index: number;
  parameters: Record<string, JsonValue>;
  startTime: Date;
  endTime: Date;
  timing: JsonValue;
  /** The data read (every label, or those asked for); arrays are NDArrays. */
  data: Record<DataLabel, DataValue>;
}

/** Options of {@link SequenceReader.shots}. */
export interface ShotsOptions {
  /** The shots to read, in this order. Default: the shots stored when iteration starts. */
  indices?: Iterable<number>;
  /** The data labels to read. Default: all. A label a shot lacks is left out of its `data`. */
  labels?: readonly DataLabel[];
}

/**
 * What a sequence holds, fixed at one moment: the stored shots' scalars as typed columns and the
 * array labels with their dtype and shape. Shots stored later are not part of it, so an export of
 * a sequence being written is a consistent snapshot up to the last shot stored when it began.
 */
export interface SequenceLayout {
  path: SequencePath;
  /** Parameters and structured data of the snapshot's shots, in index order. */
  table: ShotTable;
  /** `shot`, `start_time`, `end_time`, the parameters and the scalar data as typed columns. */
  columns: ShotColumn[];
  /** The array labels, by label. */
  arrays: ArrayColumn[];
  /** For each array label, the indices of the shots that have it. */
  presence: ReadonlyMap<DataLabel, readonly number[]>;
}

/**
 * Reads one stored sequence for analysis: its shots one at a time with their data (memory stays
 * bounded whatever the sequence's size), its scalars as columns, or everything as an Arrow table.
 * Get one with {@link openSequence}.
 */
export class SequenceReader {
  readonly path: SequencePath;

  constructor(
    private readonly storage: StoredShots,
    path: SequencePath | string,
  ) {
    this.path = typeof path === 'string' ? SequencePath.parse(path) : path;
  }

  /** The indices of the stored shots, ascending. */
  async indices(): Promise<number[]> {
    return (await this.storage.shotIndices(this.path)).unwrap();
  }

  /**
   * The shots with their data, one at a time, in index order: by default those stored when the
   * iteration starts. Only one shot's data is held at a time (the caller may keep what it wants).
   * A shot whose stored data cannot be read throws an error naming the shot and label.
   */
  async *shots(options: ShotsOptions = {}): AsyncGenerator<SequenceShot, void, undefined> {
    const indices = options.indices ?? (await this.indices());
    for (const index of indices) {
      const record = (await this.storage.getShot(this.path, index)).unwrap();
      let data: Record<DataLabel, DataValue>;
      if (options.labels === undefined) {
        data = (await this.storage.getAllShotData(this.path, index)).unwrap();
      } else {
        data = {};
        for (const label of options.labels) {
          if (!record.labels.includes(label)) continue;
          data[label] = (await this.storage.getShotData(this.path, index, label)).unwrap();
        }
      }
      yield {
        index,
        parameters: record.parameters,
        startTime: record.startTime,
        endTime: record.endTime,
        timing: record.timing,
        data,
      };
    }
  }

  /** The parameters and scalar data of the stored shots, as columns. */
  async table(): Promise<ShotTable> {
    return (await this.storage.readShotTable(this.path)).unwrap();
  }

  /**
   * The sequence's layout at this moment: its shots' scalars as typed columns, and its array
   * labels with dtype and shape (read from the first shot that has each; reads every shot's labels
   * but only one array per label).
   */
  async layout(): Promise<SequenceLayout> {
    const table = await this.table();
    const structured = new Set(Object.keys(table.data));
    const found = new Map<DataLabel, number[]>();
    for (const index of table.index) {
      const record = (await this.storage.getShot(this.path, index)).unwrap();
      for (const label of record.labels) {
        if (structured.has(label)) continue;
        const indices = found.get(label);
        if (indices === undefined) found.set(label, [index]);
        else indices.push(index);
      }
    }
    const arrays: ArrayColumn[] = [];
    const presence = new Map<DataLabel, readonly number[]>();
    for (const [label, indices] of [...found].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const value = (await this.storage.getShotData(this.path, indices[0]!, label)).unwrap();
      if (!isNDArray(value)) continue;
      arrays.push({
        label,
        dtype: value.dtype,
        shape: [...value.shape],
        size: value.size,
        shots: indices.length,
      });
      presence.set(label, indices);
    }
    return { path: this.path, table, columns: shotColumns(table), arrays, presence };
  }

  /**
   * The sequence as an Apache Arrow table: one row per stored shot, the scalar columns, and one
   * `FixedSizeList` column per array label (dtype and shape in the field metadata, `shotline.dtype`
   * and `shotline.shape`; a shot without it is null). With `columns`, only those (column names or
   * array labels). Needs the `apache-arrow` package (an optional peer dependency of core).
   *
   * With `batchShots: 1` (the default) each record batch holds one shot and its arrays' values are
   * the stored arrays themselves, not copies (zero-copy); larger batches copy arrays into one
   * buffer per column and batch, which analysis libraries read faster.
   */
  async toArrowTable(options: ArrowTableOptions = {}): Promise<ArrowTable> {
    const arrow = await loadArrow();
    const { arrowShotTable } = await import('./arrow-shots.js');
    return arrowShotTable(arrow, this, options);
  }

  /** Checks that a shot's array fits its column; throws an ArrayLayoutError naming it if not. */
  checkArray(index: number, column: ArrayColumn, value: DataValue | undefined): void {
    if (value === undefined) return;
    if (!isNDArray(value)) {
      throw arrayLayoutMismatch(this.path.toString(), index, column, {
        dtype: 'json',
        shape: [],
      } as never)!;
    }
    const error = arrayLayoutMismatch(this.path.toString(), index, column, value);
    if (error) throw error;
  }
}

async function loadArrow(): Promise<ArrowModule> {
  try {
    return (await import('apache-arrow')) as ArrowModule;
  } catch (e) {
    throw new Error(
      'toArrowTable needs the apache-arrow package: npm install apache-arrow@21 (an optional peer dependency of @shotline/core)',
      { cause: e },
    );
  }
}

/**
 * Opens a stored sequence for reading: `for await (const shot of openSequence(storage, path).shots())`,
 * or `.toArrowTable()`. Nothing is read until a method is called.
 */
export function openSequence(storage: StoredShots, path: SequencePath | string): SequenceReader {
  return new SequenceReader(storage, path);
}
