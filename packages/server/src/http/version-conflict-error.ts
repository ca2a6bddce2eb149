import { RecoverableError } from '@shotline/core';

/**
 * An edit was made from a version of a sequence that is no longer the stored one: someone else
 * saved in between (HTTP 409). Nothing was saved; reload, re-apply and save again.
 */
export class SequenceVersionConflictError extends RecoverableError {
  static override readonly code: string = 'SEQUENCE_VERSION_CONFLICT';
}
