import { InvalidValueError } from '../errors/index.js';
import {
  type TimedInstruction,
  Pattern,
  concatenate,
  constantInstruction,
} from '../instructions/index.js';
import { type CameraTimeLane, TakePicture } from '../time-lanes/index.js';
import { PICOSECONDS_PER_SECOND } from '../time/index.js';
import { blockTiming, checkLaneTiming, inBlock } from './internal/block-timing.js';
import type { LaneCompilationContext } from './lane-compilation-context.js';

/** The pictures a camera lane takes in a shot, in order. */
export interface CameraExposures {
  readonly pictureNames: readonly string[];
  /** Exposure of each picture in seconds: the duration of its block. */
  readonly exposures: readonly number[];
}

/** What {@link compileCameraLane} returns. */
export interface CompiledCameraLane extends CameraExposures {
  /** High during the picture blocks, low elsewhere; `numberTicks(0, T, timeStep)` ticks. */
  readonly trigger: TimedInstruction;
}

/**
 * The picture names and exposures of a camera lane (each `TakePicture` block's duration, from the
 * step start times in ps).
 * @throws InvalidValueError naming the lane if it does not match the step times.
 */
export function cameraExposures(
  lane: CameraTimeLane,
  stepStartTimes: readonly number[],
  context: LaneCompilationContext = {},
): CameraExposures {
  checkLaneTiming(lane, stepStartTimes, 1, context);
  const pictureNames: string[] = [];
  const exposures: number[] = [];
  for (const block of lane.blocks) {
    if (block.value instanceof TakePicture) {
      pictureNames.push(block.value.pictureName);
      exposures.push(
        (stepStartTimes[block.stop]! - stepStartTimes[block.start]!) / PICOSECONDS_PER_SECOND,
      );
    }
  }
  return { pictureNames, exposures };
}

/**
 * The trigger of a camera lane at a sequencer's time step (ps): high over the ticks of each
 * picture block, low elsewhere.
 * @throws InvalidValueError naming the lane, block and step when a picture block has no tick
 * ("exposure too short for the time step").
 */
export function compileCameraTrigger(
  lane: CameraTimeLane,
  stepStartTimes: readonly number[],
  timeStep: number,
  context: LaneCompilationContext = {},
): TimedInstruction {
  checkLaneTiming(lane, stepStartTimes, timeStep, context);
  const pieces = lane.blocks.map((block, index) =>
    inBlock(context, lane.blocks, index, () => {
      const { ticks, t0, t1 } = blockTiming(block, stepStartTimes, timeStep);
      const picture = block.value instanceof TakePicture;
      if (picture && ticks === 0) {
        throw new InvalidValueError(
          `the exposure of picture "${(block.value as TakePicture).pictureName}" ` +
            `(${(t1 - t0) / 1000} ns) is too short for the time step (${timeStep / 1000} ns): ` +
            'it covers no tick',
        );
      }
      return constantInstruction(picture, ticks);
    }),
  );
  return pieces.length === 0 ? Pattern.empty('bool') : concatenate(...pieces);
}

/** Exposures and trigger of a camera lane; see {@link cameraExposures} and {@link compileCameraTrigger}. */
export function compileCameraLane(
  lane: CameraTimeLane,
  stepStartTimes: readonly number[],
  timeStep: number,
  context: LaneCompilationContext = {},
): CompiledCameraLane {
  return {
    ...cameraExposures(lane, stepStartTimes, context),
    trigger: compileCameraTrigger(lane, stepStartTimes, timeStep, context),
  };
}
