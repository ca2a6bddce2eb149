import { type InstructionDType, allocateTyped, isFloatDType } from './dtype.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { rebuild } from './internal/rebuild.js';
import { readRange } from './internal/read-values.js';
import { checkUnrollable, storeValue } from './internal/store-value.js';
import { stackChannels } from './internal/sweep.js';
import { Pattern } from './pattern.js';
import { Ramp } from './ramp.js';
import type { TimedInstruction } from './timed-instruction.js';

/** Options of {@link zipInstructions}. */
export interface ZipOptions {
  /** dtype of the result; default float64. */
  readonly dtype?: InstructionDType;
  /**
   * Given the slopes of the inputs on a ramp segment, whether `fn` is affine there, so that the
   * result is a ramp through `fn(starts)` and `fn(stops)`. E.g. `() => true` for a sum,
   * `(s) => s[0] === 0 || s[1] === 0` for a product. Without it ramps are unrolled, unless every
   * input is constant on the segment.
   */
  readonly linear?: (slopes: readonly number[]) => boolean;
}

/**
 * Combines single-channel instructions of equal length tick by tick: `fn(values)` where `values[i]`
 * is input i's stored number (booleans as 0/1). The inputs are stacked first (split at the union
 * of their boundaries, repeats and ramps kept), so the result stays compressed — e.g. the AND of
 * two 1 s digital lanes at 1 ns, or `a + b` of two analog ramps. The `values` array passed to `fn`
 * is reused between calls.
 * @throws InstructionTypeError for a structured input or different lengths; InstructionValueError
 * when a result does not fit the dtype.
 */
export function zipInstructions(
  inputs: readonly TimedInstruction[],
  fn: (values: readonly number[]) => number | boolean,
  options: ZipOptions = {},
): TimedInstruction {
  if (inputs.length === 0) throw new InstructionValueError('zipInstructions needs an input');
  const length = inputs[0]!.length;
  inputs.forEach((x, i) => {
    if (x.layout.structured) {
      throw new InstructionTypeError(`input ${i} has several channels: extract one first`);
    }
    if (x.length !== length) {
      throw new InstructionTypeError(
        `cannot combine instructions of different lengths (${inputs.map((y) => y.length).join(', ')})`,
      );
    }
  });
  const dtype = options.dtype ?? 'float64';
  const layout = InstructionLayout.scalar(dtype);
  const stackedLayout = InstructionLayout.structured(
    inputs.map((x, i) => ({ name: String(i), dtype: x.layout.dtype })),
  );
  const stacked = stackChannels(inputs, stackedLayout);
  const k = inputs.length;
  const values: number[] = new Array<number>(k).fill(0);
  const stops: number[] = new Array<number>(k).fill(0);
  const slopes: number[] = new Array<number>(k).fill(0);
  return rebuild(stacked, layout, (leaf) => {
    if (leaf.kind === 'ramp') {
      let constant = true;
      for (let f = 0; f < k; f++) {
        values[f] = leaf.start(f);
        stops[f] = leaf.stop(f);
        slopes[f] = leaf.slope(f);
        if (slopes[f] !== 0) constant = false;
      }
      if (constant) {
        const v = storeValue(fn(values), dtype);
        return new Ramp(layout, Float64Array.of(v, v), 0, 1, leaf.length);
      }
      if (isFloatDType(dtype) && options.linear?.(slopes) === true) {
        const start = storeValue(fn(values), dtype);
        const stop = storeValue(fn(stops), dtype);
        return Ramp.fromEnds(layout, [start], [stop], leaf.length);
      }
    }
    const n = leaf.length;
    checkUnrollable(leaf.kind, n);
    const sources: { column: Pattern['columns'][number]; from: number }[] = [];
    for (let f = 0; f < k; f++) {
      if (leaf.kind === 'pattern') {
        sources.push({ column: leaf.columns[f]!, from: leaf.offset });
      } else {
        const column = new Float64Array(n);
        readRange(leaf, f, 0, n, column, 0);
        sources.push({ column, from: 0 });
      }
    }
    const out = allocateTyped(dtype, n);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < k; f++) values[f] = sources[f]!.column[sources[f]!.from + i]!;
      out[i] = storeValue(fn(values), dtype);
    }
    return new Pattern(layout, [out], 0, n);
  });
}
