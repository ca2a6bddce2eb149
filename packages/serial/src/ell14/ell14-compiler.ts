import {
  type DeviceCompiler,
  Expression,
  InvalidTypeError,
  InvalidValueError,
  Quantity,
  type ShotContext,
  withContext,
} from '@shotline/core';
import {
  DEFAULT_ELL14_MOVE_TIMEOUT_SECONDS,
  DEFAULT_ELL14_TOLERANCE_DEGREES,
  type Ell14Configuration,
} from './ell14-configuration.js';
import { ELL14_BAUD_RATE } from './ell14-protocol.js';

/** What an ELL14 device is built from (once per sequence); plain, structured-cloneable data. */
export interface Ell14InitParameters {
  readonly port: string;
  readonly baudRate: number;
  readonly address: number;
  readonly toleranceDegrees: number;
  readonly moveTimeoutMs: number;
  readonly homeOnOpen: boolean;
}

/** What the controller receives for one shot. */
export interface Ell14ShotParameters {
  /** The target angle in degrees, as evaluated (not normalised). */
  readonly angleDegrees: number;
}

/**
 * Compiles an ELL14 configuration: the angle expression is parsed once and evaluated for every
 * shot. The result must be an angle (a quantity in `°`, `deg` or `rad`); any error names the device,
 * the expression and the shot.
 */
export class Ell14Compiler implements DeviceCompiler<Ell14InitParameters, Ell14ShotParameters> {
  private readonly angle: Expression;

  constructor(
    private readonly deviceName: string,
    private readonly configuration: Ell14Configuration,
  ) {
    const source = configuration.angle;
    try {
      this.angle = new Expression(source);
    } catch (error) {
      throw withContext(error, { device: deviceName, expression: source });
    }
    if (this.angle.isTimeDependent) {
      throw new InvalidValueError(
        `the angle of ELL14 "${deviceName}" cannot depend on the time t: the mount moves once ` +
          'per shot, before the shot starts',
        { location: { device: deviceName, expression: source } },
      );
    }
  }

  initializationParameters(): Ell14InitParameters {
    const c = this.configuration;
    return {
      port: c.port,
      baudRate: c.baudRate ?? ELL14_BAUD_RATE,
      address: c.address ?? 0,
      toleranceDegrees: c.toleranceDegrees ?? DEFAULT_ELL14_TOLERANCE_DEGREES,
      moveTimeoutMs: 1000 * (c.moveTimeoutSeconds ?? DEFAULT_ELL14_MOVE_TIMEOUT_SECONDS),
      homeOnOpen: c.homeOnOpen ?? false,
    };
  }

  compileShot(shot: ShotContext): Ell14ShotParameters {
    const location = { device: this.deviceName, expression: this.angle.source, shot: shot.index };
    let value: unknown;
    try {
      value = this.angle.evaluate(shot.parameters);
    } catch (error) {
      throw withContext(error, location);
    }
    if (!(value instanceof Quantity) || !value.unit.isAngle) {
      const got =
        value instanceof Quantity
          ? `${value.toString()} (not an angle)`
          : `${String(value)} (a ${typeof value})`;
      throw new InvalidTypeError(
        `the angle of ELL14 "${this.deviceName}" must be an angle such as 45° or 0.5 rad, ` +
          `got ${got}`,
        { location },
      );
    }
    const degrees = (value.toBase() * 180) / Math.PI;
    if (!Number.isFinite(degrees)) {
      throw new InvalidValueError(
        `the angle of ELL14 "${this.deviceName}" is ${value.toString()}, not a finite angle`,
        { location },
      );
    }
    return { angleDegrees: degrees };
  }
}
