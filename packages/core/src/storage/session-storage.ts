import type {
  ApiTokenRecord,
  AuditEntry,
  NewAuditEntry,
  NewQueuedRun,
  QueuedRun,
  QueuedRunChange,
  QueuedRunState,
} from './lab-records.js';
import type { DataLabel, DataValue, StructuredData } from '../data/index.js';
import type { ErrorSummary } from '../errors/index.js';
import type { SequencePath } from '../path/index.js';
import type { Result } from '../result/index.js';
import type { SequenceState } from '../sequence/index.js';
import type {
  DataNotFoundError,
  DeviceConfigurationNotFoundError,
  DuplicateShotError,
  InvalidStateTransitionError,
  InvalidStorageDataError,
  PathExistsError,
  PathHasChildrenError,
  PathIsNotSequenceError,
  PathIsRootError,
  PathIsSequenceError,
  PathNotFoundError,
  QueuedRunNotFoundError,
  RecursivePathMoveError,
  SequenceNotCrashedError,
  SequenceNotEditableError,
  SequenceNotLaunchedError,
  SequenceNotRunningError,
  SequenceRunningError,
  ShotIndexError,
  ShotNotFoundError,
  ResourceBusyError,
} from './storage-errors.js';
import type { RunOwner } from './run-owner.js';
import type { HeldLocks, LockRequest, ResourceLockRecord, StaleRun } from './resource-locks.js';

/** Any JSON value. Storage keeps domain objects (iteration, time lanes, globals...) in this form. */
export type JsonValue = StructuredData;

/** A device configuration as stored: its name, the extension's type tag and the JSON config. */
export interface StoredDeviceConfiguration {
  name: string;
  /** Type tag of the {@link DeviceExtension} that understands `configuration`. */
  type: string;
  configuration: JsonValue;
}

/** What a new or edited draft is made of (JSON forms produced by core's zod schemas). */
export interface SequenceDraft {
  iteration: JsonValue;
  timeLanes: JsonValue;
  /** Shots the iteration will produce, or null when it cannot be known before running. */
  expectedShots: number | null;
  /** The sequence's own suspenders (JSON of core's suspender schema); default none (`[]`). */
  suspenders?: JsonValue;
}

/**
 * Something that happened to a run, stored on its sequence in order: a pause or resume (and the
 * globals reloaded then), a suspender that tripped or cleared, a continuation after a crash, a
 * request from another process. `kind` is lower-case words joined by `-`; `data` is JSON whose
 * shape core's `sequenceEventSchema` gives per kind.
 */
export interface SequenceEventInput {
  kind: string;
  time: Date;
  data: JsonValue;
}

/** A stored {@link SequenceEventInput}, with its id (increasing in the order events were stored). */
export interface SequenceEventRecord extends SequenceEventInput {
  id: number;
}

/** What INTERRUPTED | CRASHED -> PREPARING (a continuation) writes. */
export interface ContinuingRun {
  /** Who runs the continuation. */
  owner: RunOwner;
  /** The `continued` event: when, why, from which index. */
  event: SequenceEventInput;
}

/** Snapshots written atomically with the DRAFT -> PREPARING compare-and-set. */
export interface PreparingSnapshot {
  /** The global parameters (JSON form of a ParameterNamespace) used by this run. */
  globals: JsonValue;
  deviceConfigurations: StoredDeviceConfiguration[];
  /**
   * Who runs the sequence (host, pid, process start time), so that whoever opens the lab later can
   * tell a live run from one whose process is gone, and say who runs it.
   */
  owner: RunOwner;
}

/** Progress and times of a sequence. */
export interface SequenceStats {
  state: SequenceState;
  /** Shots stored so far. */
  completedShots: number;
  expectedShots: number | null;
  startTime: Date | null;
  stopTime: Date | null;
}

/** Everything stored about a sequence except its shots. */
export interface SequenceRecord extends SequenceStats {
  path: SequencePath;
  createdAt: Date;
  iteration: JsonValue;
  timeLanes: JsonValue;
  /** Snapshot taken at PREPARING; null in DRAFT. */
  globals: JsonValue | null;
  /** Snapshot taken at PREPARING; null in DRAFT. */
  deviceConfigurations: StoredDeviceConfiguration[] | null;
  /** Present only when CRASHED. */
  error: ErrorSummary | null;
  /** Who runs (or ran) it, set at PREPARING; null in DRAFT. */
  owner: RunOwner | null;
  /** The sequence's own suspenders (JSON); `[]` when it has none. */
  suspenders: JsonValue;
}

