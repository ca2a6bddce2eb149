import { z } from 'zod';

/**
 * Life cycle of a sequence:
 * DRAFT (editable) -> PREPARING (devices being opened) -> RUNNING (shots being added) <-> PAUSED
 * (at a shot boundary, devices open) -> FINISHED | INTERRUPTED | CRASHED (terminal); a terminal
 * sequence goes back to DRAFT only by a reset, which erases its shots. PREPARING and PAUSED may also
 * end INTERRUPTED or CRASHED. An INTERRUPTED or CRASHED sequence may be continued: PREPARING again,
 * keeping its shots and snapshots, then RUNNING from the next missing shot.
 */
export const SEQUENCE_STATES = [
  'draft',
  'preparing',
  'running',
  'paused',
  'finished',
  'interrupted',
  'crashed',
] as const;

/** One of {@link SEQUENCE_STATES}. */
export type SequenceState = (typeof SEQUENCE_STATES)[number];

/** zod schema of a {@link SequenceState}. */
export const sequenceStateSchema = z.enum(SEQUENCE_STATES);

/**
 * Every state change, by the operation that makes it: the states it starts from and the state it
 * leads to. Storage refuses any other change (compare-and-set on the current state).
 */
export const SEQUENCE_TRANSITIONS = {
  /** DRAFT -> PREPARING, snapshotting the globals and device configurations. */
  prepare: { from: ['draft'], to: 'preparing' },
  /** INTERRUPTED | CRASHED -> PREPARING, keeping the shots and snapshots. */
  continue: { from: ['interrupted', 'crashed'], to: 'preparing' },
  /** PREPARING -> RUNNING. */
  run: { from: ['preparing'], to: 'running' },
  /** RUNNING -> PAUSED, at a shot boundary. */
  pause: { from: ['running'], to: 'paused' },
  /** PAUSED -> RUNNING. */
  resume: { from: ['paused'], to: 'running' },
  /** RUNNING -> FINISHED. */
  finish: { from: ['running'], to: 'finished' },
  /** PREPARING | RUNNING | PAUSED -> INTERRUPTED. */
  interrupt: { from: ['preparing', 'running', 'paused'], to: 'interrupted' },
  /** PREPARING | RUNNING | PAUSED -> CRASHED. */
  crash: { from: ['preparing', 'running', 'paused'], to: 'crashed' },
  /** FINISHED | INTERRUPTED | CRASHED -> DRAFT, erasing the shots. */
  reset: { from: ['finished', 'interrupted', 'crashed'], to: 'draft' },
} as const satisfies Record<
  string,
  { readonly from: readonly SequenceState[]; readonly to: SequenceState }
>;

/** An operation that changes the state of a sequence (see {@link SEQUENCE_TRANSITIONS}). */
export type SequenceTransition = keyof typeof SEQUENCE_TRANSITIONS;

/** True if `transition` may start from `from`. */
export function isTransitionAllowedBy(
  transition: SequenceTransition,
  from: SequenceState,
): boolean {
  return (SEQUENCE_TRANSITIONS[transition].from as readonly SequenceState[]).includes(from);
}

/** True if some operation takes a sequence from `from` to `to`. */
export function isTransitionAllowed(from: SequenceState, to: SequenceState): boolean {
  return Object.values(SEQUENCE_TRANSITIONS).some(
    (t) => t.to === to && (t.from as readonly SequenceState[]).includes(from),
  );
}

/** Only drafts can be edited (iteration, time lanes, suspenders). */
export function isEditable(state: SequenceState): boolean {
  return state === 'draft';
}

/** FINISHED, INTERRUPTED and CRASHED. */
export function isTerminal(state: SequenceState): boolean {
  return state === 'finished' || state === 'interrupted' || state === 'crashed';
}

/**
 * PREPARING, RUNNING or PAUSED: the sequence owns devices and cannot be moved, edited, reset or
 * deleted.
 */
export function isActive(state: SequenceState): boolean {
  return state === 'preparing' || state === 'running' || state === 'paused';
}

/** INTERRUPTED and CRASHED: the states a run can be continued from. */
export function isContinuable(state: SequenceState): boolean {
  return isTransitionAllowedBy('continue', state);
}
