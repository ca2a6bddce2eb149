import type Database from 'better-sqlite3';
import {
  type EncodedLockRequest,
  type EncodedPreparingSnapshot,
  type EncodedSequenceDraft,
  type EncodedSequenceEvent,
  type StoredSequenceEventRow,
  type PreparedShot,
  type SequencePath,
  type SequenceState,
  type StorageAnswer,
  type StorageBackend,
  type StorageOutcome,
  type StoredApiTokenRow,
  type StoredAuditRow,
  type StoredLockRow,
  type StoredQueuedRunRow,
  LAB_RESOURCE,
  lockConflict,
  lockRowsToCheck,
  storageFailure,
} from '@shotline/core';
import { withChunkFiles } from './chunks/chunk-aware-write.js';
import type { ChunkWriter } from './chunks/chunk-writer.js';
import type { DiskReserve } from './disk-reserve.js';
import type { OsResourceLocks } from './os-resource-locks.js';
import type { SessionDatabase, WriteOperation } from './session-database.js';
import { isDiskFull } from './sqlite-codes.js';
import { sqliteStorageError } from './sqlite-errors.js';
import type { WriterClient } from './writer-client.js';

/** What a {@link SqliteBackend} is made of. */
export interface SqliteBackendParts {
  readonly file: string;
  readonly connection: Database.Database;
  readonly database: SessionDatabase;
  readonly writer: WriterClient | undefined;
  /** The chunk files of inline writes; undefined with the writer worker (it has its own). */
  readonly chunks?: ChunkWriter | undefined;
  /** Operating-system resource locks; undefined for an in-memory database (lease rows then). */
  readonly locks: OsResourceLocks | undefined;
  /** The space kept to record how a run ended on a full disk; released when a write finds it full. */
  readonly reserve: DiskReserve | undefined;
}

/**
 * The SQLite {@link StorageBackend}: reads run on the calling thread through its own connection
 * (they see every committed write); writes go to the writer worker, or run on that connection when
 * the storage has no worker. Errors of SQLite become StorageIOErrors naming the file and what to
 * do. Resource locks are operating-system file locks (see OsResourceLocks), recorded in the
 * `resource_locks` table so that whoever is refused learns who holds them.
 */
export class SqliteBackend implements StorageBackend {
  readonly #file: string;
  readonly #connection: Database.Database;
  readonly #database: SessionDatabase;
  readonly #writer: WriterClient | undefined;
  readonly #locks: OsResourceLocks | undefined;
  readonly #reserve: DiskReserve | undefined;
  /** The chunk files of inline writes (the writer worker has its own). */
  readonly #chunks: ChunkWriter | undefined;

  constructor(parts: SqliteBackendParts) {
    this.#file = parts.file;
    this.#connection = parts.connection;
    this.#database = parts.database;
    this.#writer = parts.writer;
    this.#locks = parts.locks;
    this.#reserve = parts.reserve;
    this.#chunks = parts.chunks;
  }

  async close(): Promise<void> {
    try {
      this.#locks?.close();
      await this.#writer?.close();
    } finally {
      try {
        this.#chunks?.close();
      } finally {
        this.#connection.close();
      }
    }
  }

  #read<T>(read: () => T): T {
    try {
      return read();
    } catch (e) {
      throw sqliteStorageError(e, this.#file);
    }
  }

