import { DimensionalityError, InvalidValueError } from '../errors/index.js';
import { Expression } from '../expression/index.js';
import { type TimedInstruction, Pattern, concatenate, createRamp } from '../instructions/index.js';
import type { Parameters } from '../parameters/index.js';
import type { AnalogTimeLane } from '../time-lanes/index.js';
import { startTick, stopTick } from '../time/index.js';
import type { Unit } from '../units/index.js';
import type { DimensionedSeries } from './dimensioned-series.js';
import { type AnalogBlockValues, analogBlockValues } from './evaluate-lane-expression.js';
import {
  blockLocation,
  blockTiming,
  checkLaneTiming,
  inBlock,
  laneLocation,
} from './internal/block-timing.js';
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
  const evaluated: (AnalogBlockValues | undefined)[] = blocks.map((block, index) =>
    block.value instanceof Expression
      ? inBlock(blockLocation(context, index, block), () =>
          analogBlockValues(
            block.value as Expression,
            parameters,
            blockTiming(block, stepStartTimes, timeStep),
          ),
        )
      : undefined,
  );
  const unit = commonUnit(lane, evaluated, context);

  const pieces: TimedInstruction[] = blocks.map((block, index) => {
    const values = evaluated[index];
    if (values !== undefined) return values.values;
    return inBlock(blockLocation(context, index, block), () => {
      const previous = index > 0 ? evaluated[index - 1] : undefined;
      const next = index + 1 < blocks.length ? evaluated[index + 1] : undefined;
      if (index === 0) throw new InvalidValueError('a ramp cannot be the first block of a lane');
      if (index === blocks.length - 1) {
        throw new InvalidValueError('a ramp cannot be the last block of a lane');
      }
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
    });
  });
  return { values: concatenate(...pieces), unit };
}

/** The base unit shared by all expression blocks. */
function commonUnit(
  lane: AnalogTimeLane,
  evaluated: readonly (AnalogBlockValues | undefined)[],
  context: LaneCompilationContext,
): Unit {
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
