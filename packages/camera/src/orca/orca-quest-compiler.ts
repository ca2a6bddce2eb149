import type { SequenceContext, TimeLane } from '@shotline/core';
import type { CameraInitParameters } from '../camera.js';
import { CameraCompiler } from '../camera-compiler.js';
import type { OrcaQuestConfiguration } from './orca-quest-configuration.js';

/** What an ORCA-Quest is built from (plain data). */
export interface OrcaQuestInitParameters extends CameraInitParameters {
  readonly cameraNumber: number;
  readonly sensorMode: OrcaQuestConfiguration['sensorMode'];
  readonly readoutSpeed: OrcaQuestConfiguration['readoutSpeed'];
  readonly bufferCount: number;
  readonly libraryPath?: string;
}

/**
 * Compiles an ORCA-Quest: the common camera compilation (pictures and exposures from the camera
 * lane, the trigger a sequencer outputs: high for each exposure). The camera has no per-shot
 * setting: with the level trigger, the exposure is the trigger's high time.
 */
export class OrcaQuestCompiler extends CameraCompiler<
  OrcaQuestConfiguration,
  OrcaQuestInitParameters,
  null
> {
  constructor(
    deviceName: string,
    configuration: OrcaQuestConfiguration,
    sequence: SequenceContext,
    lane: TimeLane,
  ) {
    super(deviceName, configuration, sequence, lane, configuration.bufferCount);
  }

  initializationParameters(): OrcaQuestInitParameters {
    const c = this.configuration;
    return {
      roi: c.roi,
      externalTrigger: c.externalTrigger,
      cameraNumber: c.cameraNumber,
      sensorMode: c.sensorMode,
      readoutSpeed: c.readoutSpeed,
      bufferCount: c.bufferCount,
      ...(c.libraryPath === undefined ? {} : { libraryPath: c.libraryPath }),
    };
  }

  protected shotSettings(): null {
    return null;
  }
}
