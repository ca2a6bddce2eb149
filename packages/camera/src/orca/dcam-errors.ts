import { ConnectionFailedError, type ShotlineErrorOptions } from '@shotline/core';
import { CameraAcquisitionError } from '../camera-errors.js';
import { dcamErrorName } from './dcam-constants.js';

/** Options of a {@link DcamError}. */
export interface DcamErrorOptions extends ShotlineErrorOptions {
  /** The `DCAMERR` status (negative). */
  readonly dcamCode: number;
  /** The DCAM-API function that returned it, e.g. `dcamprop_setvalue`. */
  readonly dcamFunction: string;
}

/**
 * DCAM-API refused a call: an invalid property or value, a subarray the camera does not take, a
 * busy camera... Carries the `DCAMERR` code and its name; the message names the camera and what
 * was being done. Recoverable (a setup problem). A lost camera is a `CameraDisconnectedError`, a
 * missing frame a `CameraTimeoutError`.
 */
export class DcamError extends CameraAcquisitionError {
  static override readonly code: string = 'DCAM';
  readonly dcamCode: number;
  readonly dcamFunction: string;

  constructor(detail: string, options: DcamErrorOptions) {
    super(detail, options);
    this.dcamCode = options.dcamCode;
    this.dcamFunction = options.dcamFunction;
  }

  /** DCAM's name of the code (`INVALIDPROPERTYID`), or its hexadecimal value. */
  get dcamName(): string {
    return dcamErrorName(this.dcamCode);
  }
}

/**
 * Hamamatsu DCAM-API cannot be used: not installed, not found at the configured path, or not
 * DCAM-API 4. The message names what to install.
 */
export class DcamApiNotAvailableError extends ConnectionFailedError {
  static override readonly code: string = 'DCAM_NOT_AVAILABLE';
}
