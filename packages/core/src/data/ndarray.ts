import { InvalidValueError } from '../errors/index.js';

/** Element types an {@link NDArray} can hold (numpy names). `bool` is stored one byte per value. */
export type DType =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'float32'
  | 'float64'
  | 'int64'
  | 'uint64';

/** The typed array backing each dtype. */
export interface DTypeArrays {
  bool: Uint8Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
}

type TypedArrayConstructor<D extends DType> = {
  new (length: number): DTypeArrays[D];
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): DTypeArrays[D];
  readonly BYTES_PER_ELEMENT: number;
};

const CONSTRUCTORS: { [D in DType]: TypedArrayConstructor<D> } = {
  bool: Uint8Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
};

/** All supported dtypes. */
export const DTYPES: readonly DType[] = Object.keys(CONSTRUCTORS) as DType[];

/** True if `value` names a supported dtype. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(CONSTRUCTORS, value);
}

/** Bytes per element of a dtype. */
export function dtypeSize(dtype: DType): number {
  return CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
}

/**
 * An n-dimensional array: dtype, shape and a typed array of the values in row-major (C) order, the
 * layout numpy and polars read directly. Images are `[height, width]` (row `y`, column `x`).
 * Immutable by convention: shotline never writes into an array it was given.
 */
export class NDArray<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: DTypeArrays[D];

  constructor(dtype: D, shape: readonly number[], data: DTypeArrays[D]) {
    if (!isDType(dtype)) throw new InvalidValueError(`unknown dtype "${String(dtype)}"`);
    for (const n of shape) {
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new InvalidValueError(`invalid array shape [${shape.join(', ')}]`);
      }
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (!(data instanceof CONSTRUCTORS[dtype])) {
      throw new InvalidValueError(`data for dtype ${dtype} must be a ${CONSTRUCTORS[dtype].name}`);
    }
    if (data.length !== size) {
      throw new InvalidValueError(
        `array of shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`,
      );
    }
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.data = data;
  }

  /** A zero-filled array. */
  static zeros<D extends DType>(dtype: D, shape: readonly number[]): NDArray<D> {
    const size = shape.reduce((a, b) => a * b, 1);
    return new NDArray(dtype, shape, new CONSTRUCTORS[dtype](size));
  }

  /**
   * Views raw C-order bytes as an array (no copy when the offset is aligned; a copy otherwise).
   * Used by storage backends to read arrays back.
   */
  static fromBytes<D extends DType>(
    dtype: D,
    shape: readonly number[],
    bytes: Uint8Array,
  ): NDArray<D> {
    if (!isDType(dtype)) throw new InvalidValueError(`unknown dtype "${String(dtype)}"`);
    const ctor = CONSTRUCTORS[dtype];
    const size = shape.reduce((a, b) => a * b, 1);
    if (bytes.byteLength !== size * ctor.BYTES_PER_ELEMENT) {
      throw new InvalidValueError(
        `${bytes.byteLength} bytes do not hold a ${dtype} array of shape [${shape.join(', ')}]`,
      );
    }
    if (bytes.byteOffset % ctor.BYTES_PER_ELEMENT === 0) {
      return new NDArray(dtype, shape, new ctor(bytes.buffer, bytes.byteOffset, size));
    }
    const copy = new Uint8Array(bytes);
    return new NDArray(dtype, shape, new ctor(copy.buffer, 0, size));
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The raw C-order bytes (a view, no copy). */
  bytes(): Uint8Array {
    return new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }

  /** Value equality: same dtype, shape and bytes. */
  equals(other: NDArray): boolean {
    if (this.dtype !== other.dtype || this.shape.length !== other.shape.length) return false;
    if (this.shape.some((n, i) => n !== other.shape[i])) return false;
    return Buffer.from(this.bytes()).equals(Buffer.from(other.bytes()));
  }
}

/** True for an {@link NDArray}, also one made by another copy of this module. */
export function isNDArray(value: unknown): value is NDArray {
  return (
    value instanceof NDArray ||
    (typeof value === 'object' &&
      value !== null &&
      // shape and data first: a getter named `dtype` on another class may throw (TimedInstruction)
      Array.isArray((value as NDArray).shape) &&
      ArrayBuffer.isView((value as NDArray).data) &&
      isDType((value as NDArray).dtype))
  );
}
