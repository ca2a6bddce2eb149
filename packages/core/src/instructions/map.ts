import { type InstructionDType, allocateTyped, isFloatDType } from './dtype.js';
import { InstructionTypeError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { rebuild } from './internal/rebuild.js';
import { readRange } from './internal/read-values.js';
import { checkUnrollable, storeValue } from './internal/store-value.js';
import { Pattern } from './pattern.js';
import { Ramp } from './ramp.js';
import type { TimedInstruction } from './timed-instruction.js';

/** Options of {@link mapInstruction}. */
export interface MapOptions {
  /** dtype of the result; defaults to the input's. */
  readonly dtype?: InstructionDType;
  /**
   * Declares the function affine (`f(x) = a*x + b`): a ramp is then mapped through its two ends and
   * stays a ramp. Otherwise a ramp is unrolled into explicit values (constant ramps never are).
   */
  readonly affine?: boolean;
}

/**
 * Applies `fn` to every value of a single-channel instruction, keeping the structure: a pattern is
 * mapped value by value, a Repeated maps its child once, ramps as described in {@link MapOptions}.
 * `fn` receives stored numbers (booleans as 0/1) and may return a number or a boolean.
 * @throws InstructionTypeError for a structured instruction; InstructionValueError when a result
 * does not fit the dtype (floats must be finite).
 */
export function mapInstruction(
  instruction: TimedInstruction,
  fn: (value: number) => number | boolean,
  options: MapOptions = {},
): TimedInstruction {
  if (instruction.layout.structured) {
    throw new InstructionTypeError(
      `mapInstruction works on one channel; extract it first (got ${instruction.layout.toString()})`,
    );
  }
  const dtype = options.dtype ?? instruction.layout.dtype;
  const layout = InstructionLayout.scalar(dtype);
  return rebuild(instruction, layout, (leaf) => {
    if (leaf.kind === 'ramp') {
      const start = leaf.start();
      const stop = leaf.stop();
      if (start === stop) {
        const value = storeValue(fn(start), dtype);
        return new Ramp(layout, Float64Array.of(value, value), 0, 1, leaf.length);
      }
      if (options.affine === true && isFloatDType(dtype)) {
        return Ramp.fromEnds(
          layout,
          [storeValue(fn(start), dtype)],
          [storeValue(fn(stop), dtype)],
          leaf.length,
        );
      }
    }
    const length = leaf.length;
    checkUnrollable(leaf.kind, length);
    let source: Pattern['columns'][number];
    let from = 0;
    if (leaf.kind === 'pattern') {
      source = leaf.columns[0]!;
      from = leaf.offset;
    } else {
      source = new Float64Array(length);
      readRange(leaf, 0, 0, length, source, 0);
    }
    const column = allocateTyped(dtype, length);
    for (let i = 0; i < length; i++) column[i] = storeValue(fn(source[from + i]!), dtype);
    return new Pattern(layout, [column], 0, length);
  });
}
