import {
  type DType,
  type DataLabel,
  NDArray,
  dtypeSize,
  isDType,
  isNDArray,
} from '../data/index.js';
import type { ErrorLocation } from '../errors/index.js';
import type { SequencePath } from '../path/index.js';
import { type Result, err, ok } from '../result/index.js';
import type { ShotInput } from './session-storage.js';
import { InvalidStorageDataError, ShotIndexError } from './storage-errors.js';
import { decodeStorageJson, encodeStorageJson } from './storage-json.js';
import { encodeStorageDate } from './storage-validation.js';

/** An n-d array of a shot, ready for a database row: dtype, shape as JSON text, C-order bytes. */
export interface PreparedArrayData {
  label: DataLabel;
  dtype: DType;
  /** JSON array of the dimensions, e.g. `[512,512]`. */
  shape: string;
  /**
   * The values' bytes (little-endian on the platforms Node runs on), a view on the caller's array:
   * backends that keep data in memory must copy it.
   */
  bytes: Uint8Array;
}

/** Structured (JSON) data of a shot, ready for a database row. */
export interface PreparedStructuredData {
  label: DataLabel;
  content: string;
}

/**
 * A {@link ShotInput} checked and encoded once for every backend: times as milliseconds, parameters
 * and timing as JSON text, data split into structured JSON and arrays, labels sorted.
 */
export interface PreparedShot {
  index: number;
  startTime: number;
  endTime: number;
  parameters: string;
  timing: string;
  structured: PreparedStructuredData[];
  arrays: PreparedArrayData[];
}

/** The typed-array class NDArray uses for `dtype` (`Uint16Array` for uint16...). */
function arrayClassOf(dtype: DType): abstract new (...args: never[]) => ArrayBufferView {
  return NDArray.zeros(dtype, [0]).data.constructor as abstract new (
    ...args: never[]
  ) => ArrayBufferView;
}

