// The refusal rules every storage backend applies inside its transaction, as pure functions of what
// the backend found: the SQL backends and the memory backend only fetch the facts (each in its own
// dialect) and write; which request is refused, in which order and with which failure is decided
// here, once. Failures are `StorageFailure` data; `storageFailureToError` turns them into errors.
//
// This module has no runtime import, so the SQLite writer worker loads it alone (through
// `@shotline/core/storage-rules`) without loading the rest of core. Keep it that way: import types
// only. That entry always resolves to the built file (no `@shotline/source` condition), because
// worker threads started under the test runner inherit its conditions but cannot run TypeScript.
import type { StorageFailure, StorageOutcome } from './storage-failure.js';
import type { EncodedPreparingSnapshot } from './storage-validation.js';

/**
 * The sequence state machine as plain data (built from core's rules by `storageStatePolicy()`), for
 * code that must not load core at run time.
 */
export interface StorageStatePolicy {
  /** States whose iteration and time lanes may be edited. */
  editable: readonly string[];
  /** States that own devices: such sequences cannot be moved or deleted. */
  active: readonly string[];
  /**
   * For each operation that changes the state (`prepare`, `continue`, `run`, `pause`, `resume`,
   * `finish`, `interrupt`, `crash`, `reset`), the states it starts from and the state it leads to.
   */
  transitions: Readonly<Record<string, { readonly from: readonly string[]; readonly to: string }>>;
}

/** What a backend found at a path: nothing, a folder or a sequence. */
export type StoredNodeKind = 'folder' | 'sequence' | undefined;

/** The kind of a row of the path tree joined with its sequence (`sequence_id` null: a folder). */
export function storedNodeKind(row: { sequence_id: unknown } | undefined): StoredNodeKind {
  if (row === undefined) return undefined;
  return row.sequence_id === null || row.sequence_id === undefined ? 'folder' : 'sequence';
}

/** A sequence below (or at) a path, with its state. */
export interface StoredSequenceState {
  path: string;
  state: string;
}

/** A successful storage outcome. */
export function storageSuccess<T>(value: T): StorageOutcome<T> {
  return { ok: true, value };
}

/** A failed storage outcome. */
export function storageFailure<T = never>(failure: StorageFailure): StorageOutcome<T> {
  return { ok: false, failure };
}

/** A refusal as a failed outcome, or undefined when there is none. */
export function storageRefusal(
  refusal: StorageFailure | undefined,
): StorageOutcome<never> | undefined {
  return refusal === undefined ? undefined : { ok: false, failure: refusal };
}

// ---- path text (validated by SequencePath before it reaches a backend) ---------------------------

/** The text of the root path. */
export const STORAGE_ROOT_PATH = '\\';

/** `\a\b` -> `\a`; `\a` -> `\`. */
export function storageParentPath(path: string): string {
  const cut = path.lastIndexOf('\\');
  return cut <= 0 ? STORAGE_ROOT_PATH : path.slice(0, cut);
}

/** The folders from the top down to `path` included: `\a\b` -> [`\a`, `\a\b`]; the root gives []. */
export function storagePathChain(path: string): string[] {
  if (path === STORAGE_ROOT_PATH) return [];
  const parts = path.slice(1).split('\\');
  return parts.map((_, i) => STORAGE_ROOT_PATH + parts.slice(0, i + 1).join('\\'));
}

/**
 * Bounds of the paths strictly below `path` in code point order, for SQL range queries on a column
 * with binary collation: every descendant starts with `path\`, and `\` (0x5C) is followed by `]`
 * (0x5D), so descendants are exactly the texts `t` with `lo <= t < hi`. Unlike `LIKE 'a\%'`, this
 * needs no escaping of `%` or `_`, which are valid in names.
 */
export function storageDescendantRange(path: string): [string, string] {
  return path === STORAGE_ROOT_PATH ? [STORAGE_ROOT_PATH, ']'] : [`${path}\\`, `${path}]`];
}

// ---- what state changes write ------------------------------------------------------------------

/** The columns of a sequence that state changes write besides `state` (SQL column names). */
export const SEQUENCE_TRANSITION_COLUMNS = [
  'globals',
  'device_configurations',
  'owner',
  'error',
  'start_time',
  'stop_time',
] as const;

/** An operation that changes the state of a sequence (names of `SEQUENCE_TRANSITIONS` in core). */
export type StorageTransition =
  'prepare' | 'continue' | 'run' | 'pause' | 'resume' | 'finish' | 'interrupt' | 'crash' | 'reset';

/** One of {@link SEQUENCE_TRANSITION_COLUMNS}. */
export type SequenceTransitionColumn = (typeof SEQUENCE_TRANSITION_COLUMNS)[number];

/** The columns one state change sets; times are `T` (milliseconds, or the driver's Date). */
export type SequenceTransitionChanges<T = number> = Partial<
  Record<SequenceTransitionColumn, string | T | null>
>;