/** A shot to store. Parameters are the flat `{ "dotted.name": value }` JSON of core's encoding. */
export interface ShotInput {
  index: number;
  parameters: Record<string, JsonValue>;
  data: Record<DataLabel, DataValue>;
  startTime: Date;
  endTime: Date;
  /** Per-device timing of the shot (ready, barrier passed, finished, data waits), as JSON. */
  timing: JsonValue;
}

/** A stored shot without its data (read data by label). */
export interface ShotRecord {
  index: number;
  parameters: Record<string, JsonValue>;
  startTime: Date;
  endTime: Date;
  timing: JsonValue;
  /** Labels of the stored data, sorted. */
  labels: DataLabel[];
}

/** Which columns to read with {@link SessionStorage.readShotTable}; omitted means all. */
export interface ShotTableQuery {
  parameters?: string[];
  /** Structured-data labels whose (scalar) values become columns. Arrays are never read here. */
  labels?: DataLabel[];
}

/**
 * All shots of a sequence as columns, in shot-index order: what analysis and export read.
 * A missing value is `null`.
 */
export interface ShotTable {
  index: Uint32Array;
  /** Milliseconds since the epoch. */
  startTime: Float64Array;
  endTime: Float64Array;
  parameters: Record<string, JsonValue[]>;
  data: Record<DataLabel, JsonValue[]>;
}

/** Why a state change of a sequence was refused. */
export type SequenceTransitionError =
  | PathNotFoundError
  | PathIsNotSequenceError
  | InvalidStateTransitionError
  | InvalidStorageDataError;

/** Why an edit of a sequence (iteration, time lanes) was refused. */
export type SequenceEditError =
  PathNotFoundError | PathIsNotSequenceError | SequenceNotEditableError | InvalidStorageDataError;

/** Options for {@link SessionStorage.createPath}. */
export interface CreatePathOptions {
  /** Creation date of the created nodes (used when copying between storages). Default: now. */
  createdAt?: Date;
}

/** Options for {@link SessionStorage.createSequence}. */
export interface CreateSequenceOptions {
  createdAt?: Date;
}

/**
 * The storage contract: a tree of folders and sequences, their shots and data, the global parameters
 * and the default device configurations. Implemented by the embedded SQLite backend, the PostgreSQL
 * backend and the in-memory backend of `@shotline/testing`; all pass one conformance suite.
 *
 * Rules every implementation keeps:
 * - Each method is atomic: it applies completely or not at all (one transaction).
 * - Expected failures are returned as typed {@link Result} errors; thrown errors mean I/O trouble or a bug.
 * - State changes are compare-and-set on the current state, so two managers sharing one database can
 *   never both start a sequence.
 * - A committed shot is never lost; readers never see a shot without its data.
 * - Iteration and time lanes change only in DRAFT.
 * - Times are stored in UTC with millisecond precision or better.
 * - Input is checked with core's shared helpers (`encodeStorageJson`, `prepareShot`...), so every
 *   backend refuses the same things with the same {@link InvalidStorageDataError}: JSON must be
 *   made of finite numbers, strings, booleans, null, arrays and plain objects (an object property
 *   whose value is `undefined` is left out, as `JSON.stringify` does).
 * - Stored content that cannot be read back (a corrupted or hand-edited database) throws an
 *   {@link InvalidStorageDataError} naming what and where.
 */
export interface SessionStorage {
  /** `sqlite`, `postgres`, `memory`... for messages. */
  readonly kind: string;
  /** Where the data lives, without secrets (no password), for messages. */
  readonly location: string;

  /** Releases connections; idempotent. */
  close(): Promise<void>;

  // ---- path tree -------------------------------------------------------------------------------

