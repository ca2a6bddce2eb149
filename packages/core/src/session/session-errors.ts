import { RecoverableError, ShotlineError } from '../errors/index.js';

/** A sequence cannot be run in its current state (only DRAFT sequences can run). */
export class SequenceNotDraftError extends RecoverableError {
  static override readonly code: string = 'SEQUENCE_NOT_DRAFT';
}

/** A storage state change the engine relies on failed (e.g. RUNNING -> FINISHED). */
export class SequenceStateError extends ShotlineError {
  static override readonly code: string = 'SEQUENCE_STATE';
}
