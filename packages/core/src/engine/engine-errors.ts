import {
  ContractViolationError,
  DeviceTimeoutError,
  InvalidValueError,
  RecoverableError,
  ShotlineError,
  type ShotlineErrorOptions,
} from '../errors/index.js';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A device compiler failed (in `createCompiler`, `initializationParameters` or `compileShot`).
 * Location: sequence, shot (when per shot) and device; recoverable when its cause is.
 */
export class DeviceCompilationError extends ShotlineError {
  static override readonly code: string = 'DEVICE_COMPILATION';
  constructor(
    readonly deviceName: string,
    readonly phase: 'compiler' | 'initialization' | 'shot',
    cause: unknown,
    options: ShotlineErrorOptions = {},
  ) {
    const what =
      phase === 'compiler'
        ? 'could not create its compiler'
        : phase === 'initialization'
          ? 'could not compute its initialization parameters'
          : 'could not compile the shot';
    super(`device "${deviceName}" ${what}: ${messageOf(cause)}`, {
      ...options,
      cause,
      location: { device: deviceName, ...(options.location ?? {}) },
    });
  }
}

/** A shot could not be compiled in time; the worker that compiled it was terminated and replaced. */
export class CompileDeadlineError extends ShotlineError {
  static override readonly code: string = 'COMPILE_DEADLINE';
}

/** One or more time lanes were not used by any device of the shot (names them). */
export class UnusedLaneError extends InvalidValueError {
  static override readonly code: string = 'UNUSED_LANE';
  constructor(
    readonly lanes: readonly string[],
    options: ShotlineErrorOptions = {},
  ) {
    super(
      `no device used the time lane${lanes.length > 1 ? 's' : ''} ${lanes.map((l) => `"${l}"`).join(', ')}` +
        '; remove it, or configure a device that uses it',
      {
        ...options,
        location: { ...(lanes.length === 1 ? { lane: lanes[0] } : {}), ...options.location },
      },
    );
  }
}

/** A device failed to open; the devices already open were closed. */
export class DeviceOpenError extends ShotlineError {
  static override readonly code: string = 'DEVICE_OPEN';
  constructor(
    readonly deviceName: string,
    cause: unknown,
    options: ShotlineErrorOptions = {},
  ) {
    super(`device "${deviceName}" could not be opened: ${messageOf(cause)}`, {
      ...options,
      cause,
      location: { device: deviceName, ...(options.location ?? {}) },
    });
  }
}

/** A device failed to close at the end of a sequence. */
export class DeviceCloseError extends ShotlineError {
  static override readonly code: string = 'DEVICE_CLOSE';
  constructor(
    readonly deviceName: string,
    cause: unknown,
    options: ShotlineErrorOptions = {},
  ) {
    super(`device "${deviceName}" could not be closed: ${messageOf(cause)}`, {
      ...options,
      cause,
      location: { device: deviceName, ...(options.location ?? {}) },
    });
  }
}

/** A controller's `runShot` failed; the other controllers of the shot were aborted. */
export class DeviceShotError extends ShotlineError {
  static override readonly code: string = 'DEVICE_SHOT';
  constructor(
    readonly deviceName: string,
    readonly shotIndex: number,
    cause: unknown,
    options: ShotlineErrorOptions = {},
  ) {
    super(`device "${deviceName}" failed during the shot: ${messageOf(cause)}`, {
      ...options,
      cause,
      location: { shot: shotIndex, device: deviceName, ...(options.location ?? {}) },
    });
  }
}

/** A shot did not finish within its timeout (default 2 × duration + 2 s). */
export class ShotTimeoutError extends DeviceTimeoutError {
  static override readonly code: string = 'SHOT_TIMEOUT';
}

/** A controller broke the readiness-barrier contract (called it twice, or never). */
export class ReadinessBarrierError extends ContractViolationError {
  static override readonly code: string = 'READINESS_BARRIER';
}

/** Two controllers (or one, twice) signalled the same data label in one shot. */
export class DuplicateDataLabelError extends ContractViolationError {
  static override readonly code: string = 'DUPLICATE_DATA_LABEL';
}

/** A controller waited for data that no device signalled before the shot ended. */
export class DataNeverSignalledError extends RecoverableError {
  static override readonly code: string = 'DATA_NEVER_SIGNALLED';
}

/**
 * After a failure the other controllers were aborted, but some did not stop within the grace time.
 * Their devices are in an unknown state, so the shot is never retried.
 */
export class ControllersDidNotStopError extends ShotlineError {
  static override readonly code: string = 'CONTROLLERS_DID_NOT_STOP';
}

/** Every allowed attempt of a shot failed with a retriable error; `errors` holds each attempt's. */
export class ShotAttemptsExceededError extends RecoverableError {
  static override readonly code: string = 'SHOT_ATTEMPTS_EXCEEDED';
  constructor(
    readonly errors: readonly unknown[],
    options: ShotlineErrorOptions = {},
  ) {
    super(
      `the shot failed ${errors.length} time${errors.length > 1 ? 's' : ''}; last error: ` +
        messageOf(errors[errors.length - 1]),
      { cause: errors[errors.length - 1], ...options },
    );
  }
}

/** Storing a shot failed; the sequence stops after the running shot. */
export class ShotStorageError extends ShotlineError {
  static override readonly code: string = 'SHOT_STORAGE';
}
