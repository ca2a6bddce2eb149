import { type InstructionDType, toScalar } from './dtype.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import type { InstructionField, InstructionLayout } from './instruction-layout.js';
import { valuesEqual } from './internal/values-equal.js';

/** The four node types of an instruction tree; `kind` discriminates them. */
export type InstructionKind = 'pattern' | 'concatenated' | 'repeated' | 'ramp';

/** The JS value of one channel at one tick: a boolean for `bool` channels, a number otherwise. */
export type ScalarValue = number | boolean;

/**
 * An immutable, compressed description of one value per clock tick, for one channel or several named
 * channels ("ch 0", "ch 1"...). A tree of four node types:
 * - `Pattern`: explicit values (typed arrays);
 * - `Concatenated`: children one after another;
 * - `Repeated`: one child repeated n times;
 * - `Ramp`: linear ramps, value `start + i * (stop - start) / length` at tick i (stop excluded).
 *
 * `length` is the number of ticks; a 1 s shot at 1 ns is `Repeated(1e9, Pattern([x]))`, never 1e9
 * values. Build instructions with `Pattern.of`, `createRamp`, `concatenate`, `repeat`,
 * `stackInstructions`... and walk them by switching on `kind` (see the driver guide in
 * `packages/core/docs/instructions.md`).
 *
 * `equals` is structural (same tree); `valueEquals` compares the tick values.
 */
export abstract class TimedInstruction {
  /** Discriminates the node type; narrow with `switch (x.kind)` after `asNode(x)`. */
  abstract readonly kind: InstructionKind;
  /** Number of nesting levels below this node (a Pattern is 0, a Ramp 1). */
  abstract readonly depth: number;
  /** The channels and their dtypes. */
  readonly layout: InstructionLayout;
  /** Number of clock ticks. */
  readonly length: number;

  protected constructor(layout: InstructionLayout, length: number) {
    this.layout = layout;
    this.length = length;
  }

  /** Number of channels (1 for a scalar instruction). */
  get width(): number {
    return this.layout.width;
  }

  /** The channels, in order (one unnamed field for a scalar instruction). */
  get fields(): readonly InstructionField[] {
    return this.layout.fields;
  }

  /**
   * The dtype of a scalar instruction.
   * @throws InstructionTypeError for a structured instruction: use `dtypeOf(name)`.
   */
  get dtype(): InstructionDType {
    if (this.layout.structured) {
      throw new InstructionTypeError(
        `a structured instruction ${this.layout.toString()} has one dtype per channel: use dtypeOf(name)`,
      );
    }
    return this.layout.dtype;
  }

  /** The dtype of a channel (by name or index). */
  dtypeOf(field: string | number): InstructionDType {
    return this.layout.fields[this.layout.resolve(field)]!.dtype;
  }

  /**
   * The stored number at a tick for a channel index, booleans as 0/1. No bounds checks: `index` must
   * be in `[0, length)` and `fieldIndex` in `[0, width)`. For drivers' inner loops.
   */
  abstract numberAt(index: number, fieldIndex: number): number;

  /**
   * The value of one channel at a tick. Negative indices count from the end.
   * @param field channel name or index; defaults to the first (only) channel.
   * @throws InstructionValueError if the index is out of range.
   */
  at(index: number, field: string | number = 0): ScalarValue {
    const i = this.normalizeIndex(index);
    const f = this.layout.resolve(field);
    return toScalar(this.numberAt(i, f), this.layout.fields[f]!.dtype);
  }

  /** All channel values at a tick, by channel name (`''` for a scalar instruction). */
  rowAt(index: number): Readonly<Record<string, ScalarValue>> {
    const i = this.normalizeIndex(index);
    const row: Record<string, ScalarValue> = {};
    this.layout.fields.forEach((f, k) => {
      row[f.name] = toScalar(this.numberAt(i, k), f.dtype);
    });
    return row;
  }

  /** Structural equality: same node types, same children, same stored values and layout. */
  abstract equals(other: TimedInstruction): boolean;

  /**
   * Value equality: same channel names, same length and the same value at every tick, whatever the
   * tree shapes (like comparing `toPattern()` of both, without materialising them). Computed on the
   * structure: its cost follows the number of segments of both trees and the explicit values
   * (patterns, sloped ramps) they hold, not the number of ticks, so two 1 s shots at 1 ns compare
   * in microseconds.
   */
  valueEquals(other: TimedInstruction): boolean {
    if (this === other) return true;
    if (this.length !== other.length || this.width !== other.width) return false;
    for (let f = 0; f < this.width; f++) {
      if (this.layout.fields[f]!.name !== other.layout.fields[f]!.name) return false;
    }
    return valuesEqual(this, other);
  }

  /** A short readable form such as `6 * [0, 1] + 0 -4-> 1`. */
  abstract toString(): string;

  private normalizeIndex(index: number): number {
    const i = index < 0 ? this.length + index : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new InstructionValueError(
        `index ${index} is out of range for an instruction of length ${this.length}`,
      );
    }
    return i;
  }
}
