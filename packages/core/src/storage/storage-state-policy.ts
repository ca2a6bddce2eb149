import { SEQUENCE_STATES, isActive, isEditable } from '../sequence/index.js';
import type { StorageStatePolicy } from './storage-rules.js';
import { statesBefore } from './storage-validation.js';

/**
 * The sequence state machine of `sequence/` as the plain data the refusal rules of
 * `storage-rules.ts` take (which states are editable, which are active, which transitions are
 * allowed), so a backend thread that does not load core applies the same rules.
 */
export function storageStatePolicy(): StorageStatePolicy {
  const allowedFrom: Record<string, string[]> = {};
  for (const to of SEQUENCE_STATES) allowedFrom[to] = statesBefore(to);
  return {
    editable: SEQUENCE_STATES.filter(isEditable),
    active: SEQUENCE_STATES.filter(isActive),
    allowedFrom,
  };
}
