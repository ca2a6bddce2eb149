import type { SequencePath } from '../path/index.js';
import type { StoredApiTokenRow, StoredAuditRow, StoredQueuedRunRow } from './lab-records.js';
import type { SequenceState } from '../sequence/index.js';
import type { StorageOutcome } from './storage-failure.js';
import type {
  StoredDataRow,
  StoredDeviceRow,
  StoredSequenceRow,
  StoredSequenceStatsRow,
  StoredShotRow,
  StoredShotTableRows,
  StoredSnapshotRow,
  StoredTime,
} from './storage-rows.js';
import type { StoredLockRow } from './storage-rules.js';
import type { EncodedSequenceEvent, StoredSequenceEventRow } from './sequence-event-encoding.js';
import type { EncodedPreparingSnapshot, EncodedSequenceDraft } from './storage-validation.js';
import type { PreparedShot } from './stored-shot.js';

/** The answer of one backend operation: a value, or an expected failure as data. */
export type StorageAnswer<T> = Promise<StorageOutcome<T>>;

/**
 * What a database (or the memory) implements so that {@link EncodedSessionStorage} becomes a full
 * `SessionStorage`: every operation on input already checked and encoded by core (paths validated,
 * times in milliseconds since the epoch, JSON as text, shots as {@link PreparedShot}), returning
 * the stored rows of `storage-rows.ts`.
 *
 * Each operation is atomic (one transaction) and decides its refusals with the rules of
 * `storage-rules.ts`, returning them as `StorageFailure` data; it throws only on I/O trouble or a
 * bug. A backend holds what differs between databases: SQL dialect, transactions, driver.
 */
export interface StorageBackend {
  /** Releases the connections; called once, by the storage's `close()`. */
  close(): Promise<void>;

  // ---- path tree -------------------------------------------------------------------------------

  pathExists(path: SequencePath): Promise<boolean>;
  /** Creates the missing folders down to `path`; returns the created paths, top-down. */
  createPath(path: SequencePath, createdAt: number): StorageAnswer<string[]>;
  deletePath(path: SequencePath, deleteSequences: boolean): StorageAnswer<void>;
  children(path: SequencePath): StorageAnswer<string[]>;
  creationDate(path: SequencePath): StorageAnswer<StoredTime>;
  /** Moves a subtree; missing folders above the destination are created at `now`. */
  movePath(source: SequencePath, destination: SequencePath, now: number): StorageAnswer<void>;
  isSequence(path: SequencePath): StorageAnswer<boolean>;
  sequencesUnder(path: SequencePath): StorageAnswer<string[]>;
  sequencesInState(state: SequenceState): Promise<string[]>;

  // ---- sequences -------------------------------------------------------------------------------

