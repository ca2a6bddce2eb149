import type { DataLabel } from '../data/index.js';
import type { ErrorSummary } from '../errors/index.js';
import { ContractViolationError, summarizeError } from '../errors/index.js';
import { SequencePath } from '../path/index.js';
import { type Result, err, ok } from '../result/index.js';
import type { SequenceState } from '../sequence/index.js';
import type {
  ContinuingRun,
  CreatePathOptions,
  CreateSequenceOptions,
  JsonValue,
  SequenceEventInput,
  PreparingSnapshot,
  SequenceDraft,
  SessionStorage,
  ShotInput,
  ShotTableQuery,
  StoredDeviceConfiguration,
} from './session-storage.js';
import { ShotTableBuilder } from './shot-table-builder.js';
import type { StorageBackend } from './storage-backend.js';
import {
  DuplicateShotError,
  InvalidStorageDataError,
  RunProcessGoneError,
} from './storage-errors.js';
import { type StorageOutcome, storageFailureToError } from './storage-failure.js';
import { decodeStorageJson, encodeStorageJson } from './storage-json.js';
import { sortStoragePaths } from './storage-order.js';
import {
  decodeDataRow,
  decodeDataRows,
  decodeDeviceRow,
  decodeSequenceRow,
  decodeSequenceStatsRow,
  decodeShotRow,
  decodeSnapshotRow,
} from './storage-rows.js';
import {
  decodeStorageDate,
  decodeStoredErrorSummary,
  encodeDeviceConfiguration,
  encodeErrorSummary,
  encodePreparingSnapshot,
  encodeSequenceDraft,
  encodeStorageDate,
  encodeSuspenders,
} from './storage-validation.js';
import {
  checkEventCursor,
  decodeSequenceEventRow,
  encodeSequenceEvent,
} from './sequence-event-encoding.js';
import {
  type ApiTokenRecord,
  type NewAuditEntry,
  type NewQueuedRun,
  type QueuedRunChange,
  type QueuedRunState,
  decodeApiTokenRow,
  decodeAuditRow,
  decodeQueuedRunRow,
} from './lab-records.js';
import { findRepeatedShotIndex, prepareShot, prepareShots } from './stored-shot.js';
import { HeldResourceLocks } from './held-resource-locks.js';
import { isRunOwnerGone } from './process-identity.js';
import {
  DEFAULT_LOCK_LEASE_MS,
  type LockRequest,
  type ResourceLockRecord,
  type StaleRun,
  sequenceResource,
} from './resource-locks.js';
import { type RunOwner, decodeRunOwner, describeRunOwner, runOwnerSchema } from './run-owner.js';
import { type StoredLockRow, storedTimeMs } from './storage-rules.js';

/** The promise a {@link SessionStorage} method returns. */
type Answer<K extends keyof SessionStorage> = SessionStorage[K] extends (
  ...args: never[]
) => infer R
  ? R
  : never;

const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * A {@link SessionStorage} over a {@link StorageBackend}: everything the SQLite, PostgreSQL and
 * memory storages do alike, written once. It checks and encodes every input with core's helpers
 * (so all backends refuse the same input with the same errors), calls the backend, turns its
 * failures into typed errors and its rows into records, sorts what is listed, and refuses to be
 * used once closed. A backend package subclasses it to add what is its own (options, migration
 * report...).
 */
export class EncodedSessionStorage implements SessionStorage {
  readonly kind: string;
  readonly location: string;
  readonly #backend: StorageBackend;
  readonly #describedAs: string;
  readonly #held = new Set<HeldResourceLocks>();
  #closing: Promise<void> | undefined;
  #recoveredAtOpen: readonly StaleRun[] = [];

  /**
   * @param kind `sqlite`, `postgres`, `memory`...
   * @param location where the data lives (file, URL without password...)
   * @param backend the database operations
   * @param describedAs how messages name this storage, e.g. `SQLite storage "/lab/shotline.sqlite"`
   */
  constructor(kind: string, location: string, backend: StorageBackend, describedAs: string) {
    this.kind = kind;
    this.location = location;
    this.#backend = backend;
    this.#describedAs = describedAs;
  }

