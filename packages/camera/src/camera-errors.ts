import {
  ConnectionFailedError,
  ContractViolationError,
  DeviceTimeoutError,
  InvalidValueError,
} from '@shotline/core';

/**
 * A picture did not arrive in time: the trigger never came, a frame was lost, or the camera is too
 * slow. Recoverable (the shot can be retried); the message names the camera and the picture.
 */
export class CameraTimeoutError extends DeviceTimeoutError {
  static override readonly code: string = 'CAMERA_TIMEOUT';
}

/**
 * The camera stopped answering in the middle of a sequence (cable pulled, power lost, driver lost
 * control). Recoverable: fixing the setup and running again works.
 */
export class CameraDisconnectedError extends ConnectionFailedError {
  static override readonly code: string = 'CAMERA_DISCONNECTED';
}

/** A region of interest that does not fit on the sensor; the message names the offending bound. */
export class RoiOutsideSensorError extends InvalidValueError {
  static override readonly code: string = 'ROI_OUTSIDE_SENSOR';
}

/** A picture block lasts 0 s (its steps have no duration in this shot): nothing to expose. */
export class PictureTooShortError extends InvalidValueError {
  static override readonly code: string = 'PICTURE_TOO_SHORT';
}

/**
 * The camera cannot take the pictures a shot asks for (too many, an exposure out of range, a frame
 * of the wrong size...).
 */
export class CameraAcquisitionError extends InvalidValueError {
  static override readonly code: string = 'CAMERA_ACQUISITION';
}

/** A camera was used before `open()` or after `close()`: a bug in the caller. */
export class CameraNotOpenError extends ContractViolationError {
  static override readonly code: string = 'CAMERA_NOT_OPEN';
}

/**
 * libaravis-0.8 could not be loaded: it is not installed (Debian/Ubuntu: `apt install
 * libaravis-0.8-0`) or not found under the configured `libraryPath`.
 */
export class AravisNotAvailableError extends ConnectionFailedError {
  static override readonly code: string = 'ARAVIS_NOT_AVAILABLE';
}