/** What DRAFT -> PREPARING writes: the snapshots and who runs the sequence. */
export function sequencePreparingChanges(
  snapshot: EncodedPreparingSnapshot,
): SequenceTransitionChanges<never> {
  return {
    globals: snapshot.globals,
    device_configurations: snapshot.deviceConfigurations,
    owner: snapshot.owner,
  };
}

/**
 * What INTERRUPTED | CRASHED -> PREPARING (a continuation) writes: the new owner; the error and stop
 * time of the run it continues are cleared (they stay in its `continued` event). The snapshots,
 * start time and shots are kept.
 */
export function sequenceContinuingChanges(owner: string): SequenceTransitionChanges<never> {
  return { owner, error: null, stop_time: null };
}

/** What a reset to DRAFT clears (its shots and events are deleted as well). */
export const SEQUENCE_DRAFT_RESET: Readonly<Record<SequenceTransitionColumn, null>> = {
  globals: null,
  device_configurations: null,
  owner: null,
  error: null,
  start_time: null,
  stop_time: null,
};

// ---- the rules -----------------------------------------------------------------------------------

/**
 * Why the folders of `chain` (top-down, see {@link storagePathChain}) cannot be created: one of them
 * is a sequence, which cannot hold children. `reportAs` is the path the caller asked for.
 */
export function folderChainRefusal(
  reportAs: string,
  chain: readonly string[],
  kinds: readonly StoredNodeKind[],
): StorageFailure | undefined {
  const blocking = kinds.findIndex((kind) => kind === 'sequence');
  return blocking < 0
    ? undefined
    : { kind: 'pathCrossesSequence', path: reportAs, sequence: chain[blocking]! };
}

/**
 * Why a sequence cannot be created at `path`: the root, a sequence among the folders above it
 * (`parentKinds` for `storagePathChain(storageParentPath(path))`), a sequence already there, or a
 * folder there that has children.
 */
export function newSequenceRefusal(
  path: string,
  parentKinds: readonly StoredNodeKind[],
  existing: StoredNodeKind,
  existingHasChildren: boolean,
): StorageFailure | undefined {
  if (path === STORAGE_ROOT_PATH) return { kind: 'pathIsRoot', path };
  const crossing = folderChainRefusal(path, storagePathChain(storageParentPath(path)), parentKinds);
  if (crossing !== undefined) return crossing;
  if (existing === 'sequence') return { kind: 'pathIsSequence', path };
  if (existing !== undefined && existingHasChildren) return { kind: 'pathHasChildren', path };
  return undefined;
}

/** Why `path` needs a sequence and is not one. */
export function sequenceLookupRefusal(
  path: string,
  kind: StoredNodeKind,
): StorageFailure | undefined {
  if (path === STORAGE_ROOT_PATH || kind === 'folder') return { kind: 'pathIsNotSequence', path };
  if (kind === undefined) return { kind: 'pathNotFound', path };
  return undefined;
}

/** Why the children of `path` cannot be listed: it does not exist, or it is a sequence. */
export function childrenRefusal(path: string, kind: StoredNodeKind): StorageFailure | undefined {
  if (path === STORAGE_ROOT_PATH) return undefined;
  if (kind === undefined) return { kind: 'pathNotFound', path };
  if (kind === 'sequence') return { kind: 'pathIsSequence', path };
  return undefined;
}

/**
 * Why `path` cannot be deleted. `sequences` are the sequences at or below it, sorted by path (the
 * first one is named as an example).
 */
export function deletePathRefusal(
  path: string,
  exists: boolean,
  sequences: readonly StoredSequenceState[],
  deleteSequences: boolean,
  policy: StorageStatePolicy,
): StorageFailure | undefined {
  if (path === STORAGE_ROOT_PATH) return { kind: 'pathIsRoot', path };
  if (!exists) return { kind: 'pathNotFound', path };
  if (sequences.length > 0 && !deleteSequences) {
    return { kind: 'pathContainsSequences', path, example: sequences[0]!.path };
  }
  const running = sequences.find((s) => policy.active.includes(s.state));
  return running === undefined ? undefined : { kind: 'sequenceRunning', path: running.path };
}

/** Whether `destination` is `source` or below it (a move into itself). */
export function isRecursiveMove(source: string, destination: string): boolean {
  return (
    source === STORAGE_ROOT_PATH || destination === source || destination.startsWith(`${source}\\`)
  );
}

/**
 * Why `source` cannot be moved to `destination` (before the folders above the destination are
 * checked with {@link folderChainRefusal}). `sequences` are those at or below `source`, sorted.
 */
export function movePathRefusal(
  source: string,
  destination: string,
  sourceExists: boolean,
  sequences: readonly StoredSequenceState[],
  destinationExists: boolean,
  policy: StorageStatePolicy,
): StorageFailure | undefined {
  if (isRecursiveMove(source, destination)) return { kind: 'recursiveMove', source, destination };
  if (!sourceExists) return { kind: 'pathNotFound', path: source };
  const running = sequences.find((s) => policy.active.includes(s.state));
  if (running !== undefined) return { kind: 'sequenceRunning', path: running.path };
  if (destination === STORAGE_ROOT_PATH || destinationExists) {
    return { kind: 'pathExists', path: destination };
  }
  return undefined;
}

