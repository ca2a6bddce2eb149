import { Quantity, type JsonValue, type ShotTable } from '@shotline/core';
import { isRecord } from '../input/values.js';

/** The type of an exported column. */
export type ColumnKind = 'int' | 'float' | 'bool' | 'text' | 'timestamp';

/** One exported column: a name, a type and one value per shot (null when a shot lacks it). */
export interface ExportColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly values: readonly (number | boolean | string | null)[];
}

function isQuantityJson(value: JsonValue): value is { magnitude: number; unit: string } {
  return (
    isRecord(value) &&
    typeof value.magnitude === 'number' &&
    typeof value.unit === 'string' &&
    Object.keys(value).length === 2
  );
}

/**
 * One column (or several) from a list of stored JSON values: quantities become a float column named
 * `name [unit]` in the unit of the first shot, numbers int or float, booleans bool, strings text,
 * anything else (arrays, objects, mixed types) its JSON text.
 */
function columnOf(name: string, values: readonly JsonValue[]): ExportColumn {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every(isQuantityJson)) {
    const unit = present[0]!.unit;
    return {
      name: `${name} [${unit}]`,
      kind: 'float',
      values: values.map((v) => {
        if (v === null) return null;
        const q = v as { magnitude: number; unit: string };
        return q.unit === unit ? q.magnitude : new Quantity(q.magnitude, q.unit).to(unit).magnitude;
      }),
    };
  }
  if (present.every((v) => typeof v === 'number')) {
    const kind = present.every((v) => Number.isSafeInteger(v)) ? 'int' : 'float';
    return { name, kind, values: values as (number | null)[] };
  }
  if (present.every((v) => typeof v === 'boolean')) {
    return { name, kind: 'bool', values: values as (boolean | null)[] };
  }
  if (present.every((v) => typeof v === 'string')) {
    return { name, kind: 'text', values: values as (string | null)[] };
  }
  return {
    name,
    kind: 'text',
    values: values.map((v) => (v === null ? null : JSON.stringify(v))),
  };
}

/**
 * The columns of an export: `shot`, `start_time`, `end_time`, then one column per parameter (in
 * the order the table gives them), then one per structured-data label (scalars; arrays such as
 * images are not part of a shot table).
 */
export function shotColumns(table: ShotTable): ExportColumn[] {
  const columns: ExportColumn[] = [
    { name: 'shot', kind: 'int', values: [...table.index] },
    { name: 'start_time', kind: 'timestamp', values: [...table.startTime] },
    { name: 'end_time', kind: 'timestamp', values: [...table.endTime] },
  ];
  for (const [name, values] of Object.entries(table.parameters))
    columns.push(columnOf(name, values));
  for (const [label, values] of Object.entries(table.data)) columns.push(columnOf(label, values));
  const seen = new Set<string>();
  for (const c of columns) {
    let name = c.name;
    for (let n = 2; seen.has(name); n++) name = `${c.name} (${n})`;
    seen.add(name);
    (c as { name: string }).name = name;
  }
  return columns;
}
