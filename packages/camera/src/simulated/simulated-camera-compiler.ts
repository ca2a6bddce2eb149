import {
  Expression,
  InvalidTypeError,
  InvalidValueError,
  ShotlineError,
  type SequenceContext,
  type ShotContext,
  type TimeLane,
} from '@shotline/core';
import type { CameraInitParameters } from '../camera.js';
import { CameraCompiler } from '../camera-compiler.js';
import { assertRoiFitsSensor } from '../roi.js';
import type { SimulatedCloud } from './render-simulated-image.js';
import type {
  SimulatedCameraConfiguration,
  SimulatedCameraFaults,
} from './simulated-camera-configuration.js';

/** What a simulated camera is built from (plain data, computed once per sequence). */
export interface SimulatedCameraInitParameters extends CameraInitParameters {
  readonly sensor: SimulatedCameraConfiguration['sensor'];
  readonly latencyMs: number;
  readonly maxImagesPerShot: number;
  readonly noise: SimulatedCameraConfiguration['noise'];
  readonly reverseX: boolean;
  readonly reverseY: boolean;
  readonly triggerTolerance: number;
  readonly faults: SimulatedCameraFaults;
}

/** The per-shot settings of a simulated camera: the cloud, evaluated from the shot parameters. */
export interface SimulatedShotSettings {
  readonly cloud: SimulatedCloud;
}

const CLOUD_KEYS = ['x', 'y', 'sigma', 'peak'] as const;

/** Compiles a simulated camera: the common camera compilation plus the cloud of each shot. */
export class SimulatedCameraCompiler extends CameraCompiler<
  SimulatedCameraConfiguration,
  SimulatedCameraInitParameters,
  SimulatedShotSettings
> {
  private readonly cloud: Readonly<Record<keyof SimulatedCloud, Expression>>;

  constructor(
    deviceName: string,
    configuration: SimulatedCameraConfiguration,
    sequence: SequenceContext,
    lane: TimeLane,
  ) {
    super(deviceName, configuration, sequence, lane, configuration.maxImagesPerShot);
    assertRoiFitsSensor(configuration.roi, configuration.sensor, deviceName);
    const parse = (source: string): Expression => {
      try {
        return new Expression(source);
      } catch (error) {
        throw error instanceof ShotlineError ? error.addContext({ device: deviceName }) : error;
      }
    };
    const c = configuration.cloud;
    this.cloud = { x: parse(c.x), y: parse(c.y), sigma: parse(c.sigma), peak: parse(c.peak) };
  }

  initializationParameters(): SimulatedCameraInitParameters {
    const c = this.configuration;
    return {
      roi: c.roi,
      externalTrigger: c.externalTrigger,
      sensor: c.sensor,
      latencyMs: c.latencyMs,
      maxImagesPerShot: c.maxImagesPerShot,
      noise: c.noise,
      reverseX: c.reverseX,
      reverseY: c.reverseY,
      triggerTolerance: c.triggerTolerance,
      faults: c.faults,
    };
  }

  protected shotSettings(shot: ShotContext): SimulatedShotSettings {
    const values = {} as Record<keyof SimulatedCloud, number>;
    for (const key of CLOUD_KEYS) {
      const expression = this.cloud[key];
      const location = { device: this.deviceName, expression: expression.source };
      let value: unknown;
      try {
        value = expression.evaluate(shot.parameters);
      } catch (error) {
        throw error instanceof ShotlineError ? error.addContext(location) : error;
      }
      if (typeof value !== 'number') {
        throw new InvalidTypeError(
          `the cloud ${key} of camera "${this.deviceName}" must be a dimensionless number, but ` +
            `"${expression.source}" is ${typeof value === 'boolean' ? 'a boolean' : String(value)}`,
          { location },
        );
      }
      if (!Number.isFinite(value) || (key === 'sigma' && value <= 0)) {
        throw new InvalidValueError(
          `the cloud ${key} of camera "${this.deviceName}" is ${value}` +
            (key === 'sigma' ? ': the cloud radius must be positive' : ''),
          { location },
        );
      }
      values[key] = value;
    }
    return { cloud: values };
  }
}
