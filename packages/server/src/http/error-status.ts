import {
  AuthenticationError,
  DataNotFoundError,
  DeviceConfigurationNotFoundError,
  ExperimentManagerClosedError,
  InvalidDeviceConfigurationError,
  PathExistsError,
  PathHasChildrenError,
  PathIsNotSequenceError,
  PathIsSequenceError,
  PathNotFoundError,
  PermissionDeniedError,
  ProcedureActivationTimeoutError,
  ProcedureAlreadyActiveError,
  ProcedureNotActiveError,
  QueuedRunNotFoundError,
  RemoteNotFoundError,
  RequestValidationError,
  SequenceAlreadyRunningError,
  SequenceNotEditableError,
  SequenceRunningError,
  ShotNotFoundError,
  WrongSequenceStateError,
  isRecoverable,
} from '@shotline/core';
import {
  LabLockedError,
  ProcedureNotFoundError,
  QueueStateError,
  SequenceAlreadyQueuedError,
  ServerClosingError,
} from './server-errors.js';
import { SequenceVersionConflictError } from './version-conflict-error.js';

const STATUS: readonly [abstract new (...args: never[]) => Error, number][] = [
  [AuthenticationError, 401],
  [PermissionDeniedError, 403],
  [RequestValidationError, 400],
  [PathNotFoundError, 404],
  [ShotNotFoundError, 404],
  [DataNotFoundError, 404],
  [DeviceConfigurationNotFoundError, 404],
  [QueuedRunNotFoundError, 404],
  [ProcedureNotFoundError, 404],
  [RemoteNotFoundError, 404],
  [SequenceAlreadyQueuedError, 409],
  [WrongSequenceStateError, 409],
  [SequenceAlreadyRunningError, 409],
  [SequenceRunningError, 409],
  [SequenceNotEditableError, 409],
  [SequenceVersionConflictError, 409],
  [PathExistsError, 409],
  [PathHasChildrenError, 409],
  [PathIsSequenceError, 409],
  [PathIsNotSequenceError, 409],
  [QueueStateError, 409],
  [LabLockedError, 409],
  [ProcedureNotActiveError, 409],
  [ProcedureAlreadyActiveError, 409],
  [ProcedureActivationTimeoutError, 409],
  [InvalidDeviceConfigurationError, 422],
  [ExperimentManagerClosedError, 503],
  [ServerClosingError, 503],
];

/**
 * The HTTP status of an error a route threw: 4xx for what the request got wrong (a user or setup
 * error is 422 unless a more precise status applies), 500 for the server's own failures.
 */
export function httpStatusOf(error: unknown): number {
  for (const [cls, status] of STATUS) if (error instanceof cls) return status;
  return isRecoverable(error) ? 422 : 500;
}
