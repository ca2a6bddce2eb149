import {
  type DimensionedSeries,
  type Expression,
  type Parameters,
  type TimedInstruction,
  InstructionLayout,
  Pattern,
  asNode,
  concatenate,
  repeat,
} from '@shotline/core';
import { ChannelTypeError } from '../sequencer-errors.js';
import {
  type AdvanceAndDelay,
  type OutputEvaluation,
  OutputNode,
  durationTicks,
} from './output-node.js';
import {
  type StaticContext,
  type StaticOutputType,
  BOOLEAN_TYPE,
  describeStaticType,
} from './static-type.js';

const BOOL = InstructionLayout.scalar('bool');
const HIGH = Pattern.of([true], 'bool');
const LOW = Pattern.of([false], 'bool');

/**
 * A boolean instruction broadened to the left by `width` ticks: `y[i] = any(x[i ..= i + width])`
 * (values past the end do not exist). Computed on the compressed tree, right to left, carrying how
 * far the next high value is ("bleed"): a Repeated stays a Repeated, a constant stays constant.
 * @throws ChannelTypeError if the instruction is not a single boolean channel.
 */
export function broadenLeft(instruction: TimedInstruction, width: number): TimedInstruction {
  if (instruction.layout.structured || instruction.layout.dtype !== 'bool') {
    throw new ChannelTypeError(
      `BroadenLeft needs a boolean input, not ${instruction.layout.toString()}`,
    );
  }
  if (!Number.isSafeInteger(width) || width < 0) {
    throw new ChannelTypeError(
      `a broadening width must be a whole number of ticks >= 0, not ${width}`,
    );
  }
  if (width === 0) return instruction;
  return broaden(instruction, width, Infinity);
}

/**
 * `y` over `x`, where the first high value after `x` is `gap` ticks after its end (0: right after
 * it; Infinity: none).
 */
function broaden(x: TimedInstruction, width: number, gap: number): TimedInstruction {
  const node = asNode(x);
  switch (node.kind) {
    case 'pattern': {
      const column = node.column(0);
      const length = node.length;
      const out = new Uint8Array(length);
      let next = length + gap;
      for (let i = length - 1; i >= 0; i--) {
        if (column[i] !== 0) next = i;
        out[i] = next - i <= width ? 1 : 0;
      }
      return new Pattern(BOOL, [out], 0, length);
    }
    case 'ramp':
      return node.start(0) !== 0 ? x : lowThenHigh(node.length, width, gap);
    case 'concatenated': {
      const pieces: TimedInstruction[] = new Array<TimedInstruction>(node.instructions.length);
      let after = gap;
      for (let k = node.instructions.length - 1; k >= 0; k--) {
        const child = node.instructions[k]!;
        pieces[k] = broaden(child, width, after);
        const first = firstHigh(child);
        after = Number.isFinite(first) ? first : child.length + after;
      }
      return concatenate(...pieces);
    }
    case 'repeated': {
      const inner = node.instruction;
      const first = firstHigh(inner);
      if (!Number.isFinite(first)) return lowThenHigh(node.length, width, gap);
      const middle = broaden(inner, width, first);
      const last = broaden(inner, width, gap);
      if (last.equals(middle)) return repeat(middle, node.repetitions);
      return concatenate(repeat(middle, node.repetitions - 1), last);
    }
  }
}

/** Low values, except the last ones that the high value `gap` ticks after the end reaches. */
function lowThenHigh(length: number, width: number, gap: number): TimedInstruction {
  const high = Number.isFinite(gap) ? Math.min(length, Math.max(0, width - gap)) : 0;
  return concatenate(repeat(LOW, length - high), repeat(HIGH, high));
}

/** Index of the first high value, or Infinity. */
function firstHigh(x: TimedInstruction): number {
  const node = asNode(x);
  switch (node.kind) {
    case 'pattern': {
      const column = node.column(0);
      for (let i = 0; i < column.length; i++) if (column[i] !== 0) return i;
      return Infinity;
    }
    case 'ramp':
      return node.start(0) !== 0 ? 0 : Infinity;
    case 'concatenated':
      for (let k = 0; k < node.instructions.length; k++) {
        const first = firstHigh(node.instructions[k]!);
        if (Number.isFinite(first)) return node.offsets[k]! + first;
      }
      return Infinity;
    case 'repeated':
      return firstHigh(node.instruction);
  }
}

/** A boolean input broadened to the left by a duration (rounded to ticks). */
export class BroadenLeftNode extends OutputNode {
  constructor(
    readonly input: OutputNode,
    readonly width: Expression,
  ) {
    super();
  }

  evaluate(evaluation: OutputEvaluation, prepend: number, append: number): DimensionedSeries {
    const ticks = durationTicks(
      this.width,
      evaluation.shot.parameters,
      evaluation.timeStep,
      'width',
    );
    const series = this.input.evaluate(evaluation, prepend, append);
    if (!series.unit.isDimensionless) {
      throw new ChannelTypeError(
        `BroadenLeft needs a boolean input, not values in ${series.unit.symbol} (${this.input.toString()})`,
      );
    }
    return { values: broadenLeft(series.values, ticks), unit: series.unit };
  }

  staticType(context: StaticContext): StaticOutputType | undefined {
    const input = this.input.staticType(context);
    if (input !== undefined && (!input.boolean || !input.unit.isDimensionless)) {
      throw new ChannelTypeError(
        `BroadenLeft needs a boolean input, but ${this.input.toString()} gives ${describeStaticType(input)}`,
      );
    }
    return BOOLEAN_TYPE;
  }

  maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay {
    return this.input.maxAdvanceAndDelay(parameters, timeStep);
  }

  toString(): string {
    return `BroadenLeft(${this.input.toString()}, ${this.width.source})`;
  }
}
