import { type InstructionDType, isInstructionDType } from './dtype.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { FLOAT64_SLOTS } from './internal/leaf-slots.js';
import { Pattern } from './pattern.js';
import { repeat } from './repeat.js';
import type { TimedInstruction } from './timed-instruction.js';

// Booleans are the most common constants (digital lanes, triggers): share their one-value leaves.
const TRUE = Pattern.of([true]);
const FALSE = Pattern.of([false]);
const FLOAT64 = InstructionLayout.scalar('float64');

/**
 * One value held for `length` ticks: `repeat(Pattern.of([value]), length)`, without allocating a
 * new leaf for booleans; a float64 value takes a slot in shared storage (its Pattern is a one-tick
 * window on a shared block), so a constant costs two small nodes. The dtype defaults to `bool` for a boolean and `float64` for a number.
 * @throws InstructionValueError if the value does not fit the dtype (floats must be finite) or the
 * length is not a non-negative safe integer.
 */
export function constantInstruction(
  value: number | boolean,
  length: number,
  dtype?: InstructionDType,
): TimedInstruction {
  const resolved = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float64');
  if (!isInstructionDType(resolved))
    throw new InstructionTypeError(`unknown dtype "${String(resolved)}"`);
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new InstructionValueError(`a length must be a non-negative integer, got ${length}`);
  }
  if (resolved === 'bool' && (typeof value === 'boolean' || value === 0 || value === 1)) {
    return repeat(value === true || value === 1 ? TRUE : FALSE, length);
  }
  if (resolved === 'float64' && typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new InstructionValueError(`value ${value} is not finite: float values must be finite`);
    }
    if (length === 0) return Pattern.empty(FLOAT64);
    const at = FLOAT64_SLOTS.take(1);
    FLOAT64_SLOTS.block[at] = value;
    return repeat(new Pattern(FLOAT64, FLOAT64_SLOTS.columns, at, 1), length);
  }
  return repeat(Pattern.of([value] as number[] | boolean[], resolved), length);
}
