import type { DType, DataLabel, NDArray } from '../data/index.js';
import { RecoverableError } from '../errors/index.js';

/**
 * An array label of a sequence as one column: every shot that has it holds an array of this dtype
 * and shape (a picture, a trace). Exports store it with the shot as first axis.
 */
export interface ArrayColumn {
  readonly label: DataLabel;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Values per shot (the product of the shape). */
  readonly size: number;
  /** How many of the sequence's shots have it. */
  readonly shots: number;
}

/**
 * The arrays of one label differ from shot to shot (dtype or shape), so they cannot be one column
 * or dataset. Names the sequence, shot and label.
 */
export class ArrayLayoutError extends RecoverableError {
  static override readonly code: string = 'ARRAY_LAYOUT';
}

/** The error for an array that does not fit its column, if it does not. */
export function arrayLayoutMismatch(
  sequence: string,
  index: number,
  column: ArrayColumn,
  array: NDArray,
): ArrayLayoutError | undefined {
  const same =
    array.dtype === column.dtype &&
    array.shape.length === column.shape.length &&
    array.shape.every((n, i) => n === column.shape[i]);
  if (same) return undefined;
  return new ArrayLayoutError(
    `array "${column.label}" of shot ${index} is ${array.dtype} [${array.shape.join(', ')}], but the sequence's first one is ${column.dtype} [${column.shape.join(', ')}]: arrays of different dtypes or shapes cannot share a column; export them as .npy files (--arrays files) instead`,
    { location: { sequence, shot: index, label: column.label } },
  );
}
