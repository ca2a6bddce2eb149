import {
  type TimedInstruction,
  Pattern,
  concatenate,
  constantInstruction,
} from '../instructions/index.js';
import type { Parameters } from '../parameters/index.js';
import type { DigitalTimeLane } from '../time-lanes/index.js';
import { digitalBlockValues } from './evaluate-lane-expression.js';
import { BlockMemo, laneMemo } from './internal/block-memo.js';
import { blockError, blockTiming, checkLaneTiming } from './internal/block-timing.js';
import type { LaneCompilationContext } from './lane-compilation-context.js';

/**
 * The boolean instruction of a digital lane, with `numberTicks(0, T, timeStep)` ticks: each block
 * covers the ticks `i` with `t0 <= i * timeStep < t1` of its steps (times in integer picoseconds).
 * Booleans repeat over their block (`[true, false]` over 1 s + 1 s at 1 ns is
 * `1e9 * [true] + 1e9 * [false]`, never 2e9 values); expressions go through
 * {@link evaluateDigitalExpression}. Blocks are not fused even when equal.
 *
 * Each block's instruction is remembered with the lane (weakly) and reused in a later shot when
 * its number of ticks and the parameters its expression reads are unchanged (for a function of `t`,
 * also its offset from the tick grid), so a scan recompiles only the blocks it changes.
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
  const blocks = lane.blocks;
  if (blocks.length === 0) return Pattern.empty('bool');
  const memo = laneMemo(lane, timeStep);
  const pieces: TimedInstruction[] = [];
  let index = 0;
  try {
    for (; index < blocks.length; index++) {
      const block = blocks[index]!;
      const timing = blockTiming(block, stepStartTimes, timeStep);
      const known = memo[index] as BlockMemo<TimedInstruction> | undefined;
      if (known !== undefined && known.sameTiming(timing) && known.sameParameters(parameters)) {
        pieces.push(known.result);
        continue;
      }
      const value = block.value;
      let values: TimedInstruction;
      if (typeof value === 'boolean') {
        values = constantInstruction(value, timing.ticks);
        memo[index] = BlockMemo.of(undefined, parameters, timing, values);
      } else {
        values = digitalBlockValues(value, parameters, timing);
        memo[index] = BlockMemo.of(value, parameters, timing, values, known);
      }
      pieces.push(values);
    }
  } catch (error) {
    throw blockError(error, context, blocks, index);
  }
  return concatenate(...pieces);
}