  /** Releases the locks still held, closes the backend once; every later call of another method throws. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#held].map((locks) => locks.release()));
      await this.#backend.close();
    })();
    return this.#closing;
  }

  /** The backend, or a ContractViolationError once the storage is closed. */
  protected get backend(): StorageBackend {
    if (this.#closing) throw new ContractViolationError(`the ${this.#describedAs} is closed`);
    return this.#backend;
  }

  /** A backend outcome as a typed result, mapping its value with `decode`. */
  #result<T, E extends Error>(
    outcome: StorageOutcome<unknown>,
    decode?: (value: never) => T,
  ): Result<T, E> {
    if (!outcome.ok) return err(storageFailureToError(outcome.failure) as unknown as E);
    return ok(decode ? decode(outcome.value as never) : (outcome.value as T));
  }

  // ---- path tree -------------------------------------------------------------------------------

  async pathExists(path: SequencePath): Answer<'pathExists'> {
    return this.backend.pathExists(path);
  }

  async createPath(path: SequencePath, options: CreatePathOptions = {}): Answer<'createPath'> {
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      path: path.toString(),
    });
    if (!createdAt.ok) return createdAt;
    return this.#result(await this.backend.createPath(path, createdAt.value), (created: string[]) =>
      created.map((p) => SequencePath.parse(p)),
    );
  }

  async deletePath(
    path: SequencePath,
    options: { deleteSequences?: boolean } = {},
  ): Answer<'deletePath'> {
    return this.#result(await this.backend.deletePath(path, options.deleteSequences === true));
  }

  async children(path: SequencePath): Answer<'children'> {
    return this.#result(await this.backend.children(path), parsePaths);
  }

  async creationDate(path: SequencePath): Answer<'creationDate'> {
    return this.#result(await this.backend.creationDate(path), (value: unknown) =>
      decodeStorageDate(value, 'creation date', { path: path.toString() }),
    );
  }

  async movePath(source: SequencePath, destination: SequencePath): Answer<'movePath'> {
    return this.#result(await this.backend.movePath(source, destination, Date.now()));
  }

  async isSequence(path: SequencePath): Answer<'isSequence'> {
    return this.#result(await this.backend.isSequence(path));
  }

  async sequencesUnder(path: SequencePath): Answer<'sequencesUnder'> {
    return this.#result(await this.backend.sequencesUnder(path), parsePaths);
  }

  async sequencesInState(state: SequenceState): Answer<'sequencesInState'> {
    return parsePaths(await this.backend.sequencesInState(state));
  }

  // ---- sequences -------------------------------------------------------------------------------

  async createSequence(
    path: SequencePath,
    draft: SequenceDraft,
    options: CreateSequenceOptions = {},
  ): Answer<'createSequence'> {
    const encoded = encodeSequenceDraft(path, draft);
    if (!encoded.ok) return encoded;
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      sequence: path.toString(),
    });
    if (!createdAt.ok) return createdAt;
    return this.#result(await this.backend.createSequence(path, encoded.value, createdAt.value));
  }

  async duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    options: CreateSequenceOptions = {},
  ): Answer<'duplicateSequence'> {
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      sequence: destination.toString(),
    });
    if (!createdAt.ok) return createdAt;
    return this.#result(await this.backend.duplicateSequence(source, destination, createdAt.value));
  }

  async getSequence(path: SequencePath): Answer<'getSequence'> {
    return this.#result(await this.backend.getSequence(path), decodeSequenceRow.bind(null, path));
  }

  async getStats(path: SequencePath): Answer<'getStats'> {
    return this.#result(await this.backend.getStats(path), decodeSequenceStatsRow.bind(null, path));
  }

  async setIteration(
    path: SequencePath,
    iteration: JsonValue,
    expectedShots: number | null,
  ): Answer<'setIteration'> {
    const encoded = encodeSequenceDraft(path, { iteration, timeLanes: null, expectedShots });
    if (!encoded.ok) return encoded;
    const { iteration: json, expectedShots: expected } = encoded.value;
    return this.#result(await this.backend.setIteration(path, json, expected));
  }

  async setTimeLanes(path: SequencePath, timeLanes: JsonValue): Answer<'setTimeLanes'> {
    const encoded = encodeStorageJson(timeLanes, 'time lanes', { sequence: path.toString() });
    if (!encoded.ok) return encoded;
    return this.#result(await this.backend.setTimeLanes(path, encoded.value));
  }

  async setSuspenders(path: SequencePath, suspenders: JsonValue): Answer<'setSuspenders'> {
    const encoded = encodeSuspenders(path, suspenders);
    if (!encoded.ok) return encoded;
    return this.#result(await this.backend.setSuspenders(path, encoded.value));
  }

  async setPreparing(path: SequencePath, snapshot: PreparingSnapshot): Answer<'setPreparing'> {
    const encoded = encodePreparingSnapshot(path, snapshot);
    if (!encoded.ok) return encoded;
    return this.#result(await this.backend.setPreparing(path, encoded.value));
  }

  async setContinuing(path: SequencePath, run: ContinuingRun): Answer<'setContinuing'> {
    const owner = runOwnerSchema.safeParse(run?.owner);
    if (!owner.success) {
      return err(
        new InvalidStorageDataError('a continuation needs the owner who runs it (a RunOwner)', {
          location: { sequence: path.toString() },
        }),
      );
    }
    const event = encodeSequenceEvent(path, run.event);
    if (!event.ok) return event;
    return this.#result(
      await this.backend.setContinuing(path, JSON.stringify(owner.data), event.value),
    );
  }

  async setPaused(path: SequencePath, event: SequenceEventInput): Answer<'setPaused'> {
    const encoded = encodeSequenceEvent(path, event);
    if (!encoded.ok) return encoded;
    return this.#result(await this.backend.setPaused(path, encoded.value));
  }

  async setResumed(
    path: SequencePath,
    event: SequenceEventInput,
    options: { globals?: JsonValue } = {},
  ): Answer<'setResumed'> {
    const encoded = encodeSequenceEvent(path, event);
    if (!encoded.ok) return encoded;
    let globals: string | null = null;
    if (options.globals !== undefined) {
      const json = encodeStorageJson(options.globals, 'global parameters', {
        sequence: path.toString(),
      });
      if (!json.ok) return json;
      globals = json.value;
    }
    return this.#result(await this.backend.setResumed(path, encoded.value, globals));
  }

  async #timed(
    op: 'setRunning' | 'setFinished' | 'setInterrupted',
    path: SequencePath,
    time: Date,
  ): Answer<'setRunning'> {
    const ms = encodeStorageDate(time, op === 'setRunning' ? 'start time' : 'stop time', {
      sequence: path.toString(),
    });
    if (!ms.ok) return ms;
    return this.#result(await this.backend[op](path, ms.value));
  }

  async setRunning(path: SequencePath, startTime: Date): Answer<'setRunning'> {
    return this.#timed('setRunning', path, startTime);
  }

  async setFinished(path: SequencePath, stopTime: Date): Answer<'setFinished'> {
    return this.#timed('setFinished', path, stopTime);
  }

  async setInterrupted(path: SequencePath, stopTime: Date): Answer<'setInterrupted'> {
    return this.#timed('setInterrupted', path, stopTime);
  }

  async setCrashed(path: SequencePath, error: ErrorSummary, stopTime: Date): Answer<'setCrashed'> {
    const summary = encodeErrorSummary(path, error);
    if (!summary.ok) return summary;
    const ms = encodeStorageDate(stopTime, 'stop time', { sequence: path.toString() });
    if (!ms.ok) return ms;
    return this.#result(await this.backend.setCrashed(path, summary.value, ms.value));
  }

  async resetToDraft(path: SequencePath): Answer<'resetToDraft'> {
    return this.#result(await this.backend.resetToDraft(path));
  }

  async getError(path: SequencePath): Answer<'getError'> {
    return this.#result(await this.backend.getError(path), (text: string) =>
      decodeStoredErrorSummary(text, { sequence: path.toString() }),
    );
  }

  async getSnapshot(path: SequencePath): Answer<'getSnapshot'> {
    return this.#result(await this.backend.getSnapshot(path), decodeSnapshotRow.bind(null, path));
  }

  // ---- events of a run -------------------------------------------------------------------------

  async addSequenceEvent(
    path: SequencePath,
    event: SequenceEventInput,
  ): Answer<'addSequenceEvent'> {
    const encoded = encodeSequenceEvent(path, event);
    if (!encoded.ok) return encoded;
    return this.#result(await this.backend.addSequenceEvent(path, encoded.value), Number);
  }

  async sequenceEvents(
    path: SequencePath,
    options: { afterId?: number } = {},
  ): Answer<'sequenceEvents'> {
    const after = checkEventCursor(options.afterId ?? 0);
    if (!after.ok) return after;
    return this.#result(
      await this.backend.sequenceEvents(path, after.value),
      (rows: Parameters<typeof decodeSequenceEventRow>[1][]) =>
        rows.map((row) => decodeSequenceEventRow(path, row)).sort((a, b) => a.id - b.id),
    );
  }

  // ---- shots -----------------------------------------------------------------------------------

  async createShot(path: SequencePath, shot: ShotInput): Answer<'createShot'> {
    const prepared = prepareShot(path, shot);
    if (!prepared.ok) return prepared;
    return this.#result(await this.backend.createShots(path, [prepared.value]));
  }

  async createShots(path: SequencePath, shots: ShotInput[]): Answer<'createShots'> {
    const prepared = prepareShots(path, shots);
    if (!prepared.ok) return prepared;
    const repeated = findRepeatedShotIndex(prepared.value);
    if (repeated !== undefined) return err(new DuplicateShotError(path, repeated));
    return this.#result(await this.backend.createShots(path, prepared.value));
  }

  async shotIndices(path: SequencePath): Answer<'shotIndices'> {
    return this.#result(await this.backend.shotIndices(path));
  }

  async getShot(path: SequencePath, index: number): Answer<'getShot'> {
    return this.#result(
      await this.backend.getShot(path, index),
      decodeShotRow.bind(null, path, index),
    );
  }

  async getShotData(path: SequencePath, index: number, label: DataLabel): Answer<'getShotData'> {
    return this.#result(
      await this.backend.getShotData(path, index, label),
      decodeDataRow.bind(null, path, index),
    );
  }

  async getAllShotData(path: SequencePath, index: number): Answer<'getAllShotData'> {
    return this.#result(
      await this.backend.getAllShotData(path, index),
      decodeDataRows.bind(null, path, index),
    );
  }

  async readShotTable(path: SequencePath, query?: ShotTableQuery): Answer<'readShotTable'> {
    const builder = new ShotTableBuilder(path, query);
    const outcome = await this.backend.shotTableRows(path, builder.labels ?? null);
    if (!outcome.ok) return this.#result(outcome);
    for (const [index, start, end, parameters] of outcome.value.shots) {
      builder.addShot(index, start, end, parameters);
    }
    for (const [index, label, content] of outcome.value.data) {
      builder.addData(index, label, content);
    }
    return ok(builder.build());
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  async getGlobals(): Answer<'getGlobals'> {
    const stored = await this.backend.getSetting('globals');
    return stored === undefined ? [] : decodeStorageJson(stored, 'global parameters');
  }

  async setGlobals(globals: JsonValue): Answer<'setGlobals'> {
    const encoded = encodeStorageJson(globals, 'global parameters');
    if (!encoded.ok) return encoded;
    return this.#result(await this.backend.setSetting('globals', encoded.value));
  }

  async listDeviceConfigurations(): Answer<'listDeviceConfigurations'> {
    return (await this.backend.listDevices()).map(decodeDeviceRow).sort(byName);
  }

  async getDeviceConfiguration(name: string): Answer<'getDeviceConfiguration'> {
    return this.#result(await this.backend.getDevice(name), decodeDeviceRow);
  }

  async setDeviceConfiguration(
    configuration: StoredDeviceConfiguration,
  ): Answer<'setDeviceConfiguration'> {
    const encoded = encodeDeviceConfiguration(configuration);
    if (!encoded.ok) return encoded;
    const { name, type, configuration: content } = encoded.value;
    return this.#result(await this.backend.setDevice(name, type, content));
  }

  async deleteDeviceConfiguration(name: string): Answer<'deleteDeviceConfiguration'> {
    return this.#result(await this.backend.deleteDevice(name));
  }

  // ---- run ownership ---------------------------------------------------------------------------

  async acquireLocks(request: LockRequest): Answer<'acquireLocks'> {
    const invalid = (message: string) => err(new InvalidStorageDataError(message));
    const resources = [...new Set(request.resources)];
    if (resources.length === 0 || resources.some((r) => typeof r !== 'string' || r.length === 0)) {
      return invalid('a lock request needs one or more non-empty resource names');
    }
    const holder = runOwnerSchema.safeParse(request.holder);
    if (!holder.success) return invalid('a lock request needs a valid holder (RunOwner)');
    const leaseMs = request.leaseMs ?? DEFAULT_LOCK_LEASE_MS;
    if (!(leaseMs >= 1000) || !Number.isFinite(leaseMs)) {
      return invalid(`a lock lease must be at least 1000 ms, got ${leaseMs}`);
    }
    const now = Date.now();
    const outcome = await this.backend.acquireLocks(
      {
        resources,
        holderId: holder.data.id,
        holder: JSON.stringify(holder.data),
        sequence: request.sequence?.toString() ?? null,
        now,
        expiresAt: now + leaseMs,
      },
      lockHolderGone,
    );
    if (!outcome.ok) return this.#result(outcome);
    const held = new HeldResourceLocks(
      this.backend,
      holder.data,
      resources,
      leaseMs,
      request.renew ?? true,
      (locks) => this.#held.delete(locks),
    );
    this.#held.add(held);
    return ok(held);
  }

  async listLocks(): Answer<'listLocks'> {
    return (await this.backend.listLocks())
      .map((row) => decodeLockRow(row))
      .sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  }

  /** The stale runs {@link recoverAtOpen} found when the storage was opened. */
  get recoveredAtOpen(): readonly StaleRun[] {
    return this.#recoveredAtOpen;
  }

  /**
   * What a backend's open function calls: {@link recoverStaleRuns}, keeping what it found in
   * {@link recoveredAtOpen}. Never throws: a storage that cannot be written (read-only, full)
   * still opens, and its stale runs are recovered by the next opener that can write.
   */
  async recoverAtOpen(): Promise<readonly StaleRun[]> {
    try {
      this.#recoveredAtOpen = await this.recoverStaleRuns();
    } catch {
      this.#recoveredAtOpen = [];
    }
    return this.#recoveredAtOpen;
  }

  async recoverStaleRuns(): Answer<'recoverStaleRuns'> {
    const backend = this.backend;
    const locks = await backend.listLocks();
    const found: StaleRun[] = [];
    for (const state of ['preparing', 'running', 'paused'] as const) {
      for (const text of await backend.sequencesInState(state)) {
        const path = SequencePath.parse(text);
        const record = await this.getSequence(path);
        if (!record.ok) continue;
        const resource = sequenceResource(path);
        const row = locks.find((r) => r.resource === resource);
        const verdict = await runVerdict(backend, resource, row, record.value.owner);
        if (!verdict.gone) continue;
        const owner = record.value.owner;
        const lastSeen = row ? new Date(storedTimeMs(row.renewed_at)) : null;
        const ran = row ? holderOf(row) : owner;
        const who = ran ? describeRunOwner(ran) : 'an unknown process';
        const error = new RunProcessGoneError(
          `the process that ran it stopped (${who}${lastSeen ? `, last seen ${lastSeen.toISOString()}` : ''}): ${verdict.why}`,
          { location: { sequence: text } },
        );
        const summary = summarizeError(error, { stack: false });
        let failure: Error | undefined;
        try {
          const crashed = await this.setCrashed(path, summary, new Date());
          // Another process recovered it first: the state is no longer active.
          if (!crashed.ok && crashed.error.code !== 'INVALID_STATE_TRANSITION') {
            failure = crashed.error;
          }
          if (row) await backend.releaseLocks(row.holder_id, 'all');
        } catch (e) {
          failure = e instanceof Error ? e : new Error(String(e));
        }
        found.push({
          path,
          state: record.value.state,
          owner,
          lastSeen,
          error: summary,
          recovered: failure === undefined,
          ...(failure ? { failure } : {}),
        });
      }
    }
    return found;
  }

  // ---- the lab server's queue, audit log and tokens ---------------------------------------

  async enqueueRun(run: NewQueuedRun): Answer<'enqueueRun'> {
    const options = encodeStorageJson(run.options, 'queued run options', {
      sequence: run.sequence,
    });
    if (!options.ok) return options;
    const outcome = await this.backend.insertQueuedRun({
      id: run.id,
      sequence: run.sequence,
      submitted_by: run.submittedBy,
      submitted_at: millis(run.submittedAt, 'submission time'),
      options: options.value,
      state: 'queued',
      started_at: null,
      ended_at: null,
      error: null,
    });
    return this.#result(outcome, decodeQueuedRunRow);
  }

  async listQueuedRuns(states?: readonly QueuedRunState[]): Answer<'listQueuedRuns'> {
    return (await this.backend.listQueuedRuns(states ?? null)).map(decodeQueuedRunRow);
  }

  async updateQueuedRun(id: string, change: QueuedRunChange): Answer<'updateQueuedRun'> {
    let error: string | null = null;
    if (change.error) {
      const encoded = encodeStorageJson(change.error, 'queued run error');
      if (!encoded.ok) return encoded;
      error = encoded.value;
    }
    const outcome = await this.backend.updateQueuedRun(
      id,
      change.state,
      change.startedAt ? millis(change.startedAt, 'start time') : null,
      change.endedAt ? millis(change.endedAt, 'end time') : null,
      error,
    );
    return this.#result(outcome, decodeQueuedRunRow);
  }

  async reorderQueuedRuns(ids: readonly string[]): Answer<'reorderQueuedRuns'> {
    return this.#result(await this.backend.setQueuedRunPositions([...ids]));
  }

  async appendAuditEntry(entry: NewAuditEntry): Answer<'appendAuditEntry'> {
    const details = encodeStorageJson(entry.details, 'audit details');
    if (!details.ok) return details;
    const outcome = await this.backend.insertAuditEntry({
      time: millis(entry.time, 'audit time'),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: details.value,
    });
    return this.#result(outcome, decodeAuditRow);
  }

  async readAuditLog(options: { afterId?: number; limit?: number } = {}): Answer<'readAuditLog'> {
    const rows = await this.backend.auditEntries(options.afterId ?? 0, options.limit ?? 1000);
    return rows.map(decodeAuditRow);
  }

  async saveApiToken(token: ApiTokenRecord): Answer<'saveApiToken'> {
    const outcome = await this.backend.putApiToken({
      id: token.id,
      user_name: token.user,
      scopes: JSON.stringify(token.scopes),
      salt: token.salt,
      hash: token.hash,
      created_at: millis(token.createdAt, 'token creation time'),
    });
    if (!outcome.ok) throw storageFailureToError(outcome.failure);
  }

  async listApiTokens(): Answer<'listApiTokens'> {
    return (await this.backend.listApiTokens()).map(decodeApiTokenRow);
  }

  async deleteApiToken(id: string): Answer<'deleteApiToken'> {
    const outcome = await this.backend.deleteApiToken(id);
    if (!outcome.ok) throw storageFailureToError(outcome.failure);
    return outcome.value;
  }
}

