import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { type InstructionField, InstructionLayout } from './instruction-layout.js';
import { stackChannels } from './internal/sweep.js';
import { withName } from './field.js';
import type { TimedInstruction } from './timed-instruction.js';

/** Options of {@link stackInstructions} and {@link mergeInstructions}. */
export interface StackOptions {
  /**
   * Cap on the number of explicit values the stacking may write (explicit patterns stacked with
   * other channels are copied into rows). Default 2^28.
   * @throws InstructionTooLargeError when exceeded.
   */
  readonly maxMaterializedValues?: number;
}

/**
 * Channels of several structured instructions side by side: the result has all their channels, in
 * order, and is split at the union of the inputs' boundaries. Constants, ramps and repeats stay
 * compressed (Repeated with Repeated through the lcm of their periods; ramps with ramps or
 * constants stay ramps); a 64-channel, 10,000-step shot stacks in milliseconds with one sweep over
 * all inputs at once.
 * @throws InstructionTypeError for an unnamed (scalar) input, duplicate channel names or different
 * lengths.
 */
export function stackInstructions(
  instructions: readonly TimedInstruction[],
  options: StackOptions = {},
): TimedInstruction {
  if (instructions.length === 0) {
    throw new InstructionValueError('stackInstructions needs at least one instruction');
  }
  const fields: InstructionField[] = [];
  instructions.forEach((x, i) => {
    if (!x.layout.structured) {
      throw new InstructionTypeError(
        `instruction ${i} has no channel name: name it with withName or use mergeInstructions`,
      );
    }
    fields.push(...x.layout.fields);
  });
  checkLengths(instructions.map((x, i) => [`instruction ${i}`, x]));
  if (instructions.length === 1) return instructions[0]!;
  return stackChannels(
    instructions,
    InstructionLayout.structured(fields),
    options.maxMaterializedValues,
  );
}

/**
 * Single-channel instructions stacked under the given channel names, e.g.
 * `mergeInstructions({ 'ch 0': digital, 'ch 1': analog })`. Same rules as {@link stackInstructions}.
 * @throws InstructionTypeError for a structured input or different lengths.
 */
export function mergeInstructions(
  channels: Readonly<Record<string, TimedInstruction>> | ReadonlyMap<string, TimedInstruction>,
  options: StackOptions = {},
): TimedInstruction {
  const entries: [string, TimedInstruction][] = isReadonlyMap(channels)
    ? [...channels.entries()]
    : Object.entries(channels);
  if (entries.length === 0) {
    throw new InstructionValueError('mergeInstructions needs at least one channel');
  }
  for (const [name, x] of entries) {
    if (x.layout.structured) {
      throw new InstructionTypeError(
        `channel already has named channels ${x.layout.toString()}: use stackInstructions`,
        { location: { channel: name } },
      );
    }
  }
  checkLengths(entries.map(([name, x]) => [`channel "${name}"`, x]));
  if (entries.length === 1) return withName(entries[0]![1], entries[0]![0]);
  const layout = InstructionLayout.structured(
    entries.map(([name, x]) => ({ name, dtype: x.layout.dtype })),
  );
  return stackChannels(
    entries.map(([, x]) => x),
    layout,
    options.maxMaterializedValues,
  );
}

function checkLengths(named: readonly (readonly [string, TimedInstruction])[]): void {
  const length = named[0]![1].length;
  const different = named.find(([, x]) => x.length !== length);
  if (different !== undefined) {
    throw new InstructionTypeError(
      `cannot stack instructions of different lengths: ${named
        .map(([label, x]) => `${label} has ${x.length} ticks`)
        .join(', ')}`,
    );
  }
}

function isReadonlyMap(
  channels: Readonly<Record<string, TimedInstruction>> | ReadonlyMap<string, TimedInstruction>,
): channels is ReadonlyMap<string, TimedInstruction> {
  return channels instanceof Map;
}
