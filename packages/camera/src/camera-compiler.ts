import {
  InvalidValueError,
  ShotlineError,
  cameraExposures,
  compileCameraTrigger,
  numberTicks,
  picosecondsToSeconds,
  type CameraTimeLane,
  type DeviceCompiler,
  type LaneCompilationContext,
  type SequenceContext,
  type ShotContext,
  type TimeLane,
  type TimedInstruction,
  type TriggerableCompiler,
} from '@shotline/core';
import type { PictureRequest } from './acquisition.js';
import type { CameraInitParameters } from './camera.js';
import type { CameraConfiguration } from './camera-configuration.js';
import { PictureTooShortError } from './camera-errors.js';
import { cameraBlocks } from './camera-lane.js';
import type { CameraShotParameters } from './camera-shot-parameters.js';

/**
 * Compiles a camera for one sequence. Shared by every camera model:
 * - the pictures of a shot come from the `TakePicture` blocks of the lane named after the camera;
 *   the exposure of a picture is the duration of its block, its start the block's start;
 * - the timeout of a shot is its duration plus the configured margin;
 * - {@link computeTrigger} gives the sequencer channel that triggers the camera: high during
 *   picture blocks, low elsewhere, with the exact tick counts of the sequencer's time step.
 *
 * Models add their initialization parameters and their per-shot settings.
 */
export abstract class CameraCompiler<
  Config extends CameraConfiguration = CameraConfiguration,
  Init extends CameraInitParameters = CameraInitParameters,
  Settings = unknown,
>
  implements DeviceCompiler<Init, CameraShotParameters<Settings>>, TriggerableCompiler
{
  /**
   * Checks the lane once for the whole sequence: unique picture names and no more pictures than the
   * camera can buffer.
   */
  constructor(
    readonly deviceName: string,
    readonly configuration: Config,
    readonly sequence: SequenceContext,
    lane: TimeLane,
    maxImagesPerShot: number,
  ) {
    const seen = new Map<string, number>();
    cameraBlocks(lane).forEach((block, index) => {
      if (block.value === null) return;
      const name = block.value.pictureName;
      const first = seen.get(name);
      if (first !== undefined) {
        throw new InvalidValueError(
          `camera "${deviceName}" takes two pictures named "${name}" (blocks ${first} and ` +
            `${index}): picture names label the data, so they must be unique`,
          { location: { device: deviceName, lane: deviceName, block: index } },
        );
      }
      seen.set(name, index);
    });
    if (seen.size > maxImagesPerShot) {
      throw new InvalidValueError(
        `camera "${deviceName}" can take at most ${maxImagesPerShot} pictures per shot, but its ` +
          `lane has ${seen.size}`,
        { location: { device: deviceName, lane: deviceName } },
      );
    }
  }

  /** The camera's initialization parameters (ROI, trigger, model settings). */
  abstract initializationParameters(): Init;

  /** The model's per-shot settings. */
  protected abstract shotSettings(shot: ShotContext): Settings;

  /** The camera lane of the shot (its type was checked for the sequence); marks it used. */
  private lane(shot: ShotContext): CameraTimeLane {
    return shot.lane(this.deviceName) as CameraTimeLane;
  }

  /** Where lane compilation errors point: the camera's lane and the step names. */
  private laneContext(shot: ShotContext): LaneCompilationContext {
    return { laneName: this.deviceName, stepNames: shot.stepNames };
  }

  /** Runs lane compilation, adding the camera to the location of its errors. */
  private inCamera<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw error instanceof ShotlineError ? error.addContext({ device: this.deviceName }) : error;
    }
  }

  /** The pictures of a shot, in order, with their exposure and start (seconds). */
  pictures(shot: ShotContext): PictureRequest[] {
    const lane = this.lane(shot);
    const starts = shot.stepStartTimes;
    const { pictureNames, exposures } = this.inCamera(() =>
      cameraExposures(lane, starts, this.laneContext(shot)),
    );
    // The picture blocks with their index in the lane, in the order of `pictureNames`.
    const blocks = cameraBlocks(lane).flatMap((block, index) =>
      block.value === null ? [] : [{ start: block.start, index }],
    );
    return pictureNames.map((name, i) => {
      const exposure = exposures[i]!;
      const block = blocks[i]!;
      if (exposure <= 0) {
        throw new PictureTooShortError(
          `picture "${name}" of camera "${this.deviceName}" lasts 0 s: a picture needs a ` +
            `positive exposure`,
          { location: { device: this.deviceName, lane: this.deviceName, block: block.index } },
        );
      }
      return { name, exposure, start: picosecondsToSeconds(starts[block.start]!) };
    });
  }

  compileShot(shot: ShotContext): CameraShotParameters<Settings> {
    return {
      timeout: picosecondsToSeconds(shot.shotDuration) + this.configuration.timeouts.margin,
      pictures: this.pictures(shot),
      settings: this.shotSettings(shot),
    };
  }

  /**
   * The trigger signal for a sequencer with time step `timeStep` (ps): high during each picture
   * block, low elsewhere, `numberTicks(0, shotDuration, timeStep)` ticks in all (core's
   * `compileCameraTrigger`). A picture shorter than one tick, or two pictures with no low tick
   * between them (one long pulse, so one picture), are errors naming the camera, the picture and
   * the lane.
   */
  computeTrigger(timeStep: number, shot: ShotContext): TimedInstruction {
    const lane = this.lane(shot);
    const trigger = this.inCamera(() =>
      compileCameraTrigger(lane, shot.stepStartTimes, timeStep, this.laneContext(shot)),
    );
    this.checkPicturesSeparated(lane, shot.stepStartTimes, timeStep);
    return trigger;
  }

  /** Refuses two picture blocks with no low tick between them at this time step. */
  private checkPicturesSeparated(
    lane: CameraTimeLane,
    starts: readonly number[],
    timeStep: number,
  ) {
    let previousPicture: string | undefined;
    cameraBlocks(lane).forEach((block, index) => {
      const ticks = numberTicks(starts[block.start]!, starts[block.stop]!, timeStep);
      if (block.value === null) {
        if (ticks > 0) previousPicture = undefined;
        return;
      }
      const name = block.value.pictureName;
      if (previousPicture !== undefined) {
        throw new InvalidValueError(
          `pictures "${previousPicture}" and "${name}" of camera "${this.deviceName}" follow ` +
            `each other with no gap: the trigger would stay high and the camera would take one ` +
            `picture; put a step without picture between them`,
          { location: { device: this.deviceName, lane: this.deviceName, block: index } },
        );
      }
      previousPicture = name;
    });
  }
}
