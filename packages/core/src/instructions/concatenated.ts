import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { TimedInstruction } from './timed-instruction.js';

/**
 * Children played one after another. Built by {@link concatenate} (which flattens, drops empty pieces
 * and fuses adjacent patterns), not directly: it has at least 2 children, none empty, none itself
 * Concatenated, all with the same layout.
 */
export class Concatenated extends TimedInstruction {
  readonly kind = 'concatenated' as const;
  readonly depth: number;
  /** The children, in order. */
  readonly instructions: readonly TimedInstruction[];
  /** Start tick of each child, plus the total length (children + 1 values). */
  readonly offsets: Readonly<Float64Array>;

  /**
   * Checks the invariants; prefer {@link concatenate}.
   * @throws InstructionValueError / InstructionTypeError when an invariant does not hold.
   */
  constructor(instructions: readonly TimedInstruction[]) {
    if (instructions.length < 2) {
      throw new InstructionValueError('a Concatenated node needs at least 2 children');
    }
    const layout = instructions[0]!.layout;
    const offsets = new Float64Array(instructions.length + 1);
    let depth = 0;
    let total = 0;
    for (let i = 0; i < instructions.length; i++) {
      const child = instructions[i]!;
      if (child.length === 0)
        throw new InstructionValueError('Concatenated children must not be empty');
      if (child.kind === 'concatenated') {
        throw new InstructionValueError('Concatenated children must not be Concatenated');
      }
      if (child.layout !== layout && !child.layout.equals(layout)) {
        throw new InstructionTypeError(
          `cannot concatenate ${child.layout.toString()} with ${layout.toString()}`,
        );
      }
      offsets[i] = total;
      total += child.length;
      if (child.depth > depth) depth = child.depth;
    }
    offsets[instructions.length] = total;
    if (!Number.isSafeInteger(total)) {
      throw new InstructionValueError(`total length ${total} exceeds the safe integer range`);
    }
    super(layout, total);
    this.instructions = instructions;
    this.offsets = offsets;
    this.depth = depth + 1;
  }

  /** Index of the child containing tick `position` (0 <= position < length). */
  childIndexAt(position: number): number {
    const offsets = this.offsets;
    let lo = 0;
    let hi = this.instructions.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  override numberAt(index: number, fieldIndex: number): number {
    const i = this.childIndexAt(index);
    return this.instructions[i]!.numberAt(index - this.offsets[i]!, fieldIndex);
  }

  override equals(other: TimedInstruction): boolean {
    if (this === other) return true;
    if (!(other instanceof Concatenated)) return false;
    if (this.length !== other.length || this.instructions.length !== other.instructions.length) {
      return false;
    }
    for (let i = 0; i < this.instructions.length; i++) {
      if (this.offsets[i] !== other.offsets[i]) return false;
    }
    for (let i = 0; i < this.instructions.length; i++) {
      if (!this.instructions[i]!.equals(other.instructions[i]!)) return false;
    }
    return true;
  }

  override toString(): string {
    return this.instructions.map((x) => x.toString()).join(' + ');
  }
}
