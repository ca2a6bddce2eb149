import { RecoverableError, ShotlineError } from '@shotline/core';

/** A sequence is already waiting in the queue or running (HTTP 409). */
export class SequenceAlreadyQueuedError extends RecoverableError {
  static override readonly code: string = 'SEQUENCE_ALREADY_QUEUED';
}

/** The request conflicts with the state of the lab (HTTP 409): e.g. cancelling a finished run. */
export class QueueStateError extends RecoverableError {
  static override readonly code: string = 'QUEUE_STATE';
}

/**
 * The lab is locked by someone else (a command-line run, another server): nothing can run here
 * until it is released (HTTP 409).
 */
export class LabLockedError extends RecoverableError {
  static override readonly code: string = 'LAB_LOCKED';
}

/** A request named a procedure this client's session does not have (HTTP 404). */
export class ProcedureNotFoundError extends RecoverableError {
  static override readonly code: string = 'PROCEDURE_NOT_FOUND';
}

/** The server is shutting down and takes no new work (HTTP 503). */
export class ServerClosingError extends ShotlineError {
  static override readonly code: string = 'SERVER_CLOSING';
}
