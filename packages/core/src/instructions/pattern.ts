import {
  type InstructionDType,
  type ReadonlyInstructionArray,
  type InstructionArray,
  allocateTyped,
  isInstructionDType,
  isFloatDType,
  isRepresentable,
} from './dtype.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { FLOAT64_SLOTS } from './internal/leaf-slots.js';
import { TimedInstruction } from './timed-instruction.js';

/** Values accepted when building a channel: JS numbers or booleans, or a typed array. */
export type ChannelValues = ArrayLike<number> | ArrayLike<boolean> | InstructionArray;

const PREVIEW = 8;

/**
 * Explicit values, one per tick: a leaf holding one typed array per channel (booleans as 0/1 in a
 * `Uint8Array`). Float values are always finite.
 *
 * A Pattern is a window `[offset, offset + length)` on its columns, so slicing and fusing patterns
 * do not copy, and stacked channels share large column blocks. Read values with `column(field)`
 * (a view), `at(i)` or `numberAt(i, f)`.
 */
export class Pattern extends TimedInstruction {
  readonly kind = 'pattern' as const;
  readonly depth = 0;
  /**
   * One typed array per channel, at least `offset + length` long. Shared with other patterns: never
   * write to it. Low-level; prefer {@link Pattern.column}.
   */
  readonly columns: readonly InstructionArray[];
  /** Index in `columns` of tick 0. */
  readonly offset: number;

  /**
   * Wraps columns without copying or validating. Low-level (used by the algebra): the arrays must
   * match the layout's dtypes, hold finite floats and never be written again. Use {@link Pattern.of},
   * {@link Pattern.fromArray} or {@link Pattern.fromColumns} instead.
   */
  constructor(
    layout: InstructionLayout,
    columns: readonly InstructionArray[],
    offset: number,
    length: number,
  ) {
    super(layout, length);
    this.columns = columns;
    this.offset = offset;
  }

  /**
   * A single-channel pattern from JS values (copied). The dtype defaults to `bool` for booleans and
   * `float64` for numbers. A single float64 value (the leaf of a constant) is stored in a slot of a
   * shared block rather than in an array of its own.
   * @throws InstructionValueError if a value does not fit the dtype (non-finite float, 2 for bool...).
   */
  static of(values: ArrayLike<number> | ArrayLike<boolean>, dtype?: InstructionDType): Pattern {
    const resolved =
      dtype ?? (values.length > 0 && typeof values[0] === 'boolean' ? 'bool' : 'float64');
    const layout = InstructionLayout.scalar(checkDType(resolved));
    const single = values.length === 1 ? values[0] : undefined;
    if (resolved === 'float64' && typeof single === 'number' && Number.isFinite(single)) {
      const at = FLOAT64_SLOTS.take(1);
      FLOAT64_SLOTS.block[at] = single;
      return new Pattern(layout, FLOAT64_SLOTS.columns, at, 1);
    }
    return new Pattern(layout, [toColumn(values, resolved, '')], 0, values.length);
  }

  /**
   * A single-channel pattern from a typed array (copied); the dtype defaults to the array's own
   * (`Uint8Array` is `uint8`: pass `'bool'` for booleans).
   */
  static fromArray(values: InstructionArray, dtype?: InstructionDType): Pattern {
    return Pattern.of(values as ArrayLike<number>, dtype ?? dtypeOfArray(values));
  }

  /**
   * A structured pattern from named columns of equal length (copied).
   * @param dtypes the dtype of each column; defaults as in {@link Pattern.of}.
   */
  static fromColumns(
    columns: Readonly<Record<string, ChannelValues>>,
    dtypes: Readonly<Record<string, InstructionDType>> = {},
  ): Pattern {
    const names = Object.keys(columns);
    const length = names.length > 0 ? columns[names[0]!]!.length : 0;
    const fields = names.map((name) => {
      const values = columns[name]!;
      if (values.length !== length) {
        throw new InstructionTypeError(
          `column has ${values.length} values, expected ${length} like "${names[0]}"`,
          { location: { channel: name } },
        );
      }
      const dtype =
        dtypes[name] ??
        (ArrayBuffer.isView(values)
          ? dtypeOfArray(values)
          : values.length > 0 && typeof values[0] === 'boolean'
            ? 'bool'
            : 'float64');
      return { name, dtype: checkDType(dtype) };
    });
    const layout = InstructionLayout.structured(fields);
    const data = fields.map((f) => toColumn(columns[f.name]!, f.dtype, f.name));
    return new Pattern(layout, data, 0, length);
  }

