import { Concatenated } from './concatenated.js';
import { InstructionTypeError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { asNode } from './instruction-node.js';
import { Pattern } from './pattern.js';
import { Ramp } from './ramp.js';
import { Repeated } from './repeated.js';
import type { TimedInstruction } from './timed-instruction.js';

/**
 * One channel of a structured instruction as a scalar instruction, keeping the structure (the same
 * nodes, sharing the same arrays: no copy of values).
 * @throws InstructionTypeError naming the channel if there is none of that name.
 */
export function extractField(
  instruction: TimedInstruction,
  field: string | number,
): TimedInstruction {
  const index = instruction.layout.resolve(field);
  if (!instruction.layout.structured) return instruction;
  const layout = InstructionLayout.scalar(instruction.layout.fields[index]!.dtype);
  return relayout(instruction, layout, [index]);
}

/**
 * Some channels of a structured instruction, in the given order (e.g. the 8 channels one board
 * drives), keeping the structure.
 * @throws InstructionTypeError for an unknown or repeated channel.
 */
export function selectFields(
  instruction: TimedInstruction,
  fields: readonly (string | number)[],
): TimedInstruction {
  if (!instruction.layout.structured) {
    throw new InstructionTypeError('selectFields needs an instruction with named channels');
  }
  const indices = fields.map((f) => instruction.layout.resolve(f));
  const layout = InstructionLayout.structured(indices.map((i) => instruction.layout.fields[i]!));
  if (indices.length === instruction.width && indices.every((i, k) => i === k)) return instruction;
  return relayout(instruction, layout, indices);
}

/**
 * A single-channel instruction as a structured one with one channel called `name` (what stacking
 * needs). Shares the arrays.
 * @throws InstructionTypeError if the instruction already has named channels.
 */
export function withName(instruction: TimedInstruction, name: string): TimedInstruction {
  if (instruction.layout.structured) {
    throw new InstructionTypeError(
      `instruction already has named channels ${instruction.layout.toString()}`,
      { location: { channel: name } },
    );
  }
  const layout = InstructionLayout.structured([{ name, dtype: instruction.layout.dtype }]);
  return relayout(instruction, layout, [0]);
}

/**
 * The same tree with channels `indices` of the old layout as the channels of `layout`: every node
 * is rebuilt with the same shape (a relayout keeps lengths and kinds, so the invariants hold), and
 * leaves share their arrays. Nodes of depth >= 2 are converted once however often they occur;
 * leaves and their direct parents are cheap enough to convert per occurrence.
 */
function relayout(
  instruction: TimedInstruction,
  layout: InstructionLayout,
  indices: readonly number[],
): TimedInstruction {
  const identity = indices.length === instruction.width && indices.every((i, k) => i === k);
  const contiguous = indices.every((i, k) => i === indices[0]! + k);
  const columnCache = new Map<object, Pattern['columns']>();
  const memo = new Map<TimedInstruction, TimedInstruction>();
  const leafPattern = (leaf: Pattern): Pattern => {
    let columns: Pattern['columns'] | undefined = leaf.columns;
    if (!identity) {
      columns = columnCache.get(leaf.columns);
      if (columns === undefined) {
        columns = indices.map((i) => leaf.columns[i]!);
        columnCache.set(leaf.columns, columns);
      }
    }
    return new Pattern(layout, columns, leaf.offset, leaf.length);
  };
  const leafRamp = (leaf: Ramp): Ramp => {
    if (contiguous) {
      const offset = indices[0]! * leaf.stride;
      return new Ramp(
        layout,
        leaf.bounds,
        leaf.startAt + offset,
        leaf.stopAt + offset,
        leaf.length,
        leaf.stride,
      );
    }
    const bounds = new Float64Array(2 * indices.length);
    indices.forEach((i, k) => {
      bounds[k] = leaf.start(i);
      bounds[indices.length + k] = leaf.stop(i);
    });
    return new Ramp(layout, bounds, 0, indices.length, leaf.length);
  };
  const visit = (x: TimedInstruction): TimedInstruction => {
    const node = asNode(x);
    switch (node.kind) {
      case 'pattern':
        return leafPattern(node);
      case 'ramp':
        return leafRamp(node);
      case 'repeated':
      case 'concatenated': {
        const shared = node.depth >= 2;
        const known = shared ? memo.get(node) : undefined;
        if (known !== undefined) return known;
        const result =
          node.kind === 'repeated'
            ? new Repeated(node.repetitions, visit(node.instruction))
            : new Concatenated(node.instructions.map(visit));
        if (shared) memo.set(node, result);
        return result;
      }
    }
  };
  return visit(instruction);
}
