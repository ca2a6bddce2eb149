import { SEQUENCE_STATES, SEQUENCE_TRANSITIONS, isActive, isEditable } from '../sequence/index.js';
import type { StorageStatePolicy } from './storage-rules.js';

/**
 * The sequence state machine of `sequence/` as the plain data the refusal rules of
 * `storage-rules.ts` take (which states are editable, which are active, which operation changes
 * which state), so a backend thread that does not load core applies the same rules.
 */
export function storageStatePolicy(): StorageStatePolicy {
  const transitions: Record<string, { from: string[]; to: string }> = {};
  for (const [name, t] of Object.entries(SEQUENCE_TRANSITIONS)) {
    transitions[name] = { from: [...t.from], to: t.to };
  }
  return {
    editable: SEQUENCE_STATES.filter(isEditable),
    active: SEQUENCE_STATES.filter(isActive),
    transitions,
  };
}
