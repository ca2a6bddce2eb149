import { z } from 'zod';

/**
 * Life cycle of a sequence:
 * DRAFT (editable) -> PREPARING (devices being opened) -> RUNNING (shots being added) ->
 * FINISHED | INTERRUPTED | CRASHED (terminal); a terminal sequence goes back to DRAFT only by a reset,
 * which erases its shots. PREPARING may also end INTERRUPTED or CRASHED.
 */
export const SEQUENCE_STATES = [
  'draft',
  'preparing',
  'running',
  'finished',
  'interrupted',
  'crashed',
] as const;

/** One of {@link SEQUENCE_STATES}. */
export type SequenceState = (typeof SEQUENCE_STATES)[number];

/** zod schema of a {@link SequenceState}. */
export const sequenceStateSchema = z.enum(SEQUENCE_STATES);

const ALLOWED: Readonly<Record<SequenceState, readonly SequenceState[]>> = {
  draft: ['preparing'],
  preparing: ['running', 'interrupted', 'crashed'],
  running: ['finished', 'interrupted', 'crashed'],
  finished: ['draft'],
  interrupted: ['draft'],
  crashed: ['draft'],
};

/** True if a sequence may go from `from` to `to`. */
export function isTransitionAllowed(from: SequenceState, to: SequenceState): boolean {
  return ALLOWED[from].includes(to);
}

/** Only drafts can be edited (iteration, time lanes). */
export function isEditable(state: SequenceState): boolean {
  return state === 'draft';
}

/** FINISHED, INTERRUPTED and CRASHED. */
export function isTerminal(state: SequenceState): boolean {
  return state === 'finished' || state === 'interrupted' || state === 'crashed';
}

/** PREPARING or RUNNING: the sequence owns devices and cannot be moved, edited or deleted. */
export function isActive(state: SequenceState): boolean {
  return state === 'preparing' || state === 'running';
}
