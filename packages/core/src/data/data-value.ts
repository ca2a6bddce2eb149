import { InvalidValueError } from '../errors/index.js';
import { type NDArray, isNDArray } from './ndarray.js';

/** JSON-compatible data a device can produce (a measured value, a status record...). */
export type StructuredData =
  null | boolean | number | string | StructuredData[] | { [key: string]: StructuredData };

/** Anything a device can signal for a shot: an n-d array or structured JSON data. */
export type DataValue = NDArray | StructuredData;

/**
 * Name of a piece of shot data. Camera pictures are `<device>\<picture>`; other devices choose their
 * labels, conventionally prefixed by the device name.
 */
export type DataLabel = string;

/**
 * Checks that a value can be stored as shot data: an {@link NDArray}, or JSON made of finite numbers,
 * strings, booleans, null, arrays and plain objects. Throws naming the offending place.
 */
export function assertDataValue(value: unknown, where = 'data'): asserts value is DataValue {
  if (isNDArray(value)) return;
  const visit = (v: unknown, at: string): void => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new InvalidValueError(`${at} is ${v}: data numbers must be finite`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${at}[${i}]`));
      return;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, item] of Object.entries(v)) visit(item, `${at}.${k}`);
      return;
    }
    throw new InvalidValueError(
      `${at} cannot be stored: ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}` +
        ` (use an NDArray or JSON data)`,
    );
  };
  visit(value, where);
}
