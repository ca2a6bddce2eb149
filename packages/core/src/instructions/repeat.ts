import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { Pattern } from './pattern.js';
import { Repeated } from './repeated.js';
import type { TimedInstruction } from './timed-instruction.js';

/**
 * `instruction` played `count` times: empty for 0, the instruction itself for 1, a Repeated node
 * otherwise (repeating a Repeated multiplies the counts).
 * @throws InstructionTypeError if `count` is not a safe integer; InstructionValueError if it is
 * negative or the total length is not a safe integer.
 */
export function repeat(instruction: TimedInstruction, count: number): TimedInstruction {
  if (typeof count !== 'number' || !Number.isSafeInteger(count)) {
    throw new InstructionTypeError(
      `a repetition count must be a safe integer, got ${String(count)}`,
    );
  }
  if (count < 0) throw new InstructionValueError(`a repetition count must be >= 0, got ${count}`);
  if (count === 0 || instruction.length === 0) return Pattern.empty(instruction.layout);
  if (count === 1) return instruction;
  if (instruction.kind === 'repeated') {
    const inner = instruction as Repeated;
    return new Repeated(checkedProduct(inner.repetitions, count), inner.instruction);
  }
  return new Repeated(count, instruction);
}

function checkedProduct(a: number, b: number): number {
  const product = a * b;
  if (!Number.isSafeInteger(product)) {
    throw new InstructionValueError(`${a} x ${b} repetitions exceed the safe integer range`);
  }
  return product;
}
