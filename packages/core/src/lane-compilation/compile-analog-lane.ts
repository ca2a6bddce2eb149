import { DimensionalityError, InvalidValueError } from '../errors/index.js';
import { Expression } from '../expression/index.js';
import {
  type TimedInstruction,
  Pattern,
  concatenate,
  constantInstruction,
  createRamp,
} from '../instructions/index.js';
import type { Parameters } from '../parameters/index.js';
import type { AnalogTimeLane, LaneBlock } from '../time-lanes/index.js';
import { startTick, stopTick } from '../time/index.js';
import type { Unit } from '../units/index.js';
import type { DimensionedSeries } from './dimensioned-series.js';
import { type AnalogBlockValues, analogBlockValues } from './evaluate-lane-expression.js';
import { BlockMemo, type LaneMemo, laneMemo } from './internal/block-memo.js';
import { blockError, blockTiming, checkLaneTiming, laneLocation } from './internal/block-timing.js';
import type { LaneCompilationContext } from './lane-compilation-context.js';

/**
 * The values of an analog lane, in SI base units, with `numberTicks(0, T, timeStep)` ticks.
 * - An expression block is constant, or a function of `t` (seconds from the block start) evaluated
 *   by {@link evaluateAnalogExpression}. All expression blocks must have one dimension.
 * - A ramp block goes linearly in time from the previous block's value at its true end to the next
 *   block's value at its true start, sampled at the ticks: with `first = startTick(t0)` and
 *   `last = stopTick(t1)`, it is `createRamp(f(first * dt), f(last * dt), last - first)`. Values are
 *   linear values, so a ramp between `0 dB` and `10 dB` is linear in ratio. A ramp cannot be first
 *   or last, nor follow another ramp (use one block spanning several steps).
 * Each expression block's values are remembered with the lane (weakly) and reused in a later shot
 * when its number of ticks and the parameters it reads are unchanged (for a function of `t`, also
 * its offset from the tick grid and its duration).
 * @throws errors naming the lane, block, step and expression.
 */
export function compileAnalogLane(
  lane: AnalogTimeLane,
  stepStartTimes: readonly number[],
  timeStep: number,
  parameters: Parameters,
  context: LaneCompilationContext = {},
): DimensionedSeries {
  checkLaneTiming(lane, stepStartTimes, timeStep, context);
  const blocks = lane.blocks;
  const memo = laneMemo(lane, timeStep);
  const evaluated: (AnalogBlockValues | undefined)[] = [];
  let index = 0;
  try {
    for (; index < blocks.length; index++) {
      const block = blocks[index]!;
      const value = block.value;
      evaluated.push(
        value instanceof Expression
          ? expressionBlock(memo, index, value, stepStartTimes, block, timeStep, parameters)
          : undefined,
      );
    }
  } catch (error) {
    throw blockError(error, context, blocks, index);
  }
  const unit = commonUnit(lane, evaluated, context);

  const pieces: TimedInstruction[] = [];
  try {
    for (index = 0; index < blocks.length; index++) {
      const values = evaluated[index];
      pieces.push(
        values !== undefined
          ? values.values
          : rampBlock(blocks, index, evaluated, stepStartTimes, timeStep),
      );
    }
  } catch (error) {
    throw blockError(error, context, blocks, index);
  }
  return { values: concatenate(...pieces), unit };
}

/** The values of an expression block, from the memo when its inputs did not change. */
function expressionBlock(
  memo: LaneMemo,
  index: number,
  expression: Expression,
  stepStartTimes: readonly number[],
  block: LaneBlock<unknown>,
  dt: number,
  parameters: Parameters,
): AnalogBlockValues {
  const timing = blockTiming(block, stepStartTimes, dt);
  const known = memo[index] as BlockMemo<AnalogBlockValues> | undefined;
  const same = known !== undefined && known.sameParameters(parameters);
  if (same && known.sameTiming(timing)) return known.result;
  if (same && !expression.isTimeDependent) {
    // Same constant, another length: no evaluation.
    const previous = known.result;
    const values = { ...previous, values: constantInstruction(previous.first, timing.ticks) };
    memo[index] = known.retimed(timing, values);
    return values;
  }
  const values = analogBlockValues(expression, parameters, timing);
  memo[index] = BlockMemo.of(expression, parameters, timing, values, known);
  return values;
}

/** The values of ramp block `index`, between its evaluated neighbours. */
function rampBlock(
  blocks: readonly LaneBlock<unknown>[],
  index: number,
  evaluated: readonly (AnalogBlockValues | undefined)[],
  stepStartTimes: readonly number[],
  timeStep: number,
): TimedInstruction {
  const block = blocks[index]!;
  if (index === 0) throw new InvalidValueError('a ramp cannot be the first block of a lane');
  if (index === blocks.length - 1) {
    throw new InvalidValueError('a ramp cannot be the last block of a lane');
  }
  const previous = evaluated[index - 1];
  const next = evaluated[index + 1];
  if (previous === undefined || next === undefined) {
    throw new InvalidValueError(
      'a ramp cannot follow or precede another ramp: use one ramp block spanning several steps',
    );
  }
  const t0 = stepStartTimes[block.start]!;
  const t1 = stepStartTimes[block.stop]!;
  const first = startTick(t0, timeStep);
  const last = stopTick(t1, timeStep);
  if (last === first) return Pattern.empty('float64');
  const a = previous.last;
  const b = next.first;
  // Interpolation exact at both ends (u = 0 gives a, u = 1 gives b).
  const at = (tick: number): number => {
    const u = (tick * timeStep - t0) / (t1 - t0);
    return a * (1 - u) + b * u;
  };
  return createRamp(at(first), at(last), last - first);
}

/** The base unit shared by all expression blocks. */
function commonUnit(
  lane: AnalogTimeLane,
  evaluated: readonly (AnalogBlockValues | undefined)[],
  context: LaneCompilationContext,
): Unit {
  // The common case, without grouping: every block in the first block's dimension.
  const first = evaluated.find((values) => values !== undefined);
  if (
    first !== undefined &&
    evaluated.every((v) => v === undefined || v.unit.dimension.key === first.unit.dimension.key)
  ) {
    return first.unit;
  }
  const groups = new Map<string, { unit: Unit; display: Unit; blocks: number[] }>();
  evaluated.forEach((values, index) => {
    if (values === undefined) return;
    const key = values.unit.dimension.key;
    const group = groups.get(key) ?? { unit: values.unit, display: values.displayUnit, blocks: [] };
    group.blocks.push(index);
    groups.set(key, group);
  });
  if (groups.size === 0) {
    throw new InvalidValueError(
      lane.length === 0
        ? 'an analog lane needs at least one step'
        : 'an analog lane needs at least one expression block (it holds only ramps)',
      { location: laneLocation(context) },
    );
  }
  if (groups.size > 1) {
    const description = [...groups.values()]
      .map(
        (g) =>
          `block${g.blocks.length > 1 ? 's' : ''} ${g.blocks.join(', ')} in ${g.display.symbol || 'dimensionless'}`,
      )
      .join('; ');
    throw new DimensionalityError(
      `the blocks of an analog lane must share one dimension: ${description}`,
      {
        location: laneLocation(context),
      },
    );
  }
  return [...groups.values()][0]!.unit;
}
