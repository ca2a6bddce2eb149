import { InstructionValueError } from './instruction-errors.js';
import { TimedInstruction } from './timed-instruction.js';

/**
 * One child played `repetitions` times in a row. Built by {@link repeat}: `repetitions >= 2`, the
 * child is non-empty and not itself Repeated (repeating a Repeated multiplies the counts).
 */
export class Repeated extends TimedInstruction {
  readonly kind = 'repeated' as const;
  readonly depth: number;
  /** How many times the child is played (>= 2). */
  readonly repetitions: number;
  /** The repeated child. */
  readonly instruction: TimedInstruction;

  /**
   * Checks the invariants; prefer {@link repeat}.
   * @throws InstructionValueError when an invariant does not hold.
   */
  constructor(repetitions: number, instruction: TimedInstruction) {
    if (!Number.isSafeInteger(repetitions) || repetitions < 2) {
      throw new InstructionValueError(
        `a Repeated node needs an integer repetition count >= 2, got ${repetitions}`,
      );
    }
    if (instruction.length === 0)
      throw new InstructionValueError('cannot repeat an empty instruction');
    if (instruction.kind === 'repeated') {
      throw new InstructionValueError('a Repeated node cannot hold a Repeated child');
    }
    const length = repetitions * instruction.length;
    if (!Number.isSafeInteger(length)) {
      throw new InstructionValueError(
        `${repetitions} repetitions of ${instruction.length} ticks exceed the safe integer range`,
      );
    }
    super(instruction.layout, length);
    this.repetitions = repetitions;
    this.instruction = instruction;
    this.depth = instruction.depth + 1;
  }

  override numberAt(index: number, fieldIndex: number): number {
    return this.instruction.numberAt(index % this.instruction.length, fieldIndex);
  }

  override equals(other: TimedInstruction): boolean {
    if (this === other) return true;
    return (
      other instanceof Repeated &&
      this.repetitions === other.repetitions &&
      this.instruction.equals(other.instruction)
    );
  }

  override toString(): string {
    const inner = this.instruction.toString();
    return this.instruction.kind === 'concatenated'
      ? `${this.repetitions} * (${inner})`
      : `${this.repetitions} * ${inner}`;
  }
}
