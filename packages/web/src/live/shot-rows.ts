import type { ShotJson, ShotTableJson } from '../api/api-types.js';

/** A shot as a row of the live view: its index and its parameters and scalar data by name. */
export interface ShotRow {
  readonly index: number;
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * A value as a number for plotting: numbers as they are, booleans 0/1, quantities by their
 * magnitude (`{ magnitude | value, unit }`), numeric text parsed; anything else null.
 */
export function numericValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const n = Number.parseFloat(value);
    return Number.isFinite(n) ? n : null;
  }
  if (value && typeof value === 'object') {
    const q = value as { magnitude?: unknown; value?: unknown };
    return numericValue(q.magnitude ?? q.value);
  }
  return null;
}

/** A value as text for the table (`-10 MHz`, `0.5`, `true`). */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(Number(value.toPrecision(6)));
  if (typeof value === 'object') {
    const q = value as { magnitude?: unknown; value?: unknown; unit?: unknown };
    const magnitude = q.magnitude ?? q.value;
    if (magnitude !== undefined)
      return `${displayValue(magnitude)}${typeof q.unit === 'string' ? ` ${q.unit}` : ''}`;
    return JSON.stringify(value);
  }
  return String(value as string | boolean);
}

/** The rows of every stored shot, from the server's shot table. */
export function rowsFromTable(table: ShotTableJson): ShotRow[] {
  return table.index.map((index, i) => {
    const values: Record<string, unknown> = {};
    for (const [name, column] of Object.entries(table.parameters)) values[name] = column[i];
    for (const [name, column] of Object.entries(table.data)) values[name] = column[i];
    return { index, values };
  });
}

/** The row of one shot (its parameters and scalar data). */
export function rowFromShot(shot: ShotJson): ShotRow {
  return { index: shot.index, values: { ...shot.parameters, ...shot.data } };
}

/** Adds or replaces a row, keeping the rows in shot order. */
export function withRow(rows: readonly ShotRow[], row: ShotRow): ShotRow[] {
  const out = rows.filter((r) => r.index !== row.index);
  out.push(row);
  out.sort((a, b) => a.index - b.index);
  return out;
}

/**
 * The column to plot against by default: the first one whose values vary (a scan variable), else
 * the first.
 */
export function scanColumn(
  rows: readonly ShotRow[],
  columns: readonly string[],
): string | undefined {
  for (const name of columns) {
    const values = new Set(rows.map((r) => numericValue(r.values[name])));
    if (values.size > 1) return name;
  }
  return columns[0];
}

/** The names of the columns of the rows that have numbers (what can be plotted). */
export function numericColumns(rows: readonly ShotRow[]): string[] {
  const names = new Set<string>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row.values)) {
      if (numericValue(value) !== null) names.add(name);
    }
  }
  return [...names];
}

/**
 * The points of `y` against `x`, sorted by x (uPlot's order), as its two columns; rows without a
 * number for either are left out.
 */
export function plotPoints(rows: readonly ShotRow[], x: string, y: string): [number[], number[]] {
  const points: [number, number][] = [];
  for (const row of rows) {
    const xv = x === 'shot' ? row.index : numericValue(row.values[x]);
    const yv = numericValue(row.values[y]);
    if (xv !== null && yv !== null) points.push([xv, yv]);
  }
  points.sort((a, b) => a[0] - b[0]);
  return [points.map((p) => p[0]), points.map((p) => p[1])];
}
