import { RecoverableError, ShotlineError } from '../errors/index.js';

/** A sequence cannot be run in its current state (only DRAFT sequences can run). */
export class SequenceNotDraftError extends RecoverableError {
  static override readonly code: string = 'SEQUENCE_NOT_DRAFT';
}

/** A storage state change the engine relies on failed (e.g. RUNNING -> FINISHED). */
export class SequenceStateError extends ShotlineError {
  static override readonly code: string = 'SEQUENCE_STATE';
}

/**
 * A sequence is not in a state that allows what was asked (pause, resume, continue...): the error
 * names the sequence, its state and the states that would allow it.
 */
export class WrongSequenceStateError extends RecoverableError {
  static override readonly code: string = 'WRONG_SEQUENCE_STATE';
  constructor(
    /** What was asked: `pause`, `resume`, `continue`... */
    readonly action: string,
    readonly sequence: string,
    /** The state the sequence is in (`none` when no sequence runs). */
    readonly state: string,
    /** The states that allow `action`. */
    readonly allowed: readonly string[],
    hint?: string,
  ) {
    super(
      `cannot ${action} sequence ${sequence}: it is ${state.toUpperCase()} (only a ${allowed
        .map((s) => s.toUpperCase())
        .join(' or ')} sequence can be ${pastTense(action)})${hint ? `; ${hint}` : ''}`,
      { location: { sequence } },
    );
  }
}

function pastTense(action: string): string {
  if (action.endsWith('e')) return `${action}d`;
  return `${action}ed`;
}

/**
 * A sequence's stored shots do not match its iteration walked again with its snapshot: it cannot be
 * continued (something changed the way its shots are computed since it ran).
 */
export class StoredShotsMismatchError extends RecoverableError {
  static override readonly code: string = 'STORED_SHOTS_MISMATCH';
}