/** Milliseconds of a date given to storage; an invalid date is a programmer error here. */
function millis(date: Date, what: string): number {
  const encoded = encodeStorageDate(date, what);
  if (!encoded.ok) throw encoded.error;
  return encoded.value;
}

function parsePaths(paths: string[]): SequencePath[] {
  return sortStoragePaths(paths.map((p) => SequencePath.parse(p)));
}

/** The holder of a lock row; null when it cannot be read. */
function holderOf(row: StoredLockRow): RunOwner | null {
  try {
    return decodeRunOwner(row.holder);
  } catch {
    return null;
  }
}

/** Whether the holder of a lock row is provably gone (a process of this machine that died). */
function lockHolderGone(row: StoredLockRow): boolean {
  const holder = holderOf(row);
  return holder !== null && isRunOwnerGone(holder);
}

function decodeLockRow(row: StoredLockRow): ResourceLockRecord {
  const at = { resource: row.resource };
  return {
    resource: row.resource,
    holder: decodeRunOwner(row.holder, at),
    sequence: row.sequence,
    acquiredAt: new Date(storedTimeMs(row.acquired_at)),
    renewedAt: new Date(storedTimeMs(row.renewed_at)),
    expiresAt: new Date(storedTimeMs(row.expires_at)),
  };
}

/**
 * Whether the run of an active sequence is gone, and why: the operating system's lock when the
 * backend has one (authoritative), else its lock row (expired, or its process is gone), else, for a
 * run recorded without a lock, its owner (a process of this machine that is gone).
 */
async function runVerdict(
  backend: StorageBackend,
  resource: string,
  row: StoredLockRow | undefined,
  owner: RunOwner | null,
): Promise<{ gone: boolean; why: string }> {
  const held = await backend.probeLock(resource);
  if (held !== undefined) {
    return { gone: !held, why: 'its lock was released by the operating system' };
  }
  if (row) {
    if (storedTimeMs(row.expires_at) <= Date.now()) {
      return {
        gone: true,
        why: `its lease expired at ${new Date(storedTimeMs(row.expires_at)).toISOString()}`,
      };
    }
    return { gone: lockHolderGone(row), why: 'no process of this machine has its pid any more' };
  }
  return {
    gone: owner !== null && isRunOwnerGone(owner),
    why: 'no process of this machine has its pid any more',
  };
}
