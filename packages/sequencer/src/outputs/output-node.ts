import {
  type DimensionedSeries,
  type Expression,
  type Parameters,
  type ShotContext,
  type TimedInstruction,
  Dimension,
  Quantity,
  concatenate,
  repeat,
  secondsToPicoseconds,
  sliceInstruction,
  toPattern,
} from '@shotline/core';
import { ChannelOutputError, ChannelTypeError } from '../sequencer-errors.js';
import type { LaneCache } from './lane-cache.js';
import type { StaticContext, StaticOutputType } from './static-type.js';

/** What an output tree is evaluated against: the device, its time step and the shot. */
export interface OutputEvaluation {
  /** Name of the sequencer (for messages). */
  readonly deviceName: string;
  /** The sequencer's time step in picoseconds. */
  readonly timeStep: number;
  readonly shot: ShotContext;
  /** `numberTicks(0, shot.shotDuration, timeStep)`. */
  readonly shotTicks: number;
  /** Compiled lanes, shared by the channels and remembered between shots. */
  readonly lanes?: LaneCache;
}

/** Ticks before and after the shot, as the sequencer's global max advance and delay. */
export interface AdvanceAndDelay {
  readonly advance: number;
  readonly delay: number;
}

/**
 * A node of a channel's output tree, built once per sequence from the configuration (expressions
 * parsed once) and evaluated per shot.
 */
export abstract class OutputNode {
  /**
   * The values for a shot, with `prepend` ticks before it and `append` after it: the result has
   * `prepend + shotTicks + append` ticks, in SI base units.
   */
  abstract evaluate(
    evaluation: OutputEvaluation,
    prepend: number,
    append: number,
  ): DimensionedSeries;

  /**
   * What the tree gives (unit, boolean), known once per sequence from the parameter types, so a
   * channel of the wrong kind or dimension is refused before any device is opened; undefined when
   * it depends on something only a shot knows. Throws when the tree itself is inconsistent.
   */
  abstract staticType(context: StaticContext): StaticOutputType | undefined;

  /** Ticks this tree shifts its values earlier (advance) and later (delay) at most. */
  abstract maxAdvanceAndDelay(parameters: Parameters, timeStep: number): AdvanceAndDelay;

  /** Readable form of the tree, for messages. */
  abstract toString(): string;
}

/** The larger advance and the larger delay of several trees. */
export function combineAdvanceAndDelay(parts: readonly AdvanceAndDelay[]): AdvanceAndDelay {
  let advance = 0;
  let delay = 0;
  for (const part of parts) {
    if (part.advance > advance) advance = part.advance;
    if (part.delay > delay) delay = part.delay;
  }
  return { advance, delay };
}

/** No shift. */
export const NO_SHIFT: AdvanceAndDelay = Object.freeze({ advance: 0, delay: 0 });

/**
 * A duration expression (`"1.1 us"`) as a whole number of ticks (rounded to the nearest tick).
 * @throws ChannelTypeError if it is not a duration; ChannelOutputError if it is negative.
 */
export function durationTicks(
  expression: Expression,
  parameters: Parameters,
  timeStep: number,
  what: string,
): number {
  const value = expression.evaluate(parameters);
  let seconds: number;
  if (value instanceof Quantity && value.unit.dimension.equals(TIME)) {
    seconds = value.toBase();
  } else if (value === 0) {
    seconds = 0;
  } else {
    throw new ChannelTypeError(
      `the ${what} "${expression.source}" must be a duration (e.g. "2 us"), not ${String(value)}`,
      { location: { expression: expression.source } },
    );
  }
  if (seconds < 0) {
    throw new ChannelOutputError(
      `the ${what} "${expression.source}" is negative (${String(value)}); it must be >= 0`,
      { location: { expression: expression.source } },
    );
  }
  return Math.round(secondsToPicoseconds(seconds) / timeStep);
}

const TIME = Dimension.of('s');

/**
 * `values` with its first value repeated `prepend` times before it and its last value `append`
 * times after it.
 * @throws ChannelOutputError if there is padding to add to an empty instruction.
 */
export function padWithEdges(
  values: TimedInstruction,
  prepend: number,
  append: number,
  what: string,
): TimedInstruction {
  if (prepend === 0 && append === 0) return values;
  if (values.length === 0) {
    throw new ChannelOutputError(
      `${what} has no value to extend over the ${prepend + append} ticks of advance and delay: the shot has no tick`,
    );
  }
  const first = toPattern(sliceInstruction(values, 0, 1));
  const last = toPattern(sliceInstruction(values, values.length - 1));
  return concatenate(repeat(first, prepend), values, repeat(last, append));
}
