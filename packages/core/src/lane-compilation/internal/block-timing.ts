import { InvalidValueError, type ErrorLocation, withContext } from '../../errors/index.js';
import type { LaneBlock, TimeLane } from '../../time-lanes/index.js';
import { startTick, stopTick } from '../../time/index.js';
import type { LaneCompilationContext } from '../lane-compilation-context.js';

/** The exact timing of one block at a time step, all in integer picoseconds or ticks. */
export interface BlockTiming {
  /** Start and end of the block (ps). */
  readonly t0: number;
  readonly t1: number;
  /** First tick of the block, and its number of ticks (`t0 <= i*dt < t1`). */
  readonly firstTick: number;
  readonly ticks: number;
  readonly dt: number;
  /** Time of the first tick minus the block start (ps, in `[0, dt)`). */
  readonly phase: number;
  /** `t1 - t0` (ps). */
  readonly duration: number;
}

/**
 * Checks that the lane has one step per step time interval and that the times are valid integer
 * picoseconds in increasing order.
 * @throws InvalidValueError naming the lane.
 */
export function checkLaneTiming(
  lane: TimeLane,
  stepStartTimes: readonly number[],
  timeStep: number,
  context: LaneCompilationContext,
): void {
  const location = laneLocation(context);
  if (lane.length !== stepStartTimes.length - 1) {
    throw new InvalidValueError(
      `the lane has ${lane.length} steps but the time table has ${stepStartTimes.length - 1}`,
      { location },
    );
  }
  if (!Number.isSafeInteger(timeStep) || timeStep <= 0) {
    throw new InvalidValueError(
      `the time step must be a positive number of picoseconds, not ${timeStep}`,
      {
        location,
      },
    );
  }
  for (let i = 0; i < stepStartTimes.length; i++) {
    const t = stepStartTimes[i]!;
    if (!Number.isSafeInteger(t) || (i > 0 && t < stepStartTimes[i - 1]!)) {
      throw new InvalidValueError(
        `step start times must be increasing integer picoseconds (at index ${i}: ${t})`,
        { location },
      );
    }
  }
}

/** Timing of a block. */
export function blockTiming(
  block: LaneBlock<unknown>,
  stepStartTimes: readonly number[],
  dt: number,
): BlockTiming {
  const t0 = stepStartTimes[block.start]!;
  const t1 = stepStartTimes[block.stop]!;
  const firstTick = startTick(t0, dt);
  const ticks = stopTick(t1, dt) - firstTick;
  return { t0, t1, firstTick, ticks, dt, phase: firstTick * dt - t0, duration: t1 - t0 };
}

/** Location of the lane. */
export function laneLocation(context: LaneCompilationContext): ErrorLocation {
  return context.laneName === undefined ? {} : { lane: context.laneName };
}

/**
 * Location of a block: lane, block index and the name of its first step. Built only when an error
 * is thrown (see {@link inBlock}): compiling a lane creates no location.
 */
export function blockLocation(
  context: LaneCompilationContext,
  index: number,
  block: LaneBlock<unknown>,
): ErrorLocation {
  const step = context.stepNames?.[block.start];
  return {
    ...laneLocation(context),
    block: index,
    step: step === undefined ? `step ${block.start}` : `step ${block.start} (${step})`,
  };
}

/** Runs `f`, adding the location of block `index` of `blocks` to any error. */
export function inBlock<T>(
  context: LaneCompilationContext,
  blocks: readonly LaneBlock<unknown>[],
  index: number,
  f: () => T,
): T {
  try {
    return f();
  } catch (error) {
    throw blockError(error, context, blocks, index);
  }
}

/** `error` with the location of block `index` of `blocks` added. */
export function blockError(
  error: unknown,
  context: LaneCompilationContext,
  blocks: readonly LaneBlock<unknown>[],
  index: number,
): Error {
  return withContext(error, blockLocation(context, index, blocks[index]!));
}
