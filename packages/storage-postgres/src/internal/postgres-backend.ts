import type pg from 'pg';
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
  storageSuccess,
} from '@shotline/core';
import { LockQueries } from './lock-queries.js';
import { SessionQueries } from './session-queries.js';
import {
  type ConnectionPolicy,
  type TransactionAttempt,
  type TransactionMode,
  transaction,
} from './transaction.js';

/**
 * The PostgreSQL {@link StorageBackend}: every operation is one transaction on a pooled connection
 * (see transaction.ts), SERIALIZABLE for writes, REPEATABLE READ READ ONLY for reads and READ
 * COMMITTED for shots; times go to the database as Dates. A lost connection is retried within the
 * policy's window; a state change whose COMMIT answer was lost, and that then finds its sequence
 * already in the state it asked for, succeeded (it was this very change). Resource locks are lease
 * rows (lock-queries.ts).
 */
export class PostgresBackend implements StorageBackend {
  readonly #pool: pg.Pool;
  readonly #policy: ConnectionPolicy;

  constructor(pool: pg.Pool, policy: ConnectionPolicy) {
    this.#pool = pool;
    this.#policy = policy;
  }

  close(): Promise<void> {
    return this.#pool.end();
  }

  #run<T>(
    mode: TransactionMode,
    fn: (queries: SessionQueries, attempt: TransactionAttempt) => Promise<StorageOutcome<T>>,
  ): StorageAnswer<T> {
    return transaction(
      this.#pool,
      mode,
      async (client, attempt) => {
        const outcome = await fn(new SessionQueries(client), attempt);
        if (
          attempt.afterUncertainCommit &&
          !outcome.ok &&
          outcome.failure.kind === 'invalidTransition' &&
          outcome.failure.from === outcome.failure.to
        ) {
          return storageSuccess(undefined as T);
        }
        return outcome;
      },
      this.#policy,
    );
  }

  #locks<T>(
    fn: (queries: LockQueries) => Promise<StorageOutcome<T>>,
    mode: TransactionMode = 'write',
  ): StorageAnswer<T> {
    return transaction(this.#pool, mode, (client) => fn(new LockQueries(client)), this.#policy);
  }

  async #read<T>(fn: (queries: SessionQueries) => Promise<T>): Promise<T> {
    const outcome = await this.#run('read', async (q) => storageSuccess(await fn(q)));
    return (outcome as { value: T }).value;
  }

  // ---- path tree -------------------------------------------------------------------------------

  pathExists(path: SequencePath): Promise<boolean> {
    return this.#read((q) => q.pathExists(path.toString()));
  }

  createPath(path: SequencePath, createdAt: number): StorageAnswer<string[]> {
    return this.#run('write', (q) => q.createPath(path.toString(), new Date(createdAt)));
  }

  deletePath(path: SequencePath, deleteSequences: boolean): StorageAnswer<void> {
    return this.#run('write', (q) => q.deletePath(path.toString(), deleteSequences));
  }

  children(path: SequencePath): StorageAnswer<string[]> {
    return this.#run('read', (q) => q.children(path.toString()));
  }

  creationDate(path: SequencePath): StorageAnswer<Date> {
    return this.#run('read', (q) => q.creationDate(path.toString()));
  }

  movePath(source: SequencePath, destination: SequencePath, now: number): StorageAnswer<void> {
    return this.#run('write', (q) =>
      q.movePath(source.toString(), destination.toString(), new Date(now)),
    );
  }

  isSequence(path: SequencePath): StorageAnswer<boolean> {
    return this.#run('read', (q) => q.isSequence(path.toString()));
  }

  sequencesUnder(path: SequencePath): StorageAnswer<string[]> {
    return this.#run('read', (q) => q.sequencesUnder(path.toString()));
  }

  sequencesInState(state: SequenceState): Promise<string[]> {
    return this.#read((q) => q.sequencesInState(state));
  }

  // ---- sequences -------------------------------------------------------------------------------

  createSequence(
    path: SequencePath,
    draft: EncodedSequenceDraft,
    createdAt: number,
  ): StorageAnswer<void> {
    return this.#run('write', (q) => q.createSequence(path.toString(), draft, new Date(createdAt)));
  }

  duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    createdAt: number,
  ): StorageAnswer<void> {
    return this.#run('write', (q) =>
      q.duplicateSequence(source.toString(), destination.toString(), new Date(createdAt)),
    );
  }

  getSequence(path: SequencePath) {
    return this.#run('read', (q) => q.getSequence(path.toString()));
  }

  getStats(path: SequencePath) {
    return this.#run('read', (q) => q.getStats(path.toString()));
  }

  setIteration(
    path: SequencePath,
    iteration: string,
    expectedShots: number | null,
  ): StorageAnswer<void> {
    return this.#run('write', (q) => q.setIteration(path.toString(), iteration, expectedShots));
  }

  setTimeLanes(path: SequencePath, timeLanes: string): StorageAnswer<void> {
    return this.#run('write', (q) => q.setTimeLanes(path.toString(), timeLanes));
  }

  setSuspenders(path: SequencePath, suspenders: string): StorageAnswer<void> {
    return this.#run('write', (q) => q.setSuspenders(path.toString(), suspenders));
  }

  setPreparing(path: SequencePath, snapshot: EncodedPreparingSnapshot): StorageAnswer<void> {
    return this.#run('write', (q) => q.setPreparing(path.toString(), snapshot));
  }

  setContinuing(
    path: SequencePath,
    owner: string,
    event: EncodedSequenceEvent,
  ): StorageAnswer<void> {
    return this.#run('write', (q) => q.setContinuing(path.toString(), owner, event));
  }

  setRunning(path: SequencePath, startTime: number): StorageAnswer<void> {
    return this.#run('write', (q) => q.setRunning(path.toString(), new Date(startTime)));
  }

  setPaused(path: SequencePath, event: EncodedSequenceEvent): StorageAnswer<void> {
    return this.#run('write', (q) => q.setPaused(path.toString(), event));
  }

  setResumed(
    path: SequencePath,
    event: EncodedSequenceEvent,
    globals: string | null,
  ): StorageAnswer<void> {
    return this.#run('write', (q) => q.setResumed(path.toString(), event, globals));
  }

  setFinished(path: SequencePath, stopTime: number): StorageAnswer<void> {
    return this.#run('write', (q) => q.setFinished(path.toString(), new Date(stopTime)));
  }

  setInterrupted(path: SequencePath, stopTime: number): StorageAnswer<void> {
    return this.#run('write', (q) => q.setInterrupted(path.toString(), new Date(stopTime)));
  }

  setCrashed(path: SequencePath, error: string, stopTime: number): StorageAnswer<void> {
    return this.#run('write', (q) => q.setCrashed(path.toString(), error, new Date(stopTime)));
  }

  resetToDraft(path: SequencePath): StorageAnswer<void> {
    return this.#run('write', (q) => q.resetToDraft(path.toString()));
  }

  getError(path: SequencePath): StorageAnswer<string> {
    return this.#run('read', (q) => q.getError(path.toString()));
  }

  getSnapshot(path: SequencePath) {
    return this.#run('read', (q) => q.getSnapshot(path.toString()));
  }

  // ---- events of a run -------------------------------------------------------------------------

  addSequenceEvent(path: SequencePath, event: EncodedSequenceEvent): StorageAnswer<number> {
    return this.#run('write', (q) => q.addSequenceEvent(path.toString(), event));
  }

  sequenceEvents(path: SequencePath, afterId: number): StorageAnswer<StoredSequenceEventRow[]> {
    return this.#run('read', (q) => q.sequenceEvents(path.toString(), afterId));
  }

  // ---- shots -----------------------------------------------------------------------------------

  createShots(path: SequencePath, shots: PreparedShot[]): StorageAnswer<void> {
    return this.#run('shots', (q, attempt) =>
      q.createShots(path.toString(), shots, attempt.afterUncertainCommit),
    );
  }

  shotIndices(path: SequencePath): StorageAnswer<number[]> {
    return this.#run('read', (q) => q.shotIndices(path.toString()));
  }

  getShot(path: SequencePath, index: number) {
    return this.#run('read', (q) => q.getShot(path.toString(), index));
  }

  getShotData(path: SequencePath, index: number, label: string) {
    return this.#run('read', (q) => q.getShotData(path.toString(), index, label));
  }

  getAllShotData(path: SequencePath, index: number) {
    return this.#run('read', (q) => q.getAllShotData(path.toString(), index));
  }

  shotTableRows(path: SequencePath, labels: string[] | null) {
    return this.#run('read', (q) => q.shotTableRows(path.toString(), labels));
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  getSetting(name: string): Promise<string | undefined> {
    return this.#read((q) => q.getSetting(name));
  }

  setSetting(name: string, content: string): StorageAnswer<void> {
    return this.#run('write', (q) => q.setSetting(name, content));
  }

  listDevices() {
    return this.#read((q) => q.listDevices());
  }

  getDevice(name: string) {
    return this.#run('read', (q) => q.getDevice(name));
  }

  setDevice(name: string, type: string, content: string): StorageAnswer<void> {
    return this.#run('write', (q) => q.setDevice(name, type, content));
  }

  deleteDevice(name: string): StorageAnswer<void> {
    return this.#run('write', (q) => q.deleteDevice(name));
  }

  // ---- run ownership ---------------------------------------------------------------------------

  acquireLocks(
    request: EncodedLockRequest,
    isGone: (row: StoredLockRow) => boolean,
  ): StorageAnswer<void> {
    return this.#locks((q) => q.acquire(request, isGone));
  }

  renewLocks(
    holderId: string,
    resources: readonly string[],
    now: number,
    expiresAt: number,
  ): StorageAnswer<void> {
    return this.#locks((q) => q.renew(holderId, resources, now, expiresAt));
  }

  async releaseLocks(holderId: string, resources: readonly string[] | 'all'): Promise<void> {
    await this.#locks((q) => q.release(holderId, resources));
  }

  async listLocks(): Promise<StoredLockRow[]> {
    const outcome = await this.#locks(async (q) => storageSuccess(await q.rows('all')), 'read');
    return (outcome as { value: StoredLockRow[] }).value;
  }

  async probeLock(): Promise<boolean | undefined> {
    return undefined;
  }

  // ---- the lab server's queue, audit log and tokens ---------------------------------------

  insertQueuedRun(row: Omit<StoredQueuedRunRow, 'position'>): StorageAnswer<StoredQueuedRunRow> {
    return this.#run('write', (q, attempt) => q.insertQueuedRun(row, attempt.afterUncertainCommit));
  }

  listQueuedRuns(states: readonly string[] | null) {
    return this.#read((q) => q.listQueuedRuns(states));
  }

  updateQueuedRun(
    id: string,
    state: string,
    startedAt: number | null,
    endedAt: number | null,
    error: string | null,
  ): StorageAnswer<StoredQueuedRunRow> {
    return this.#run('write', (q) => q.updateQueuedRun(id, state, startedAt, endedAt, error));
  }

  setQueuedRunPositions(ids: readonly string[]): StorageAnswer<void> {
    return this.#run('write', (q) => q.setQueuedRunPositions(ids));
  }

  insertAuditEntry(row: Omit<StoredAuditRow, 'id'>): StorageAnswer<StoredAuditRow> {
    return this.#run('write', (q) => q.insertAuditEntry(row));
  }

  auditEntries(afterId: number, limit: number) {
    return this.#read((q) => q.auditEntries(afterId, limit));
  }

  putApiToken(row: StoredApiTokenRow): StorageAnswer<void> {
    return this.#run('write', (q) => q.putApiToken(row));
  }

  listApiTokens() {
    return this.#read((q) => q.listApiTokens());
  }

  deleteApiToken(id: string): StorageAnswer<boolean> {
    return this.#run('write', (q) => q.deleteApiToken(id));
  }
}