function prepareArray(
  label: string,
  value: NDArray,
  location: ErrorLocation,
): Result<PreparedArrayData, InvalidStorageDataError> {
  const fail = (detail: string) =>
    err(new InvalidStorageDataError(`cannot store array "${label}": ${detail}`, { location }));
  if (!isDType(value.dtype)) return fail(`unknown dtype "${String(value.dtype)}"`);
  const shape = value.shape as unknown;
  if (!Array.isArray(shape) || shape.some((n) => !Number.isSafeInteger(n) || (n as number) < 0)) {
    return fail(`invalid shape ${JSON.stringify(shape)}`);
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  const data = value.data as ArrayBufferView;
  const arrayClass = arrayClassOf(value.dtype);
  if (!(data instanceof arrayClass)) {
    return fail(`data of dtype ${value.dtype} must be a ${arrayClass.name}`);
  }
  if (data.byteLength !== size * dtypeSize(value.dtype)) {
    return fail(`shape [${(shape as number[]).join(', ')}] needs ${size} values`);
  }
  return ok({
    label,
    dtype: value.dtype,
    shape: JSON.stringify(shape),
    bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

/**
 * Checks a shot and encodes it for storage. Everything about the shot itself is checked here (index,
 * times, parameters, timing, labels, JSON and arrays); what depends on the stored sequence (state,
 * expected count, duplicates) is checked by the backend in its transaction.
 */
export function prepareShot(
  path: SequencePath,
  shot: ShotInput,
): Result<PreparedShot, InvalidStorageDataError | ShotIndexError> {
  const sequence = path.toString();
  if (typeof shot !== 'object' || shot === null) {
    return err(new InvalidStorageDataError('a shot must be an object', { location: { sequence } }));
  }
  const index = shot.index as unknown;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    return err(
      new ShotIndexError(
        path,
        typeof index === 'number' ? index : NaN,
        `shot index ${String(index)} is not a non-negative integer`,
      ),
    );
  }
  const at: ErrorLocation = { sequence, shot: index };
  const start = encodeStorageDate(shot.startTime, 'shot start time', at);
  if (!start.ok) return start;
  const end = encodeStorageDate(shot.endTime, 'shot end time', at);
  if (!end.ok) return end;
  if (end.value < start.value) {
    return err(
      new InvalidStorageDataError(
        `shot end time ${shot.endTime.toISOString()} is before its start time ${shot.startTime.toISOString()}`,
        { location: at },
      ),
    );
  }
  const params = shot.parameters as unknown;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return err(
      new InvalidStorageDataError('shot parameters must be an object { "dotted.name": value }', {
        location: at,
      }),
    );
  }
  for (const name of Object.keys(params)) {
    if (name.length === 0) {
      return err(new InvalidStorageDataError('a parameter name is empty', { location: at }));
    }
  }
  const parameters = encodeStorageJson(params, 'parameters', at);
  if (!parameters.ok) return parameters;
  const timing = encodeStorageJson(shot.timing, 'timing', at);
  if (!timing.ok) return timing;
  const data = shot.data as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return err(
      new InvalidStorageDataError('shot data must be an object { label: value }', {
        location: at,
      }),
    );
  }
  const structured: PreparedStructuredData[] = [];
  const arrays: PreparedArrayData[] = [];
  for (const label of Object.keys(data).sort()) {
    const value = (data as Record<string, unknown>)[label];
    const where: ErrorLocation = { ...at, label };
    if (label.length === 0) {
      return err(new InvalidStorageDataError('a data label is empty', { location: at }));
    }
    if (isNDArray(value)) {
      const array = prepareArray(label, value, where);
      if (!array.ok) return array;
      arrays.push(array.value);
    } else {
      const content = encodeStorageJson(value, `data "${label}"`, where);
      if (!content.ok) return content;
      structured.push({ label, content: content.value });
    }
  }
  return ok({
    index,
    startTime: start.value,
    endTime: end.value,
    parameters: parameters.value,
    timing: timing.value,
    structured,
    arrays,
  });
}

/**
 * Checks several shots: each one, then that no index appears twice in the batch (the backend still
 * checks the indices already stored).
 */
export function prepareShots(
  path: SequencePath,
  shots: readonly ShotInput[],
): Result<PreparedShot[], InvalidStorageDataError | ShotIndexError> {
  if (!Array.isArray(shots)) {
    return err(
      new InvalidStorageDataError('shots must be an array', {
        location: { sequence: path.toString() },
      }),
    );
  }
  const prepared: PreparedShot[] = [];
  for (const shot of shots as readonly ShotInput[]) {
    const one = prepareShot(path, shot);
    if (!one.ok) return one;
    prepared.push(one.value);
  }
  return ok(prepared);
}

/** The first index that appears twice in `shots`, if any. */
export function findRepeatedShotIndex(shots: readonly { index: number }[]): number | undefined {
  const seen = new Set<number>();
  for (const { index } of shots) {
    if (seen.has(index)) return index;
    seen.add(index);
  }
  return undefined;
}

/** The error for a shot index that is not below the expected number of shots, if it is not. */
export function checkShotIndexRange(
  path: SequencePath,
  index: number,
  expectedShots: number | null,
): ShotIndexError | undefined {
  if (expectedShots === null || index < expectedShots) return undefined;
  return new ShotIndexError(
    path,
    index,
    expectedShots === 0
      ? `shot index ${index} is out of range: the sequence expects no shots`
      : `shot index ${index} is out of range: the sequence expects ${expectedShots} shots (0 to ${expectedShots - 1})`,
  );
}

/**
 * Rebuilds an array read from a database. A dtype, shape or byte count that does not fit (a corrupted
 * database) throws an {@link InvalidStorageDataError}.
 */
export function decodeStoredArray(
  dtype: unknown,
  shape: unknown,
  bytes: Uint8Array,
  location: ErrorLocation = {},
): NDArray {
  const what = location.label === undefined ? 'array' : `array "${location.label}"`;
  if (!isDType(dtype)) {
    throw new InvalidStorageDataError(`stored ${what} has unknown dtype "${String(dtype)}"`, {
      location,
    });
  }
  const dims =
    typeof shape === 'string' ? decodeStorageJson(shape, `${what} shape`, location) : shape;
  if (
    !Array.isArray(dims) ||
    dims.some((n) => typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
  ) {
    throw new InvalidStorageDataError(`stored ${what} has an invalid shape`, { location });
  }
  try {
    return NDArray.fromBytes(dtype, dims as number[], bytes);
  } catch (e) {
    throw new InvalidStorageDataError(`stored ${what} is corrupted: ${(e as Error).message}`, {
      location,
      cause: e,
    });
  }
}