  async #write(op: WriteOperation, ...args: unknown[]): Promise<StorageOutcome<never>> {
    try {
      if (this.#writer) return (await this.#writer.call(op, args)) as StorageOutcome<never>;
      const method = this.#database[op].bind(this.#database) as (
        ...a: unknown[]
      ) => StorageOutcome<never>;
      return withChunkFiles(this.#chunks, op, args, () => method(...args));
    } catch (e) {
      // Inline writes: no checkpoint may grow the database any more, and the next write (how the
      // run ended) gets the room the reserve kept. (The writer worker does the same by itself.)
      if (isDiskFull(e) && !this.#writer) {
        if (this.#connection.open) this.#connection.pragma('wal_autocheckpoint = 0');
        this.#reserve?.release();
      }
      throw sqliteStorageError(e, this.#file);
    }
  }

  // ---- path tree -------------------------------------------------------------------------------

  async pathExists(path: SequencePath): Promise<boolean> {
    return this.#read(() => this.#database.pathExists(path.toString()));
  }

  createPath(path: SequencePath, createdAt: number): StorageAnswer<string[]> {
    return this.#write('createPath', path.toString(), createdAt);
  }

  deletePath(path: SequencePath, deleteSequences: boolean): StorageAnswer<void> {
    return this.#write('deletePath', path.toString(), deleteSequences);
  }

  async children(path: SequencePath): StorageAnswer<string[]> {
    return this.#read(() => this.#database.children(path.toString()));
  }

  async creationDate(path: SequencePath): StorageAnswer<number> {
    return this.#read(() => this.#database.creationDate(path.toString()));
  }

  movePath(source: SequencePath, destination: SequencePath, now: number): StorageAnswer<void> {
    return this.#write('movePath', source.toString(), destination.toString(), now);
  }

  async isSequence(path: SequencePath): StorageAnswer<boolean> {
    return this.#read(() => this.#database.isSequence(path.toString()));
  }

  async sequencesUnder(path: SequencePath): StorageAnswer<string[]> {
    return this.#read(() => this.#database.sequencesUnder(path.toString()));
  }

  async sequencesInState(state: SequenceState): Promise<string[]> {
    return this.#read(() => this.#database.sequencesInState(state));
  }

  // ---- sequences -------------------------------------------------------------------------------

  createSequence(
    path: SequencePath,
    draft: EncodedSequenceDraft,
    createdAt: number,
  ): StorageAnswer<void> {
    return this.#write('createSequence', path.toString(), draft, createdAt);
  }

  duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    createdAt: number,
  ): StorageAnswer<void> {
    return this.#write('duplicateSequence', source.toString(), destination.toString(), createdAt);
  }

  async getSequence(path: SequencePath) {
    return this.#read(() => this.#database.getSequence(path.toString()));
  }

  async getStats(path: SequencePath) {
    return this.#read(() => this.#database.getStats(path.toString()));
  }

  setIteration(
    path: SequencePath,
    iteration: string,
    expectedShots: number | null,
  ): StorageAnswer<void> {
    return this.#write('setIteration', path.toString(), iteration, expectedShots);
  }

  setTimeLanes(path: SequencePath, timeLanes: string): StorageAnswer<void> {
    return this.#write('setTimeLanes', path.toString(), timeLanes);
  }

  setSuspenders(path: SequencePath, suspenders: string): StorageAnswer<void> {
    return this.#write('setSuspenders', path.toString(), suspenders);
  }

  setPreparing(path: SequencePath, snapshot: EncodedPreparingSnapshot): StorageAnswer<void> {
    return this.#write('setPreparing', path.toString(), snapshot);
  }

  setContinuing(
    path: SequencePath,
    owner: string,
    event: EncodedSequenceEvent,
  ): StorageAnswer<void> {
    return this.#write('setContinuing', path.toString(), owner, event);
  }

  setRunning(path: SequencePath, startTime: number): StorageAnswer<void> {
    return this.#write('setRunning', path.toString(), startTime);
  }

  setPaused(path: SequencePath, event: EncodedSequenceEvent): StorageAnswer<void> {
    return this.#write('setPaused', path.toString(), event);
  }

  setResumed(
    path: SequencePath,
    event: EncodedSequenceEvent,
    globals: string | null,
  ): StorageAnswer<void> {
    return this.#write('setResumed', path.toString(), event, globals);
  }

  setFinished(path: SequencePath, stopTime: number): StorageAnswer<void> {
    return this.#write('setFinished', path.toString(), stopTime);
  }

  setInterrupted(path: SequencePath, stopTime: number): StorageAnswer<void> {
    return this.#write('setInterrupted', path.toString(), stopTime);
  }

  setCrashed(path: SequencePath, error: string, stopTime: number): StorageAnswer<void> {
    return this.#write('setCrashed', path.toString(), error, stopTime);
  }

  resetToDraft(path: SequencePath): StorageAnswer<void> {
    return this.#write('resetToDraft', path.toString());
  }

  async getError(path: SequencePath): StorageAnswer<string> {
    return this.#read(() => this.#database.getError(path.toString()));
  }

  async getSnapshot(path: SequencePath) {
    return this.#read(() => this.#database.getSnapshot(path.toString()));
  }

  // ---- events of a run -------------------------------------------------------------------------

  addSequenceEvent(path: SequencePath, event: EncodedSequenceEvent): StorageAnswer<number> {
    return this.#write('addSequenceEvent', path.toString(), event);
  }

  async sequenceEvents(
    path: SequencePath,
    afterId: number,
  ): StorageAnswer<StoredSequenceEventRow[]> {
    return this.#read(() => this.#database.sequenceEvents(path.toString(), afterId));
  }

  // ---- shots -----------------------------------------------------------------------------------

  createShots(path: SequencePath, shots: PreparedShot[]): StorageAnswer<void> {
    return this.#write('createShots', path.toString(), shots);
  }

  async shotIndices(path: SequencePath): StorageAnswer<number[]> {
    return this.#read(() => this.#database.shotIndices(path.toString()));
  }

  async getShot(path: SequencePath, index: number) {
    return this.#read(() => this.#database.getShot(path.toString(), index));
  }

  async getShotData(path: SequencePath, index: number, label: string) {
    return this.#read(() => this.#database.getShotData(path.toString(), index, label));
  }

  async getAllShotData(path: SequencePath, index: number) {
    return this.#read(() => this.#database.getAllShotData(path.toString(), index));
  }

  async shotTableRows(path: SequencePath, labels: string[] | null) {
    return this.#read(() => this.#database.shotTableRows(path.toString(), labels));
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  async getSetting(name: string): Promise<string | undefined> {
    return this.#read(() => this.#database.getSetting(name));
  }

  setSetting(name: string, content: string): StorageAnswer<void> {
    return this.#write('setSetting', name, content);
  }

  async listDevices() {
    return this.#read(() => this.#database.listDevices());
  }

  async getDevice(name: string) {
    return this.#read(() => this.#database.getDevice(name));
  }

  setDevice(name: string, type: string, content: string): StorageAnswer<void> {
    return this.#write('setDevice', name, type, content);
  }

  deleteDevice(name: string): StorageAnswer<void> {
    return this.#write('deleteDevice', name);
  }

  // ---- run ownership ---------------------------------------------------------------------------

  async acquireLocks(
    request: EncodedLockRequest,
    isGone: (row: StoredLockRow) => boolean,
  ): StorageAnswer<void> {
    const locks = this.#locks;
    if (locks === undefined) {
      // An in-memory database lives in this process only: its lease rows decide (inline writes,
      // so reading and writing them cannot interleave with another request).
      const check = lockRowsToCheck(request.resources);
      const rows = this.#read(() => this.#database.lockRows(check));
      const conflict = lockConflict(request.resources, request.holderId, rows, request.now, isGone);
      if (conflict)
        return storageFailure({ kind: 'resourceBusy', resource: conflict.resource, row: conflict });
      return this.#write('writeLocks', request);
    }
    const busy = locks.tryLock(request.holderId, request.resources);
    if (busy !== undefined) {
      const row = this.#holderOf(busy, request.holderId, request.resources);
      // Asked for the lab, refused because of someone's lock: name that lock.
      const resource = busy === LAB_RESOURCE && row ? row.resource : busy;
      return storageFailure({ kind: 'resourceBusy', resource, row });
    }
    try {
      return await this.#write('writeLocks', request);
    } catch (e) {
      locks.unlock(request.holderId, request.resources);
      throw e;
    }
  }

  /**
   * The recorded lock in the way of a request refused on `busy`: that resource's; for the lab, the
   * lab's own lock, or (when the lab was asked for) any lock of another holder. Null while the
   * holder has not recorded itself yet.
   */
  #holderOf(busy: string, requester: string, requested: readonly string[]): StoredLockRow | null {
    const rows = this.#read(() => this.#database.lockRows('all'));
    const others = rows.filter((r) => r.holder_id !== requester);
    const own = others.find((r) => r.resource === busy);
    if (own || busy !== LAB_RESOURCE || !requested.includes(LAB_RESOURCE)) return own ?? null;
    return others[0] ?? null;
  }

  renewLocks(
    holderId: string,
    resources: readonly string[],
    now: number,
    expiresAt: number,
  ): StorageAnswer<void> {
    return this.#write('renewLocks', holderId, resources, now, expiresAt);
  }

  async releaseLocks(holderId: string, resources: readonly string[] | 'all'): Promise<void> {
    try {
      await this.#write('releaseLocks', holderId, resources);
    } finally {
      this.#locks?.unlock(holderId, resources);
    }
  }

  async listLocks(): Promise<StoredLockRow[]> {
    return this.#read(() => this.#database.lockRows('all'));
  }

  async probeLock(resource: string): Promise<boolean | undefined> {
    return this.#locks === undefined ? undefined : this.#read(() => this.#locks!.isHeld(resource));
  }

  // ---- the lab server's queue, audit log and tokens ---------------------------------------

  insertQueuedRun(row: Omit<StoredQueuedRunRow, 'position'>): StorageAnswer<StoredQueuedRunRow> {
    return this.#write('insertQueuedRun', row);
  }

  async listQueuedRuns(states: readonly string[] | null): Promise<StoredQueuedRunRow[]> {
    return this.#read(() => this.#database.listQueuedRuns(states));
  }

  updateQueuedRun(
    id: string,
    state: string,
    startedAt: number | null,
    endedAt: number | null,
    error: string | null,
  ): StorageAnswer<StoredQueuedRunRow> {
    return this.#write('updateQueuedRun', id, state, startedAt, endedAt, error);
  }

  setQueuedRunPositions(ids: readonly string[]): StorageAnswer<void> {
    return this.#write('setQueuedRunPositions', [...ids]);
  }

  insertAuditEntry(row: Omit<StoredAuditRow, 'id'>): StorageAnswer<StoredAuditRow> {
    return this.#write('insertAuditEntry', row);
  }

  async auditEntries(afterId: number, limit: number): Promise<StoredAuditRow[]> {
    return this.#read(() => this.#database.auditEntries(afterId, limit));
  }

  putApiToken(row: StoredApiTokenRow): StorageAnswer<void> {
    return this.#write('putApiToken', row);
  }

  async listApiTokens(): Promise<StoredApiTokenRow[]> {
    return this.#read(() => this.#database.listApiTokens());
  }

  deleteApiToken(id: string): StorageAnswer<boolean> {
    return this.#write('deleteApiToken', id);
  }
}
