import type { JsonValue, ShotTable } from '../storage/index.js';
import { Quantity } from '../units/index.js';

/** The type of a column of shot values. */
export type ShotColumnKind = 'int' | 'float' | 'bool' | 'text' | 'timestamp';

/**
 * One column of a sequence's shots: a name, a type and one value per shot (null when a shot lacks
 * it). What analysis tools and exports read for parameters and scalar data.
 */
export interface ShotColumn {
  /** The column's name: the parameter or label, with its unit in brackets for quantities. */
  readonly name: string;
  /** Where the values come from: the shot itself (index, times), a parameter, or a data label. */
  readonly source: 'shot' | 'parameter' | 'data';
  /** The parameter name or data label (the column name without unit) . */
  readonly key: string;
  readonly kind: ShotColumnKind;
  /** The unit of a quantity column (values are magnitudes in it); timestamps are `ms` UTC. */
  readonly unit?: string;
  readonly values: readonly (number | boolean | string | null)[];
}

function isQuantityJson(value: JsonValue): value is { magnitude: number; unit: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof value.magnitude === 'number' &&
    typeof value.unit === 'string' &&
    Object.keys(value).length === 2
  );
}

/**
 * One column from a list of stored JSON values: quantities become a float column named
 * `name [unit]` in the unit of the first shot, numbers int or float, booleans bool, strings text,
 * anything else (lists, objects, mixed types) its JSON text.
 */
function columnOf(
  source: 'parameter' | 'data',
  key: string,
  values: readonly JsonValue[],
): ShotColumn {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every(isQuantityJson)) {
    const unit = present[0]!.unit;
    return {
      name: `${key} [${unit}]`,
      source,
      key,
      kind: 'float',
      unit,
      values: values.map((v) => {
        if (v === null) return null;
        const q = v as { magnitude: number; unit: string };
        return q.unit === unit ? q.magnitude : new Quantity(q.magnitude, q.unit).to(unit).magnitude;
      }),
    };
  }
  if (present.every((v) => typeof v === 'number')) {
    const kind = present.every((v) => Number.isSafeInteger(v)) ? 'int' : 'float';
    return { name: key, source, key, kind, values: values as (number | null)[] };
  }
  if (present.every((v) => typeof v === 'boolean')) {
    return { name: key, source, key, kind: 'bool', values: values as (boolean | null)[] };
  }
  if (present.every((v) => typeof v === 'string')) {
    return { name: key, source, key, kind: 'text', values: values as (string | null)[] };
  }
  return {
    name: key,
    source,
    key,
    kind: 'text',
    values: values.map((v) => (v === null ? null : JSON.stringify(v))),
  };
}

/**
 * The typed columns of a shot table: `shot`, `start_time`, `end_time` (ms UTC), then one column
 * per parameter (in the order the table gives them), then one per structured-data label. Names
 * are made unique (`name (2)`...). Arrays such as images are not part of a shot table.
 */
export function shotColumns(table: ShotTable): ShotColumn[] {
  const columns: ShotColumn[] = [
    { name: 'shot', source: 'shot', key: 'shot', kind: 'int', values: [...table.index] },
    {
      name: 'start_time',
      source: 'shot',
      key: 'start_time',
      kind: 'timestamp',
      unit: 'ms',
      values: [...table.startTime],
    },
    {
      name: 'end_time',
      source: 'shot',
      key: 'end_time',
      kind: 'timestamp',
      unit: 'ms',
      values: [...table.endTime],
    },
  ];
  for (const [name, values] of Object.entries(table.parameters)) {
    columns.push(columnOf('parameter', name, values));
  }
  for (const [label, values] of Object.entries(table.data)) {
    columns.push(columnOf('data', label, values));
  }
  return uniqueNames(columns);
}

/** Renames columns whose name is taken (`name (2)`, `name (3)`...), keeping the first as is. */
export function uniqueNames<C extends { readonly name: string }>(columns: C[]): C[] {
  const seen = new Set<string>();
  return columns.map((c) => {
    let name = c.name;
    for (let n = 2; seen.has(name); n++) name = `${c.name} (${n})`;
    seen.add(name);
    return name === c.name ? c : { ...c, name };
  });
}
