import { promoteDTypes } from './dtype.js';
import { castInstruction } from './cast.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { ConcatBuilder } from './internal/concat-builder.js';
import type { TimedInstruction } from './timed-instruction.js';

/**
 * The instructions one after another. Nested concatenations are flattened, empty pieces dropped and
 * adjacent patterns fused into one pattern; the result is the empty pattern, the single remaining
 * piece, or a Concatenated. Scalar instructions of different dtypes are promoted to a common dtype
 * (bool < integers < float64); structured ones must have the same channels.
 * @throws InstructionValueError with no argument; InstructionTypeError for incompatible layouts.
 */
export function concatenate(...instructions: readonly TimedInstruction[]): TimedInstruction {
  if (instructions.length === 0) {
    throw new InstructionValueError('concatenate needs at least one instruction');
  }
  let pieces = instructions;
  const layout = instructions[0]!.layout;
  if (!instructions.every((x) => x.layout === layout || x.layout.equals(layout))) {
    if (instructions.some((x) => x.layout.structured)) {
      const other = instructions.find((x) => !x.layout.equals(layout))!;
      throw new InstructionTypeError(
        `cannot concatenate ${layout.toString()} with ${other.layout.toString()}`,
      );
    }
    const dtype = instructions.map((x) => x.layout.dtype).reduce(promoteDTypes);
    pieces = instructions.map((x) => castInstruction(x, dtype));
  }
  const builder = new ConcatBuilder(pieces[0]!.layout);
  for (const piece of pieces) builder.push(piece);
  return builder.build();
}
