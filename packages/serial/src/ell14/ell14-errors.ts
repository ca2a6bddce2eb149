import { RecoverableError, type ShotlineErrorOptions } from '@shotline/core';
import { angularDistance } from '../internal/angles.js';
import { describeEll14Status, type Ell14StatusName } from './ell14-status.js';

/**
 * The mount answered a command with an error status (`GS` reply other than 0, or 9 "busy" when a
 * command could not run). `status` is the numeric code, `statusName` and `meaning` say what it is.
 */
export class Ell14StatusError extends RecoverableError {
  static override readonly code: string = 'ELL14_STATUS';
  /** The name of the status, e.g. `MECHANICAL_TIMEOUT`. */
  readonly statusName: Ell14StatusName;
  /** What the status means, from the manual. */
  readonly meaning: string;

  constructor(
    /** The status code reported by the mount (0 to 255). */
    readonly status: number,
    command: string,
    options: ShotlineErrorOptions = {},
  ) {
    const { name, meaning } = describeEll14Status(status);
    super(`ELL14 reported status ${status} ${name} (${meaning}) for command "${command}"`, options);
    this.statusName = name;
    this.meaning = meaning;
  }
}

/** The instrument that answered is not an ELL14 (another Elliptec model, or a wrong address). */
export class Ell14WrongDeviceError extends RecoverableError {
  static override readonly code: string = 'ELL14_WRONG_DEVICE';
}

/** After a move, the position the mount reports is farther from the target than the tolerance. */
export class Ell14PositionError extends RecoverableError {
  static override readonly code: string = 'ELL14_POSITION';

  constructor(
    /** The requested angle, degrees. */
    readonly targetDegrees: number,
    /** The angle the mount reports, degrees. */
    readonly measuredDegrees: number,
    /** The allowed difference, degrees. */
    readonly toleranceDegrees: number,
    options: ShotlineErrorOptions = {},
  ) {
    super(
      `ELL14 is at ${measuredDegrees.toFixed(4)}° after a move to ${targetDegrees.toFixed(4)}° ` +
        `(off by ${angularDistance(targetDegrees, measuredDegrees).toFixed(4)}°, tolerance ` +
        `${toleranceDegrees}°)`,
      options,
    );
  }
}
