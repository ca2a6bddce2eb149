import type { DType } from '../data/index.js';

/**
 * Element types of instruction channels: the data module's dtypes without the 64-bit integers (tick
 * counts and values stay exact JS numbers). Booleans are stored as 0/1 in a `Uint8Array`; every
 * other type maps to the typed array of the same name.
 */
export type InstructionDType = Exclude<DType, 'int64' | 'uint64'>;

/** All dtypes, in promotion order (see {@link promoteDTypes}). */
export const INSTRUCTION_DTYPES: readonly InstructionDType[] = [
  'bool',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'float32',
  'float64',
];

/** A typed array that can hold the values of some {@link InstructionDType}. */
export type InstructionArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** The typed array storing values of dtype `D`. */
export type InstructionArrayOf<D extends InstructionDType> = D extends 'bool' | 'uint8'
  ? Uint8Array
  : D extends 'int8'
    ? Int8Array
    : D extends 'int16'
      ? Int16Array
      : D extends 'uint16'
        ? Uint16Array
        : D extends 'int32'
          ? Int32Array
          : D extends 'uint32'
            ? Uint32Array
            : D extends 'float32'
              ? Float32Array
              : Float64Array;

/**
 * A view on instruction data. Instructions are immutable and share their arrays: never write
 * through such a view (the type forbids index assignment; copy with `slice()` to get your own).
 */
export type ReadonlyInstructionArray = Readonly<InstructionArray>;

type TypedArrayConstructor = new (length: number) => InstructionArray;

const CONSTRUCTORS: Record<InstructionDType, TypedArrayConstructor> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

const INTEGER_RANGES: Partial<Record<InstructionDType, readonly [number, number]>> = {
  bool: [0, 1],
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

/** True if `value` names a dtype. */
export function isInstructionDType(value: unknown): value is InstructionDType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CONSTRUCTORS, value);
}

/** True for `float32` and `float64`: the only dtypes a ramp may vary in. */
export function isFloatDType(dtype: InstructionDType): boolean {
  return dtype === 'float64' || dtype === 'float32';
}

/** A zero-filled typed array for `length` values of `dtype`. */
export function allocateTyped<D extends InstructionDType>(
  dtype: D,
  length: number,
): InstructionArrayOf<D> {
  return new CONSTRUCTORS[dtype](length) as InstructionArrayOf<D>;
}

/** True if the typed array is the storage type of `dtype` (bool and uint8 share `Uint8Array`). */
export function matchesDType(array: InstructionArray, dtype: InstructionDType): boolean {
  return array instanceof CONSTRUCTORS[dtype];
}

/**
 * Whether `value` can be stored exactly in `dtype` (bool: 0 or 1; integers: in range and integral;
 * floats: finite, and for float32 representable without overflow).
 */
export function isRepresentable(value: number, dtype: InstructionDType): boolean {
  const range = INTEGER_RANGES[dtype];
  if (range !== undefined) {
    return Number.isInteger(value) && value >= range[0] && value <= range[1];
  }
  if (!Number.isFinite(value)) return false;
  return dtype === 'float64' || Number.isFinite(Math.fround(value));
}

/**
 * The dtype that holds values of both: equal dtypes stay, bool promotes to anything, two integer
 * types promote to the smallest integer type covering both ranges, anything else to float64.
 */
export function promoteDTypes(a: InstructionDType, b: InstructionDType): InstructionDType {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  const ra = INTEGER_RANGES[a];
  const rb = INTEGER_RANGES[b];
  if (ra !== undefined && rb !== undefined) {
    const low = Math.min(ra[0], rb[0]);
    const high = Math.max(ra[1], rb[1]);
    for (const candidate of INSTRUCTION_DTYPES) {
      const r = INTEGER_RANGES[candidate];
      if (candidate !== 'bool' && r !== undefined && r[0] <= low && r[1] >= high) return candidate;
    }
  }
  return 'float64';
}

/** The JS value of a stored number: a boolean for `bool`, the number otherwise. */
export function toScalar(value: number, dtype: InstructionDType): number | boolean {
  return dtype === 'bool' ? value !== 0 : value;
}
