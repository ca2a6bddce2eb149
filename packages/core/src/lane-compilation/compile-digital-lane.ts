import {
  type TimedInstruction,
  Pattern,
  concatenate,
  constantInstruction,
} from '../instructions/index.js';
import type { Parameters } from '../parameters/index.js';
import type { DigitalTimeLane } from '../time-lanes/index.js';
import { digitalBlockValues } from './evaluate-lane-expression.js';
import { blockLocation, blockTiming, checkLaneTiming, inBlock } from './internal/block-timing.js';
import type { LaneCompilationContext } from './lane-compilation-context.js';

/**
 * The boolean instruction of a digital lane, with `numberTicks(0, T, timeStep)` ticks: each block
 * covers the ticks `i` with `t0 <= i * timeStep < t1` of its steps (times in integer picoseconds).
 * Booleans repeat over their block (`[true, false]` over 1 s + 1 s at 1 ns is
 * `1e9 * [true] + 1e9 * [false]`, never 2e9 values); expressions go through
 * {@link evaluateDigitalExpression}. Blocks are not fused even when equal.
 * @param stepStartTimes start time of each step plus the end of the shot (ps), as `stepStartTimes`.
 * @throws errors naming the lane, block, step and expression.
 */
export function compileDigitalLane(
  lane: DigitalTimeLane,
  stepStartTimes: readonly number[],
  timeStep: number,
  parameters: Parameters,
  context: LaneCompilationContext = {},
): TimedInstruction {
  checkLaneTiming(lane, stepStartTimes, timeStep, context);
  const pieces = lane.blocks.map((block, index) =>
    inBlock(blockLocation(context, index, block), () => {
      const timing = blockTiming(block, stepStartTimes, timeStep);
      return typeof block.value === 'boolean'
        ? constantInstruction(block.value, timing.ticks)
        : digitalBlockValues(block.value, parameters, timing);
    }),
  );
  return pieces.length === 0 ? Pattern.empty('bool') : concatenate(...pieces);
}
