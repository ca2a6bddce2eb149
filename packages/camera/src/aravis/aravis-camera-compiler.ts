import type { SequenceContext, TimeLane } from '@shotline/core';
import type { CameraInitParameters } from '../camera.js';
import { CameraCompiler } from '../camera-compiler.js';
import type {
  AravisCameraConfiguration,
  AravisPixelFormat,
} from './aravis-camera-configuration.js';

/** What an Aravis camera is built from (plain data). */
export interface AravisCameraInitParameters extends CameraInitParameters {
  readonly deviceId: string;
  readonly pixelFormat: AravisPixelFormat;
  readonly triggerSource: string;
  readonly bufferCount: number;
  readonly libraryPath?: string;
}

/** Compiles an Aravis camera: the common camera compilation; no per-shot model settings. */
export class AravisCameraCompiler extends CameraCompiler<
  AravisCameraConfiguration,
  AravisCameraInitParameters,
  null
> {
  constructor(
    deviceName: string,
    configuration: AravisCameraConfiguration,
    sequence: SequenceContext,
    lane: TimeLane,
  ) {
    super(deviceName, configuration, sequence, lane, configuration.bufferCount);
  }

  initializationParameters(): AravisCameraInitParameters {
    const c = this.configuration;
    return {
      roi: c.roi,
      externalTrigger: c.externalTrigger,
      deviceId: c.deviceId,
      pixelFormat: c.pixelFormat,
      triggerSource: c.triggerSource,
      bufferCount: c.bufferCount,
      ...(c.libraryPath === undefined ? {} : { libraryPath: c.libraryPath }),
    };
  }

  protected shotSettings(): null {
    return null;
  }
}