  /** The root always exists. */
  pathExists(path: SequencePath): Promise<boolean>;
  /**
   * Creates the folder and its missing ancestors; returns the created paths, parent first. Creating an
   * existing folder or the root returns `[]`. Fails, creating nothing, if the path or an ancestor is a
   * sequence.
   */
  createPath(
    path: SequencePath,
    options?: CreatePathOptions,
  ): Promise<Result<SequencePath[], PathIsSequenceError | InvalidStorageDataError>>;
  /**
   * Deletes the folder or sequence and everything below. Refuses when sequences are below unless
   * `deleteSequences`, and always refuses when one of them is PREPARING or RUNNING.
   */
  deletePath(
    path: SequencePath,
    options?: { deleteSequences?: boolean },
  ): Promise<
    Result<void, PathNotFoundError | PathIsRootError | PathIsSequenceError | SequenceRunningError>
  >;
  /** Direct children of a folder, sorted by name. A sequence has no children (error). */
  children(
    path: SequencePath,
  ): Promise<Result<SequencePath[], PathNotFoundError | PathIsSequenceError>>;
  /** Creation date of a folder or sequence. */
  creationDate(path: SequencePath): Promise<Result<Date, PathNotFoundError | PathIsRootError>>;
  /**
   * Moves (renames) a folder or sequence with everything below it, creating the missing parents of
   * the destination. Refuses a running sequence in the subtree.
   */
  movePath(
    source: SequencePath,
    destination: SequencePath,
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathExistsError
      | RecursivePathMoveError
      | PathIsSequenceError
      | SequenceRunningError
    >
  >;
  /** Whether the path is a sequence (the root is not). */
  isSequence(path: SequencePath): Promise<Result<boolean, PathNotFoundError>>;
  /** All sequences at or below the path, sorted. */
  sequencesUnder(path: SequencePath): Promise<Result<SequencePath[], PathNotFoundError>>;
  /** All sequences in a state (e.g. to find stale RUNNING ones). */
  sequencesInState(state: SequenceState): Promise<SequencePath[]>;

  // ---- sequences -------------------------------------------------------------------------------

  /**
   * Creates a DRAFT sequence, and its missing parent folders. An existing empty folder may become a
   * sequence (keeping its creation date). The root cannot be a sequence.
   */
  createSequence(
    path: SequencePath,
    draft: SequenceDraft,
    options?: CreateSequenceOptions,
  ): Promise<
    Result<
      void,
      PathIsSequenceError | PathHasChildrenError | PathIsRootError | InvalidStorageDataError
    >
  >;
  /**
   * Creates a DRAFT at `destination` with the iteration, time lanes and expected shot count of the
   * `source` sequence (in any state), as {@link createSequence} would.
   */
  duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    options?: CreateSequenceOptions,
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathIsNotSequenceError
      | PathIsSequenceError
      | PathHasChildrenError
      | PathIsRootError
      | InvalidStorageDataError
    >
  >;
  getSequence(
    path: SequencePath,
  ): Promise<Result<SequenceRecord, PathNotFoundError | PathIsNotSequenceError>>;
  getStats(
    path: SequencePath,
  ): Promise<Result<SequenceStats, PathNotFoundError | PathIsNotSequenceError>>;
  /** Replaces iteration (and expected shots) of a DRAFT. */
  setIteration(
    path: SequencePath,
    iteration: JsonValue,
    expectedShots: number | null,
  ): Promise<Result<void, SequenceEditError>>;
  /** Replaces the time lanes of a DRAFT. */
  setTimeLanes(path: SequencePath, timeLanes: JsonValue): Promise<Result<void, SequenceEditError>>;
  /** Replaces the suspenders of a DRAFT (JSON of core's suspender schema). */
  setSuspenders(
    path: SequencePath,
    suspenders: JsonValue,
  ): Promise<Result<void, SequenceEditError>>;

  /** DRAFT -> PREPARING as one compare-and-set, writing the snapshots. */
  setPreparing(
    path: SequencePath,
    snapshot: PreparingSnapshot,
  ): Promise<Result<void, SequenceTransitionError>>;
  /**
   * INTERRUPTED | CRASHED -> PREPARING, to continue the run: records the new owner and the
   * `continued` event, clears the error and stop time, keeps the snapshots, start time and shots.
   */
  setContinuing(
    path: SequencePath,
    run: ContinuingRun,
  ): Promise<Result<void, SequenceTransitionError>>;
  /** PREPARING -> RUNNING. */
  setRunning(path: SequencePath, startTime: Date): Promise<Result<void, SequenceTransitionError>>;
  /** RUNNING -> PAUSED, storing the `paused` event with it. */
  setPaused(
    path: SequencePath,
    event: SequenceEventInput,
  ): Promise<Result<void, SequenceTransitionError>>;
  /**
   * PAUSED -> RUNNING, storing the `resumed` event with it; `globals` (JSON of a ParameterNamespace)
   * replaces the globals snapshot when the run reloaded them (the event keeps the previous ones).
   */
  setResumed(
    path: SequencePath,
    event: SequenceEventInput,
    options?: { globals?: JsonValue },
  ): Promise<Result<void, SequenceTransitionError>>;
  /** RUNNING -> FINISHED. */
  setFinished(path: SequencePath, stopTime: Date): Promise<Result<void, SequenceTransitionError>>;
  /** PREPARING | RUNNING | PAUSED -> INTERRUPTED. */
  setInterrupted(
    path: SequencePath,
    stopTime: Date,
  ): Promise<Result<void, SequenceTransitionError>>;
  /** PREPARING | RUNNING | PAUSED -> CRASHED, storing the error summary. */
  setCrashed(
    path: SequencePath,
    error: ErrorSummary,
    stopTime: Date,
  ): Promise<Result<void, SequenceTransitionError>>;
  /**
   * FINISHED | INTERRUPTED | CRASHED -> DRAFT, erasing shots, events, snapshots, times and error.
   * This is the only operation that deletes shots of a sequence (besides deleting the sequence).
   */
  resetToDraft(
    path: SequencePath,
  ): Promise<
    Result<void, PathNotFoundError | PathIsNotSequenceError | InvalidStateTransitionError>
  >;
  /** The error summary of a CRASHED sequence. */
  getError(
    path: SequencePath,
  ): Promise<
    Result<ErrorSummary, PathNotFoundError | PathIsNotSequenceError | SequenceNotCrashedError>
  >;
  /** The globals and device-configuration snapshots of a started sequence. */
  getSnapshot(
    path: SequencePath,
  ): Promise<
    Result<
      { globals: JsonValue; deviceConfigurations: StoredDeviceConfiguration[] },
      PathNotFoundError | PathIsNotSequenceError | SequenceNotLaunchedError
    >
  >;

  // ---- events of a run -------------------------------------------------------------------------

  /**
   * Stores an event of a launched sequence (any state but DRAFT): a suspender trip while paused, a
   * pause or resume request from another process... Returns its id.
   */
  addSequenceEvent(
    path: SequencePath,
    event: SequenceEventInput,
  ): Promise<
    Result<
      number,
      | PathNotFoundError
      | PathIsNotSequenceError
      | SequenceNotLaunchedError
      | InvalidStorageDataError
    >
  >;
  /** The events of a sequence in the order they were stored, after the event `afterId` (default 0). */
  sequenceEvents(
    path: SequencePath,
    options?: { afterId?: number },
  ): Promise<
    Result<
      SequenceEventRecord[],
      PathNotFoundError | PathIsNotSequenceError | InvalidStorageDataError
    >
  >;

  // ---- shots -----------------------------------------------------------------------------------

  /** Stores one shot with all its data in one transaction. The sequence must be RUNNING. */
  createShot(
    path: SequencePath,
    shot: ShotInput,
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathIsNotSequenceError
      | SequenceNotRunningError
      | ShotIndexError
      | DuplicateShotError
      | InvalidStorageDataError
    >
  >;
  /** Stores several shots in one transaction (all or none). */
  createShots(
    path: SequencePath,
    shots: ShotInput[],
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathIsNotSequenceError
      | SequenceNotRunningError
      | ShotIndexError
      | DuplicateShotError
      | InvalidStorageDataError
    >
  >;
  /** Indices of the stored shots, ascending. */
  shotIndices(
    path: SequencePath,
  ): Promise<Result<number[], PathNotFoundError | PathIsNotSequenceError>>;
  getShot(
    path: SequencePath,
    index: number,
  ): Promise<Result<ShotRecord, PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError>>;
  getShotData(
    path: SequencePath,
    index: number,
    label: DataLabel,
  ): Promise<
    Result<
      DataValue,
      PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError | DataNotFoundError
    >
  >;
  /** Every label of a shot (arrays and structured data). */
  getAllShotData(
    path: SequencePath,
    index: number,
  ): Promise<
    Result<
      Record<DataLabel, DataValue>,
      PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError
    >
  >;
  /** All shots as columns (parameters and scalar structured data). */
  readShotTable(
    path: SequencePath,
    query?: ShotTableQuery,
  ): Promise<Result<ShotTable, PathNotFoundError | PathIsNotSequenceError>>;

  // ---- lab-wide settings ---------------------------------------------------------------------

  /** Current global parameters (JSON form of a ParameterNamespace); `[]` if never set. */
  getGlobals(): Promise<JsonValue>;
  setGlobals(globals: JsonValue): Promise<Result<void, InvalidStorageDataError>>;
  /** Default device configurations, sorted by name. */
  listDeviceConfigurations(): Promise<StoredDeviceConfiguration[]>;
  getDeviceConfiguration(
    name: string,
  ): Promise<Result<StoredDeviceConfiguration, DeviceConfigurationNotFoundError>>;
  /** Adds or replaces a default device configuration. */
  setDeviceConfiguration(
    configuration: StoredDeviceConfiguration,
  ): Promise<Result<void, InvalidStorageDataError>>;
  deleteDeviceConfiguration(name: string): Promise<Result<void, DeviceConfigurationNotFoundError>>;

  // ---- the lab server's queue, audit log and tokens ---------------------------------------

  /** Appends a run to the queue (last position, state `queued`). */
  enqueueRun(run: NewQueuedRun): Promise<Result<QueuedRun, InvalidStorageDataError>>;
  /** The queued runs in queue order; only those in `states` when given. */
  listQueuedRuns(states?: readonly QueuedRunState[]): Promise<QueuedRun[]>;
  /** Changes the state of a queued run (and its start/end time, error). */
  updateQueuedRun(
    id: string,
    change: QueuedRunChange,
  ): Promise<Result<QueuedRun, QueuedRunNotFoundError | InvalidStorageDataError>>;
  /** Gives the listed runs the positions 0, 1, 2... in this order (others keep theirs). */
  reorderQueuedRuns(ids: readonly string[]): Promise<Result<void, QueuedRunNotFoundError>>;
  /** Appends an entry to the audit log; returns it with its number. */
  appendAuditEntry(entry: NewAuditEntry): Promise<Result<AuditEntry, InvalidStorageDataError>>;
  /** Audit entries after number `afterId` (default: from the start), oldest first, at most `limit`. */
  readAuditLog(options?: { afterId?: number; limit?: number }): Promise<AuditEntry[]>;
  /** Adds or replaces an API token record. */
  saveApiToken(token: ApiTokenRecord): Promise<void>;
  listApiTokens(): Promise<ApiTokenRecord[]>;
  /** Deletes a token; false when there was none with this id. */
  deleteApiToken(id: string): Promise<boolean>;
  // ---- run ownership ---------------------------------------------------------------------------

  /**
   * Locks resources (devices, a sequence, the whole lab) for a holder, all or none, before it opens
   * anything: refused with a {@link ResourceBusyError} naming the holder when another live holder
   * has one of them (or the lab). The locks are renewed in the background until released; they
   * lapse when the holder's process dies (SQLite: at once, the operating system releases them;
   * PostgreSQL: at once for a process of the same machine, else when the lease expires).
   */
  acquireLocks(
    request: LockRequest,
  ): Promise<Result<HeldLocks, ResourceBusyError | InvalidStorageDataError>>;
  /** The locks held now (live or lapsed), sorted by resource. */
  listLocks(): Promise<ResourceLockRecord[]>;
  /**
   * Marks CRASHED every PREPARING or RUNNING sequence whose process is provably gone, storing "the
   * process that ran it stopped (host, pid, last seen)"; returns what it found. Sequences run by a
   * live process (here or on another machine with a valid lease) are left alone. Opening a storage
   * does this already (unless told not to).
   */
  recoverStaleRuns(): Promise<StaleRun[]>;
}
