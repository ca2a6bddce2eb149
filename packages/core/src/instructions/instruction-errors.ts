import { ContractViolationError, InvalidTypeError, InvalidValueError } from '../errors/index.js';

/**
 * An instruction value or argument is not allowed: a non-finite float, a negative repetition count,
 * an index or slice outside the instruction, a ramp varying in an integer channel...
 */
export class InstructionValueError extends InvalidValueError {
  static override readonly code: string = 'INSTRUCTION_VALUE';
}

/**
 * Instructions that must agree do not: different lengths or channel layouts, an unknown or duplicate
 * channel name, a repetition count that is not an integer.
 */
export class InstructionTypeError extends InvalidTypeError {
  static override readonly code: string = 'INSTRUCTION_TYPE';
}

/**
 * An operation would materialise more values than allowed (e.g. `toPattern` of a 1 s shot at 1 ns,
 * or a change table of a 1 GHz square wave). The message says how many values it needed.
 */
export class InstructionTooLargeError extends InvalidValueError {
  static override readonly code: string = 'INSTRUCTION_TOO_LARGE';
}

/** A transferred instruction is malformed (a bug in the sender, or foreign data). */
export class InstructionDecodeError extends ContractViolationError {
  static override readonly code: string = 'INSTRUCTION_DECODE';
}
