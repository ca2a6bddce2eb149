import { type InstructionDType, allocateTyped, isFloatDType, isRepresentable } from './dtype.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { rebuild } from './internal/rebuild.js';
import { readRange } from './internal/read-values.js';
import { checkUnrollable } from './internal/store-value.js';
import { Pattern } from './pattern.js';
import { Ramp } from './ramp.js';
import type { TimedInstruction } from './timed-instruction.js';

/**
 * A scalar instruction converted to another dtype, keeping its structure. To `bool`: non-zero is
 * true. To an integer type: values must be integers in range. A ramp stays a ramp when the target is
 * a float type or the ramp is constant; otherwise it is unrolled.
 * @throws InstructionTypeError for a structured instruction; InstructionValueError for a value
 * that does not fit.
 */
export function castInstruction(
  instruction: TimedInstruction,
  dtype: InstructionDType,
): TimedInstruction {
  if (instruction.layout.structured) {
    throw new InstructionTypeError(
      `castInstruction works on one channel; extract the channel first (got ${instruction.layout.toString()})`,
    );
  }
  if (instruction.layout.dtype === dtype) return instruction;
  const layout = InstructionLayout.scalar(dtype);
  return rebuild(instruction, layout, (leaf) => {
    if (leaf.kind === 'ramp') {
      const start = convert(leaf.start(), dtype);
      const stop = leaf.start() === leaf.stop() ? start : leaf.stop();
      if (isFloatDType(dtype) || start === stop) {
        if (isFloatDType(dtype)) convert(stop, dtype);
        return Ramp.fromEnds(layout, [start], [stop], leaf.length);
      }
    }
    checkUnrollable(leaf.kind, leaf.length);
    const source = leaf.kind === 'pattern' ? leaf.columns[0]! : new Float64Array(leaf.length);
    const from = leaf.kind === 'pattern' ? leaf.offset : 0;
    if (leaf.kind === 'ramp') readRange(leaf, 0, 0, leaf.length, source, 0);
    const column = allocateTyped(dtype, leaf.length);
    for (let i = 0; i < leaf.length; i++) column[i] = convert(source[from + i]!, dtype);
    return new Pattern(layout, [column], 0, leaf.length);
  });
}

function convert(value: number, dtype: InstructionDType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (!isRepresentable(value, dtype)) {
    throw new InstructionValueError(`value ${value} does not fit dtype ${dtype}`);
  }
  return value;
}