  createSequence(
    path: SequencePath,
    draft: EncodedSequenceDraft,
    createdAt: number,
  ): StorageAnswer<void>;
  duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    createdAt: number,
  ): StorageAnswer<void>;
  getSequence(path: SequencePath): StorageAnswer<StoredSequenceRow>;
  getStats(path: SequencePath): StorageAnswer<StoredSequenceStatsRow>;
  setIteration(
    path: SequencePath,
    iteration: string,
    expectedShots: number | null,
  ): StorageAnswer<void>;
  setTimeLanes(path: SequencePath, timeLanes: string): StorageAnswer<void>;
  setSuspenders(path: SequencePath, suspenders: string): StorageAnswer<void>;
  /** The DRAFT -> PREPARING compare-and-set, with the snapshots. */
  setPreparing(path: SequencePath, snapshot: EncodedPreparingSnapshot): StorageAnswer<void>;
  /**
   * INTERRUPTED | CRASHED -> PREPARING with the new owner (JSON of a RunOwner), clearing the error
   * and stop time (`sequenceContinuingChanges`), and the `continued` event.
   */
  setContinuing(
    path: SequencePath,
    owner: string,
    event: EncodedSequenceEvent,
  ): StorageAnswer<void>;
  setRunning(path: SequencePath, startTime: number): StorageAnswer<void>;
  /** RUNNING -> PAUSED with its event. */
  setPaused(path: SequencePath, event: EncodedSequenceEvent): StorageAnswer<void>;
  /** PAUSED -> RUNNING with its event; `globals` (JSON text) replaces the snapshot unless null. */
  setResumed(
    path: SequencePath,
    event: EncodedSequenceEvent,
    globals: string | null,
  ): StorageAnswer<void>;
  setFinished(path: SequencePath, stopTime: number): StorageAnswer<void>;
  setInterrupted(path: SequencePath, stopTime: number): StorageAnswer<void>;
  setCrashed(path: SequencePath, error: string, stopTime: number): StorageAnswer<void>;
  /** Back to DRAFT, erasing snapshots, error, times and shots. */
  resetToDraft(path: SequencePath): StorageAnswer<void>;
  getError(path: SequencePath): StorageAnswer<string>;
  getSnapshot(path: SequencePath): StorageAnswer<StoredSnapshotRow>;

  // ---- events of a run -------------------------------------------------------------------------

  /** Stores an event of a launched sequence (`notLaunched` for a DRAFT); returns its id. */
  addSequenceEvent(path: SequencePath, event: EncodedSequenceEvent): StorageAnswer<number>;
  /** The events of a sequence with an id above `afterId`, in id order. */
  sequenceEvents(path: SequencePath, afterId: number): StorageAnswer<StoredSequenceEventRow[]>;

  // ---- shots -----------------------------------------------------------------------------------

  /** Stores shots whose indices are distinct (checked by the caller). */
  createShots(path: SequencePath, shots: PreparedShot[]): StorageAnswer<void>;
  shotIndices(path: SequencePath): StorageAnswer<number[]>;
  getShot(path: SequencePath, index: number): StorageAnswer<StoredShotRow>;
  getShotData(path: SequencePath, index: number, label: string): StorageAnswer<StoredDataRow>;
  getAllShotData(path: SequencePath, index: number): StorageAnswer<StoredDataRow[]>;
  /** The rows of a shot table; `labels` null means every structured label, [] none. */
  shotTableRows(path: SequencePath, labels: string[] | null): StorageAnswer<StoredShotTableRows>;

  // ---- lab-wide settings ---------------------------------------------------------------------

  getSetting(name: string): Promise<string | undefined>;
  setSetting(name: string, content: string): StorageAnswer<void>;
  listDevices(): Promise<StoredDeviceRow[]>;
  getDevice(name: string): StorageAnswer<StoredDeviceRow>;
  setDevice(name: string, type: string, content: string): StorageAnswer<void>;
  deleteDevice(name: string): StorageAnswer<void>;

  // ---- the lab server's queue, audit log and tokens (lab-records.ts) -----------------------

  /** Inserts a run at the last position (after every other run). */
  insertQueuedRun(row: Omit<StoredQueuedRunRow, 'position'>): StorageAnswer<StoredQueuedRunRow>;
  /** Runs in position order; only those in `states` when given. */
  listQueuedRuns(states: readonly string[] | null): Promise<StoredQueuedRunRow[]>;
  /** Sets the state, and the times and error that are given (`queuedRunNotFound` otherwise). */
  updateQueuedRun(
    id: string,
    state: string,
    startedAt: number | null,
    endedAt: number | null,
    error: string | null,
  ): StorageAnswer<StoredQueuedRunRow>;
  /** Positions 0, 1, 2... for these ids, in one transaction (`queuedRunNotFound` if one is missing). */
  setQueuedRunPositions(ids: readonly string[]): StorageAnswer<void>;
  insertAuditEntry(row: Omit<StoredAuditRow, 'id'>): StorageAnswer<StoredAuditRow>;
  auditEntries(afterId: number, limit: number): Promise<StoredAuditRow[]>;
  putApiToken(row: StoredApiTokenRow): StorageAnswer<void>;
  listApiTokens(): Promise<StoredApiTokenRow[]>;
  deleteApiToken(id: string): StorageAnswer<boolean>;
  // ---- run ownership ---------------------------------------------------------------------------

  /**
   * Takes the locks of a request, all or none (`resourceBusy` names the first lock in the way).
   * Backends that decide with lease rows use `lockConflict` of the storage rules with `isGone`
   * (the holder's process is provably dead); a backend with operating-system locks decides with
   * those and only records the rows.
   */
  acquireLocks(
    request: EncodedLockRequest,
    isGone: (row: StoredLockRow) => boolean,
  ): StorageAnswer<void>;
  /** Extends the holder's locks to `expiresAt`; `lockLost` when one is no longer the holder's. */
  renewLocks(
    holderId: string,
    resources: readonly string[],
    now: number,
    expiresAt: number,
  ): StorageAnswer<void>;
  /** Removes the holder's locks on these resources (`'all'`: every lock of the holder). */
  releaseLocks(holderId: string, resources: readonly string[] | 'all'): Promise<void>;
  /** Every lock row. */
  listLocks(): Promise<StoredLockRow[]>;
  /**
   * Operating-system evidence about a resource: true if some live process holds its lock, false
   * if nobody does; undefined for backends that only have lease rows.
   */
  probeLock(resource: string): Promise<boolean | undefined>;
}

/** A lock request as a backend takes it: the holder as JSON, times in milliseconds. */
export interface EncodedLockRequest {
  resources: string[];
  holderId: string;
  /** JSON of the holder's RunOwner. */
  holder: string;
  sequence: string | null;
  now: number;
  expiresAt: number;
}