/**
 * Why a sequence in state `from` cannot change by `transition` (the compare-and-set then checks
 * `from`).
 */
export function transitionRefusal(
  path: string,
  from: string,
  transition: StorageTransition,
  policy: StorageStatePolicy,
): StorageFailure | undefined {
  const rule = policy.transitions[transition];
  if (rule === undefined) throw new Error(`unknown sequence transition "${transition}"`);
  return rule.from.includes(from)
    ? undefined
    : { kind: 'invalidTransition', path, from, to: rule.to };
}

/** The state a transition leads to. */
export function transitionTarget(
  transition: StorageTransition,
  policy: StorageStatePolicy,
): string {
  const rule = policy.transitions[transition];
  if (rule === undefined) throw new Error(`unknown sequence transition "${transition}"`);
  return rule.to;
}

/** Why the iteration or time lanes of a sequence in `state` cannot be edited. */
export function editRefusal(
  path: string,
  state: string,
  policy: StorageStatePolicy,
): StorageFailure | undefined {
  return policy.editable.includes(state) ? undefined : { kind: 'notEditable', path, state };
}

/**
 * Why shots with `indices` (in the order given) cannot be added to a sequence in `state` expecting
 * `expectedShots`: it is not running, an index is out of range, or it appears twice in the batch or
 * is already stored (`isStored`). The first offending shot is reported.
 */
export function shotsRefusal(
  path: string,
  state: string,
  expectedShots: number | null,
  indices: readonly number[],
  isStored: (index: number) => boolean,
): StorageFailure | undefined {
  if (state !== 'running') return { kind: 'notRunning', path, state };
  const seen = new Set<number>();
  for (const index of indices) {
    if (expectedShots !== null && index >= expectedShots) {
      return { kind: 'shotIndex', path, index, expected: expectedShots };
    }
    if (seen.has(index) || isStored(index)) return { kind: 'duplicateShot', path, index };
    seen.add(index);
  }
  return undefined;
}

/** Why a sequence has no error summary to read: it is not crashed (or has none stored). */
export function crashedRefusal(
  path: string,
  state: string,
  error: string | null,
): StorageFailure | undefined {
  return state === 'crashed' && error !== null ? undefined : { kind: 'notCrashed', path, state };
}

/** Why a sequence has no snapshot to read: it was never launched (still a draft). */
export function launchedRefusal(
  path: string,
  globals: string | null,
  deviceConfigurations: string | null,
): StorageFailure | undefined {
  return globals === null || deviceConfigurations === null
    ? { kind: 'notLaunched', path }
    : undefined;
}

// ---- resource locks --------------------------------------------------------------------------------

/**
 * The resource of a whole lab: whoever holds it (an experiment server, for its lifetime) excludes
 * every other holder of any resource, and it cannot be taken while another holder has any.
 */
export const LAB_RESOURCE = 'lab';

/** A resource lock as a backend stores it (SQL column names); times in ms or the driver's Date. */
export interface StoredLockRow {
  resource: string;
  /** The holder's id (`RunOwner.id`): locks of one holder never conflict. */
  holder_id: string;
  /** JSON of the holder's `RunOwner`. */
  holder: string;
  /** The sequence the holder runs with it, if any. */
  sequence: string | null;
  acquired_at: number | Date;
  /** When the holder last renewed it ("last seen"). */
  renewed_at: number | Date;
  /** When it lapses unless renewed. */
  expires_at: number | Date;
}

/** Milliseconds since the epoch of a stored time. */
export function storedTimeMs(time: number | Date): number {
  return typeof time === 'number' ? time : time.getTime();
}

/**
 * The resources whose locks decide whether `requested` can be taken: those asked for and the lab's;
 * every lock (`'all'`) when the lab itself is asked for.
 */
export function lockRowsToCheck(requested: readonly string[]): string[] | 'all' {
  return requested.includes(LAB_RESOURCE) ? 'all' : [...requested, LAB_RESOURCE];
}

/**
 * The lock that keeps `holderId` from taking `requested` at `now`, if any: one of another holder,
 * not expired, whose process is not provably gone (`isGone`), on a requested resource or on the
 * lab (or on anything, when the lab is requested). Locks asked for first are reported first.
 */
export function lockConflict(
  requested: readonly string[],
  holderId: string,
  rows: readonly StoredLockRow[],
  now: number,
  isGone: (row: StoredLockRow) => boolean,
): StoredLockRow | undefined {
  const wantsLab = requested.includes(LAB_RESOURCE);
  const blocking = rows.filter(
    (row) =>
      row.holder_id !== holderId &&
      (wantsLab || row.resource === LAB_RESOURCE || requested.includes(row.resource)) &&
      storedTimeMs(row.expires_at) > now &&
      !isGone(row),
  );
  const rank = (row: StoredLockRow) => {
    const i = requested.indexOf(row.resource);
    return i < 0 ? requested.length : i;
  };
  return blocking.sort((a, b) => rank(a) - rank(b))[0];
}