  /** The empty instruction (0 ticks) with a layout or a scalar dtype. */
  static empty(layout: InstructionLayout | InstructionDType): Pattern {
    const resolved = typeof layout === 'string' ? InstructionLayout.scalar(layout) : layout;
    return new Pattern(
      resolved,
      resolved.fields.map((f) => allocateTyped(f.dtype, 0)),
      0,
      0,
    );
  }

  /** A read-only view on the values of one channel (default: the first/only one). */
  column(field: string | number = 0): ReadonlyInstructionArray {
    const f = this.layout.resolve(field);
    return this.columns[f]!.subarray(this.offset, this.offset + this.length);
  }

  /** The values of a scalar pattern (a view); same as `column(0)`. */
  get array(): ReadonlyInstructionArray {
    return this.column(0);
  }

  override numberAt(index: number, fieldIndex: number): number {
    return this.columns[fieldIndex]![this.offset + index]!;
  }

  override equals(other: TimedInstruction): boolean {
    if (this === other) return true;
    if (!(other instanceof Pattern)) return false;
    if (this.length !== other.length || !this.layout.equals(other.layout)) return false;
    for (let f = 0; f < this.columns.length; f++) {
      const a = this.columns[f]!;
      const b = other.columns[f]!;
      if (a === b && this.offset === other.offset) continue;
      for (let i = 0; i < this.length; i++) {
        if (a[this.offset + i] !== b[other.offset + i]) return false;
      }
    }
    return true;
  }

  override toString(): string {
    const shown = Math.min(this.length, PREVIEW);
    const items: string[] = [];
    for (let i = 0; i < shown; i++) {
      if (this.layout.structured) {
        items.push(
          `{${this.layout.fields.map((f, k) => `${f.name}: ${formatValue(this.numberAt(i, k), f.dtype)}`).join(', ')}}`,
        );
      } else {
        items.push(formatValue(this.numberAt(i, 0), this.layout.dtype));
      }
    }
    if (this.length > shown) items.push(`... (${this.length} values)`);
    return `[${items.join(', ')}]`;
  }
}

function formatValue(value: number, dtype: InstructionDType): string {
  return dtype === 'bool' ? (value !== 0 ? 'true' : 'false') : String(value);
}

function checkDType(dtype: InstructionDType): InstructionDType {
  if (!isInstructionDType(dtype))
    throw new InstructionTypeError(`unknown dtype "${String(dtype)}"`);
  return dtype;
}

/** The natural dtype of a typed array. */
function dtypeOfArray(values: InstructionArray): InstructionDType {
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int8Array) return 'int8';
  if (values instanceof Int16Array) return 'int16';
  if (values instanceof Uint16Array) return 'uint16';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint32Array) return 'uint32';
  return 'uint8';
}

/** Copies and validates JS values into a new column of `dtype`. */
function toColumn(
  values: ArrayLike<number> | ArrayLike<boolean>,
  dtype: InstructionDType,
  channel: string,
): InstructionArray {
  const column = allocateTyped(dtype, values.length);
  const float = isFloatDType(dtype);
  for (let i = 0; i < values.length; i++) {
    const raw: unknown = values[i];
    let value: number;
    if (typeof raw === 'boolean') {
      value = raw ? 1 : 0;
    } else if (typeof raw === 'number') {
      value = raw;
    } else {
      throw new InstructionTypeError(`value at index ${i} is not a number or boolean`, {
        location: channel ? { channel } : {},
      });
    }
    if (!isRepresentable(value, dtype)) {
      throw new InstructionValueError(
        float
          ? `value ${value} at index ${i} is not finite: float patterns must be finite`
          : `value ${value} at index ${i} does not fit dtype ${dtype}`,
        { location: channel ? { channel } : {} },
      );
    }
    column[i] = value;
  }
  return column;
}
