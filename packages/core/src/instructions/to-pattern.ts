import { allocateTyped } from './dtype.js';
import { InstructionTooLargeError } from './instruction-errors.js';
import { readRange } from './internal/read-values.js';
import { Pattern } from './pattern.js';
import type { TimedInstruction } from './timed-instruction.js';

/** Options of {@link toPattern}. */
export interface ToPatternOptions {
  /** Refuse to materialise more than this many ticks (default 2^27, about 134 million). */
  readonly maxLength?: number;
}

/** Default cap of {@link toPattern}. */
export const DEFAULT_MAX_PATTERN_LENGTH = 1 << 27;

/**
 * All tick values as one explicit Pattern (the instruction itself if it already is one). This is the
 * expensive escape hatch: prefer walking the tree or a change table.
 * @throws InstructionTooLargeError if the instruction is longer than `maxLength`.
 */
export function toPattern(instruction: TimedInstruction, options: ToPatternOptions = {}): Pattern {
  if (instruction.kind === 'pattern') return instruction as Pattern;
  const limit = options.maxLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  const length = instruction.length;
  if (length > limit) {
    throw new InstructionTooLargeError(
      `materialising ${length} ticks exceeds the limit of ${limit}: walk the instruction or use a change table instead`,
    );
  }
  const columns = instruction.layout.fields.map((field, f) => {
    const column = allocateTyped(field.dtype, length);
    readRange(instruction, f, 0, length, column, 0);
    return column;
  });
  return new Pattern(instruction.layout, columns, 0, length);
}
