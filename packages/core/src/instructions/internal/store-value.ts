import { type InstructionDType, isFloatDType, isRepresentable } from '../dtype.js';
import { InstructionTooLargeError, InstructionValueError } from '../instruction-errors.js';
import { DEFAULT_MAX_PATTERN_LENGTH } from '../to-pattern.js';

/**
 * Converts a mapped value for storage in `dtype`: booleans become 0/1 and a number stored as bool
 * becomes its truthiness; anything else must fit the dtype (floats: finite).
 * @throws InstructionValueError naming the value.
 */
export function storeValue(value: number | boolean, dtype: InstructionDType): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (dtype === 'bool') return value !== 0 && !Number.isNaN(value) ? 1 : 0;
  if (typeof value !== 'number' || !isRepresentable(value, dtype)) {
    throw new InstructionValueError(
      isFloatDType(dtype)
        ? `a computed value is ${String(value)}: float values must be finite`
        : `a computed value is ${String(value)}, which does not fit dtype ${dtype}`,
    );
  }
  return value;
}

/**
 * Refuses to unroll a ramp longer than the `toPattern` limit into explicit values.
 * @throws InstructionTooLargeError naming the length.
 */
export function checkUnrollable(kind: string, length: number): void {
  if (kind === 'ramp' && length > DEFAULT_MAX_PATTERN_LENGTH) {
    throw new InstructionTooLargeError(
      `a non-linear function of a ${length}-tick ramp would be unrolled into explicit values ` +
        `(limit ${DEFAULT_MAX_PATTERN_LENGTH})`,
    );
  }
}
