import type { Concatenated } from './concatenated.js';
import { concatenate } from './concatenate.js';
import { InstructionValueError } from './instruction-errors.js';
import { ConcatBuilder } from './internal/concat-builder.js';
import { Pattern } from './pattern.js';
import { Ramp } from './ramp.js';
import type { Repeated } from './repeated.js';
import { repeat } from './repeat.js';
import type { TimedInstruction } from './timed-instruction.js';

/**
 * Ticks `[start, stop)` of an instruction, still compressed: a pattern slice is a window (no copy);
 * a slice of a Repeated is the rotated block repeated q times plus a remainder; a slice of a Ramp is
 * a Ramp whose end is interpolated. Negative bounds count from the end; `stop` defaults to the
 * length.
 * @throws InstructionValueError if a bound is outside `[0, length]` or `start > stop`.
 */
export function sliceInstruction(
  instruction: TimedInstruction,
  start: number,
  stop: number = instruction.length,
): TimedInstruction {
  const length = instruction.length;
  const a = start < 0 ? length + start : start;
  const b = stop < 0 ? length + stop : stop;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b > length || a > b) {
    throw new InstructionValueError(
      `slice [${start}, ${stop}) is not valid for an instruction of length ${length}`,
    );
  }
  return sliceUnchecked(instruction, a, b);
}

/** Slice with `0 <= a <= b <= length` already checked. */
export function sliceUnchecked(x: TimedInstruction, a: number, b: number): TimedInstruction {
  if (a === 0 && b === x.length) return x;
  if (a === b) return Pattern.empty(x.layout);
  switch (x.kind) {
    case 'pattern': {
      const p = x as Pattern;
      return new Pattern(p.layout, p.columns, p.offset + a, b - a);
    }
    case 'ramp':
      return sliceRamp(x as Ramp, a, b);
    case 'repeated':
      return sliceRepeated(x as Repeated, a, b);
    case 'concatenated':
      return sliceConcatenated(x as Concatenated, a, b);
    default:
      throw new Error(`unknown instruction node kind "${String(x.kind)}"`);
  }
}

function sliceRamp(r: Ramp, a: number, b: number): Ramp {
  const width = r.width;
  const bounds = new Float64Array(2 * width);
  for (let f = 0; f < width; f++) {
    const start = r.start(f);
    const stop = r.stop(f);
    const step = (stop - start) / r.length;
    bounds[f] = start + a * step;
    bounds[width + f] = b === r.length ? stop : start + b * step;
  }
  return new Ramp(r.layout, bounds, 0, width, b - a);
}

function sliceRepeated(r: Repeated, a: number, b: number): TimedInstruction {
  const inner = r.instruction;
  const period = inner.length;
  const phase = a % period;
  const n = b - a;
  if (phase + n <= period) return sliceUnchecked(inner, phase, phase + n);
  const block =
    phase === 0
      ? inner
      : concatenate(sliceUnchecked(inner, phase, period), sliceUnchecked(inner, 0, phase));
  const q = Math.floor(n / period);
  const remainder = n - q * period;
  return concatenate(repeat(block, q), sliceUnchecked(block, 0, remainder));
}

function sliceConcatenated(c: Concatenated, a: number, b: number): TimedInstruction {
  const first = c.childIndexAt(a);
  const last = c.childIndexAt(b - 1);
  const offsets = c.offsets;
  if (first === last) {
    return sliceUnchecked(c.instructions[first]!, a - offsets[first]!, b - offsets[first]!);
  }
  const builder = new ConcatBuilder(c.layout);
  const head = c.instructions[first]!;
  builder.push(sliceUnchecked(head, a - offsets[first]!, head.length));
  for (let i = first + 1; i < last; i++) builder.push(c.instructions[i]!);
  builder.push(sliceUnchecked(c.instructions[last]!, 0, b - offsets[last]!));
  return builder.build();
}
