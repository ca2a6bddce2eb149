import { InvalidValueError, ShotlineError } from '../errors/index.js';

/**
 * A suspender cannot work with this sequence (an unknown device or label, a missing global, a
 * condition of the wrong type, a bad time): refused when the sequence is checked, before anything
 * is written or opened. The location names the sequence and the suspender.
 */
export class SuspenderConfigurationError extends InvalidValueError {
  static override readonly code: string = 'SUSPENDER_CONFIGURATION';
}

/**
 * A suspender could not decide while the sequence ran: its watched value had the wrong type, was
 * missing from the shot's data, or its function threw. The sequence crashes (a suspender that
 * cannot watch must not let the run go on unwatched).
 */
export class SuspenderFailedError extends ShotlineError {
  static override readonly code: string = 'SUSPENDER_FAILED';
}
