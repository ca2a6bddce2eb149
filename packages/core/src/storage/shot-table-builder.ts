import type { DataLabel } from '../data/index.js';
import type { SequencePath } from '../path/index.js';
import type { JsonValue, ShotTable, ShotTableQuery } from './session-storage.js';
import { InvalidStorageDataError } from './storage-errors.js';
import { decodeStorageJson } from './storage-json.js';

/**
 * Assembles a {@link ShotTable} from stored rows, the same way for every backend: add the shots in
 * index order (times and parameters JSON), then the structured data rows, then `build()`.
 *
 * Without a query, the columns are every parameter and every structured label found, in order of
 * first appearance; with one, exactly the requested columns. A value a shot lacks is `null`.
 */
export class ShotTableBuilder {
  private readonly sequence: string;
  private readonly fixedParameters: boolean;
  private readonly fixedLabels: boolean;
  private readonly indices: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly parameterColumns = new Map<string, JsonValue[]>();
  private readonly dataColumns = new Map<DataLabel, JsonValue[]>();
  private readonly rowOfIndex = new Map<number, number>();
  private previousNames: string[] = [];
  private previousColumns: JsonValue[][] = [];

  constructor(path: SequencePath, query: ShotTableQuery = {}) {
    this.sequence = path.toString();
    this.fixedParameters = query.parameters !== undefined;
    this.fixedLabels = query.labels !== undefined;
    for (const name of query.parameters ?? []) this.parameterColumns.set(name, []);
    for (const label of query.labels ?? []) this.dataColumns.set(label, []);
  }

  /** Whether any structured data is wanted (backends may skip reading it otherwise). */
  get wantsData(): boolean {
    return !this.fixedLabels || this.dataColumns.size > 0;
  }

  /** The labels asked for, or undefined for all. */
  get labels(): DataLabel[] | undefined {
    return this.fixedLabels ? [...this.dataColumns.keys()] : undefined;
  }

  /** Adds a shot; shots must come in increasing index order. */
  addShot(index: number, startMs: number, endMs: number, parametersJson: string): void {
    const row = this.indices.length;
    this.rowOfIndex.set(index, row);
    this.indices.push(index);
    this.starts.push(startMs);
    this.ends.push(endMs);
    if (this.fixedParameters && this.parameterColumns.size === 0) return;
    const parameters = decodeStorageJson(parametersJson, 'parameters', {
      sequence: this.sequence,
      shot: index,
    });
    if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
      throw new InvalidStorageDataError('stored parameters are not a JSON object', {
        location: { sequence: this.sequence, shot: index },
      });
    }
    if (this.fixedParameters) {
      for (const [name, column] of this.parameterColumns) column.push(parameters[name] ?? null);
      return;
    }
    // Shots of a sequence usually have the same parameters in the same order: reuse the columns
    // found for the previous shot while the names match, instead of a map lookup per value.
    const names = Object.keys(parameters);
    const previous = this.previousNames;
    let same = names.length === previous.length;
    for (let i = 0; same && i < names.length; i++) same = names[i] === previous[i];
    if (!same) {
      this.previousNames = names;
      this.previousColumns = names.map((name) => {
        let column = this.parameterColumns.get(name);
        if (column === undefined) {
          column = new Array<JsonValue>(row).fill(null);
          this.parameterColumns.set(name, column);
        }
        return column;
      });
    }
    const columns = this.previousColumns;
    for (let i = 0; i < names.length; i++) columns[i]![row] = parameters[names[i]!]!;
  }

  /** Adds one structured data value of a shot added before (other shots are ignored). */
  addData(index: number, label: DataLabel, contentJson: string): void {
    const row = this.rowOfIndex.get(index);
    if (row === undefined) return;
    let column = this.dataColumns.get(label);
    if (column === undefined) {
      if (this.fixedLabels) return;
      column = [];
      this.dataColumns.set(label, column);
    }
    column[row] = decodeStorageJson(contentJson, `data "${label}"`, {
      sequence: this.sequence,
      shot: index,
      label,
    });
  }

  /** The finished table; every column has one value per shot. */
  build(): ShotTable {
    const n = this.indices.length;
    const complete = (column: JsonValue[]): JsonValue[] => {
      for (let i = 0; i < n; i++) if (column[i] === undefined) column[i] = null;
      column.length = n;
      return column;
    };
    const parameters: Record<string, JsonValue[]> = {};
    for (const [name, column] of this.parameterColumns) parameters[name] = complete(column);
    const data: Record<DataLabel, JsonValue[]> = {};
    for (const [label, column] of this.dataColumns) data[label] = complete(column);
    return {
      index: Uint32Array.from(this.indices),
      startTime: Float64Array.from(this.starts),
      endTime: Float64Array.from(this.ends),
      parameters,
      data,
    };
  }
}
