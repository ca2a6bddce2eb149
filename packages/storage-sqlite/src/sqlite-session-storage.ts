import { dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import {
  ContractViolationError,
  type CreatePathOptions,
  type CreateSequenceOptions,
  type DataLabel,
  type DataNotFoundError,
  type DataValue,
  type DeviceConfigurationNotFoundError,
  DuplicateShotError,
  type ErrorSummary,
  type InvalidStateTransitionError,
  type InvalidStorageDataError,
  type JsonValue,
  type PathExistsError,
  type PathHasChildrenError,
  type PathIsNotSequenceError,
  type PathIsRootError,
  type PathIsSequenceError,
  type PathNotFoundError,
  type PreparingSnapshot,
  type RecursivePathMoveError,
  type Result,
  SEQUENCE_STATES,
  type SequenceDraft,
  type SequenceNotCrashedError,
  type SequenceNotEditableError,
  type SequenceNotLaunchedError,
  type SequenceNotRunningError,
  SequencePath,
  type SequenceRecord,
  type SequenceRunningError,
  type SequenceState,
  type SequenceStats,
  type SessionStorage,
  type ShotIndexError,
  type ShotInput,
  type ShotNotFoundError,
  type ShotRecord,
  type ShotTable,
  ShotTableBuilder,
  type ShotTableQuery,
  type StoredDeviceConfiguration,
  decodeStorageDate,
  decodeStorageJson,
  decodeStorageJsonObject,
  decodeStoredArray,
  decodeStoredDeviceConfigurations,
  decodeStoredErrorSummary,
  decodeStoredState,
  encodeDeviceConfiguration,
  encodeErrorSummary,
  encodePreparingSnapshot,
  encodeSequenceDraft,
  encodeStorageDate,
  encodeStorageJson,
  err,
  findRepeatedShotIndex,
  isActive,
  isEditable,
  isTransitionAllowed,
  ok,
  prepareShot,
  prepareShots,
  sortStoragePaths,
  storageFailureToError,
} from '@shotline/core';
import {
  type ConnectionSettings,
  type SqliteDurability,
  openConnection,
} from './internal/connection.js';

import { type SchemaMigrationReport, migrateSchema } from './internal/migrate-schema.js';
import { SCHEMA_VERSION } from './internal/schema.js';
import { type DataRow, SessionDatabase, type WriteOperation } from './internal/session-database.js';
import type { Outcome, StatePolicy } from './internal/storage-failure.js';
import { WriterClient } from './internal/writer-client.js';

export type { SqliteDurability, SchemaMigrationReport };

/** The schema version this build of `@shotline/storage-sqlite` reads and writes. */
export const SQLITE_SCHEMA_VERSION: number = SCHEMA_VERSION;

/** Options of {@link openSqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * `PRAGMA synchronous` of the connections (WAL mode):
   * - `normal` (default): a committed shot survives a crash or `kill -9` of the process; after a
   *   power loss the last transactions before the crash may be lost, never corrupting the file;
   * - `full`: every commit is flushed to disk (fsync) and survives power loss too;
   * - `off`: no fsync at all; fastest, for throw-away data.
   */
  durability?: SqliteDurability;
  /**
   * Where writes run. `worker` (default): a worker thread owns the write connection, so commits,
   * fsyncs and WAL checkpoints never block the main thread; shot writes that queue up are committed
   * together. `inline`: on the calling thread (simplest; blocks the event loop for every write).
   * An in-memory database (`:memory:`) is always inline.
   */
  writer?: 'worker' | 'inline';
  /** How long a write waits for another connection's lock before failing (ms). Default 10 000. */
  busyTimeoutMs?: number;
  /**
   * Migrate a database with an older schema, after copying it to `<file>.bak-v<N>`. Default true;
   * when false an older database is refused with a StorageSchemaError.
   */
  migrate?: boolean;
}

/** The usual file of a lab's SQLite storage: `shotline.sqlite` next to the lab configuration file. */
export function defaultSqliteFile(labConfigFile: string): string {
  return join(dirname(resolve(labConfigFile)), 'shotline.sqlite');
}

function statePolicy(): StatePolicy {
  const allowedFrom: Record<string, string[]> = {};
  for (const to of SEQUENCE_STATES) {
    allowedFrom[to] = SEQUENCE_STATES.filter((from) => isTransitionAllowed(from, to));
  }
  return {
    editable: SEQUENCE_STATES.filter(isEditable),
    active: SEQUENCE_STATES.filter(isActive),
    allowedFrom,
  };
}

/**
 * Opens (creating it if needed) a shotline SQLite database and returns its {@link SessionStorage}.
 * The file uses WAL mode with foreign keys on; a new file is created with the current schema, an older
 * one is migrated after a backup copy, and a newer one is refused with a StorageSchemaError naming
 * both versions. Several processes (or storages) may open the same file: SQLite serialises their
 * writes and the state changes are compare-and-set.
 */
export async function openSqliteStorage(
  file: string,
  options: SqliteStorageOptions = {},
): Promise<SqliteSessionStorage> {
  const settings: ConnectionSettings = {
    durability: options.durability ?? 'normal',
    busyTimeoutMs: options.busyTimeoutMs ?? 10_000,
  };
  if (!['off', 'normal', 'full'].includes(settings.durability)) {
    throw new ContractViolationError(`unknown SQLite durability "${String(settings.durability)}"`);
  }
  const path = file === ':memory:' ? file : resolve(file);
  const useWorker = (options.writer ?? 'worker') === 'worker' && path !== ':memory:';
  const connection = openConnection(path, settings);
  try {
    const migration = migrateSchema(connection, path, options.migrate ?? true);
    const policy = statePolicy();
    let writer: WriterClient | undefined;
    if (useWorker) {
      connection.pragma('query_only = ON');
      writer = await WriterClient.start({ file: path, settings, policy, maxGroup: 64 });
    }
    return new SqliteSessionStorage(
      path,
      connection,
      policy,
      writer,
      migration,
      settings.durability,
    );
  } catch (e) {
    connection.close();
    throw e;
  }
}

type TransitionError =
  | PathNotFoundError
  | PathIsNotSequenceError
  | InvalidStateTransitionError
  | InvalidStorageDataError;

type ShotWriteError =
  | PathNotFoundError
  | PathIsNotSequenceError
  | SequenceNotRunningError
  | ShotIndexError
  | DuplicateShotError
  | InvalidStorageDataError;

/**
 * The embedded {@link SessionStorage}: one SQLite file (better-sqlite3, WAL). Reads run on the calling
 * thread through their own connection and see every committed write; writes run in a worker thread
 * (or inline, see {@link SqliteStorageOptions.writer}), each in one transaction. Open it with
 * {@link openSqliteStorage}.
 */
export class SqliteSessionStorage implements SessionStorage {
  readonly kind = 'sqlite';
  /** The database file. */
  readonly location: string;
  /** Schema version of the file (always {@link SQLITE_SCHEMA_VERSION} once open). */
  readonly schemaVersion: number = SCHEMA_VERSION;
  /** What opening did to the schema (created, migrated from an older version with its backup...). */
  readonly migration: SchemaMigrationReport;
  /** The durability setting of the connections. */
  readonly durability: SqliteDurability;
  readonly #connection: Database.Database;
  readonly #database: SessionDatabase;
  readonly #writer: WriterClient | undefined;
  #closing: Promise<void> | undefined;

  /** Use {@link openSqliteStorage}. */
  constructor(
    file: string,
    connection: Database.Database,
    policy: StatePolicy,
    writer: WriterClient | undefined,
    migration: SchemaMigrationReport,
    durability: SqliteDurability,
  ) {
    this.location = file;
    this.#connection = connection;
    this.#database = new SessionDatabase(connection, policy);
    this.#writer = writer;
    this.migration = migration;
    this.durability = durability;
  }

  /** Whether writes run in a worker thread. */
  get usesWriterWorker(): boolean {
    return this.#writer !== undefined;
  }

  async close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#writer?.close();
      } finally {
        this.#connection.close();
      }
    })();
    return this.#closing;
  }

  get #db(): SessionDatabase {
    if (this.#closing) {
      throw new ContractViolationError(`the SQLite storage "${this.location}" is closed`);
    }
    return this.#database;
  }

  async #write(op: WriteOperation, ...args: unknown[]): Promise<Outcome<unknown>> {
    const db = this.#db;
    if (this.#writer) return this.#writer.call(op, args);
    const method = db[op].bind(db) as (...a: unknown[]) => Outcome<unknown>;
    return method(...args);
  }

  #result<T, E extends Error>(outcome: Outcome<unknown>, value?: (v: never) => T): Result<T, E> {
    if (!outcome.ok) return err(storageFailureToError(outcome.failure) as unknown as E);
    return ok(value ? value(outcome.value as never) : (outcome.value as T));
  }

  // ---- path tree -------------------------------------------------------------------------------

  async pathExists(path: SequencePath): Promise<boolean> {
    return this.#db.pathExists(path.toString());
  }

  async createPath(
    path: SequencePath,
    options: CreatePathOptions = {},
  ): Promise<Result<SequencePath[], PathIsSequenceError | InvalidStorageDataError>> {
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      path: path.toString(),
    });
    if (!createdAt.ok) return createdAt;
    return this.#result(
      await this.#write('createPath', path.toString(), createdAt.value),
      (created: string[]) => created.map((p) => SequencePath.parse(p)),
    );
  }

  async deletePath(
    path: SequencePath,
    options: { deleteSequences?: boolean } = {},
  ): Promise<
    Result<void, PathNotFoundError | PathIsRootError | PathIsSequenceError | SequenceRunningError>
  > {
    return this.#result(
      await this.#write('deletePath', path.toString(), options.deleteSequences === true),
    );
  }

  async children(
    path: SequencePath,
  ): Promise<Result<SequencePath[], PathNotFoundError | PathIsSequenceError>> {
    return this.#result(this.#db.children(path.toString()), (paths: string[]) =>
      sortStoragePaths(paths.map((p) => SequencePath.parse(p))),
    );
  }

  async creationDate(
    path: SequencePath,
  ): Promise<Result<Date, PathNotFoundError | PathIsRootError>> {
    return this.#result(this.#db.creationDate(path.toString()), (ms: number) =>
      decodeStorageDate(ms, 'creation date', { path: path.toString() }),
    );
  }

  async movePath(
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
  > {
    return this.#result(
      await this.#write('movePath', source.toString(), destination.toString(), Date.now()),
    );
  }

  async isSequence(path: SequencePath): Promise<Result<boolean, PathNotFoundError>> {
    return this.#result(this.#db.isSequence(path.toString()));
  }

  async sequencesUnder(path: SequencePath): Promise<Result<SequencePath[], PathNotFoundError>> {
    return this.#result(this.#db.sequencesUnder(path.toString()), (paths: string[]) =>
      sortStoragePaths(paths.map((p) => SequencePath.parse(p))),
    );
  }

  async sequencesInState(state: SequenceState): Promise<SequencePath[]> {
    return sortStoragePaths(this.#db.sequencesInState(state).map((p) => SequencePath.parse(p)));
  }

  // ---- sequences -------------------------------------------------------------------------------

  async createSequence(
    path: SequencePath,
    draft: SequenceDraft,
    options: CreateSequenceOptions = {},
  ): Promise<
    Result<
      void,
      PathIsSequenceError | PathHasChildrenError | PathIsRootError | InvalidStorageDataError
    >
  > {
    const encoded = encodeSequenceDraft(path, draft);
    if (!encoded.ok) return encoded;
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      sequence: path.toString(),
    });
    if (!createdAt.ok) return createdAt;
    return this.#result(
      await this.#write('createSequence', path.toString(), encoded.value, createdAt.value),
    );
  }

  async duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    options: CreateSequenceOptions = {},
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
  > {
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      sequence: destination.toString(),
    });
    if (!createdAt.ok) return createdAt;
    return this.#result(
      await this.#write(
        'duplicateSequence',
        source.toString(),
        destination.toString(),
        createdAt.value,
      ),
    );
  }

  async getSequence(
    path: SequencePath,
  ): Promise<Result<SequenceRecord, PathNotFoundError | PathIsNotSequenceError>> {
    const outcome = this.#db.getSequence(path.toString());
    if (!outcome.ok) return this.#result(outcome);
    const row = outcome.value;
    const at = { sequence: path.toString() };
    return ok({
      path,
      createdAt: decodeStorageDate(row.created_at, 'creation date', at),
      state: decodeStoredState(row.state, at),
      completedShots: row.completed,
      expectedShots: row.expected_shots,
      startTime: decodeStorageDate(row.start_time, 'start time', at, true),
      stopTime: decodeStorageDate(row.stop_time, 'stop time', at, true),
      iteration: decodeStorageJson(row.iteration, 'iteration', at),
      timeLanes: decodeStorageJson(row.time_lanes, 'time lanes', at),
      globals:
        row.globals === null ? null : decodeStorageJson(row.globals, 'global parameters', at),
      deviceConfigurations:
        row.device_configurations === null
          ? null
          : decodeStoredDeviceConfigurations(row.device_configurations, at),
      error: row.error === null ? null : decodeStoredErrorSummary(row.error, at),
      owner: row.owner,
    });
  }

  async getStats(
    path: SequencePath,
  ): Promise<Result<SequenceStats, PathNotFoundError | PathIsNotSequenceError>> {
    const at = { sequence: path.toString() };
    return this.#result(
      this.#db.getStats(path.toString()),
      (row: {
        state: string;
        expected_shots: number | null;
        start_time: number | null;
        stop_time: number | null;
        completed: number;
      }) => ({
        state: decodeStoredState(row.state, at),
        completedShots: row.completed,
        expectedShots: row.expected_shots,
        startTime: decodeStorageDate(row.start_time, 'start time', at, true),
        stopTime: decodeStorageDate(row.stop_time, 'stop time', at, true),
      }),
    );
  }

  async setIteration(
    path: SequencePath,
    iteration: JsonValue,
    expectedShots: number | null,
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathIsNotSequenceError
      | SequenceNotEditableError
      | InvalidStorageDataError
    >
  > {
    const encoded = encodeSequenceDraft(path, { iteration, timeLanes: null, expectedShots });
    if (!encoded.ok) return encoded;
    return this.#result(
      await this.#write(
        'setIteration',
        path.toString(),
        encoded.value.iteration,
        encoded.value.expectedShots,
      ),
    );
  }

  async setTimeLanes(
    path: SequencePath,
    timeLanes: JsonValue,
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathIsNotSequenceError
      | SequenceNotEditableError
      | InvalidStorageDataError
    >
  > {
    const encoded = encodeStorageJson(timeLanes, 'time lanes', { sequence: path.toString() });
    if (!encoded.ok) return encoded;
    return this.#result(await this.#write('setTimeLanes', path.toString(), encoded.value));
  }

  async setPreparing(
    path: SequencePath,
    snapshot: PreparingSnapshot,
  ): Promise<Result<void, TransitionError>> {
    const encoded = encodePreparingSnapshot(path, snapshot);
    if (!encoded.ok) return encoded;
    return this.#result(await this.#write('setPreparing', path.toString(), encoded.value));
  }

  async #timed(
    op: 'setRunning' | 'setFinished' | 'setInterrupted',
    path: SequencePath,
    time: Date,
  ): Promise<Result<void, TransitionError>> {
    const ms = encodeStorageDate(time, op === 'setRunning' ? 'start time' : 'stop time', {
      sequence: path.toString(),
    });
    if (!ms.ok) return ms;
    return this.#result(await this.#write(op, path.toString(), ms.value));
  }

  async setRunning(path: SequencePath, startTime: Date): Promise<Result<void, TransitionError>> {
    return this.#timed('setRunning', path, startTime);
  }

  async setFinished(path: SequencePath, stopTime: Date): Promise<Result<void, TransitionError>> {
    return this.#timed('setFinished', path, stopTime);
  }

  async setInterrupted(path: SequencePath, stopTime: Date): Promise<Result<void, TransitionError>> {
    return this.#timed('setInterrupted', path, stopTime);
  }

  async setCrashed(
    path: SequencePath,
    error: ErrorSummary,
    stopTime: Date,
  ): Promise<Result<void, TransitionError>> {
    const summary = encodeErrorSummary(path, error);
    if (!summary.ok) return summary;
    const ms = encodeStorageDate(stopTime, 'stop time', { sequence: path.toString() });
    if (!ms.ok) return ms;
    return this.#result(await this.#write('setCrashed', path.toString(), summary.value, ms.value));
  }

  async resetToDraft(
    path: SequencePath,
  ): Promise<
    Result<void, PathNotFoundError | PathIsNotSequenceError | InvalidStateTransitionError>
  > {
    return this.#result(await this.#write('resetToDraft', path.toString()));
  }

  async getError(
    path: SequencePath,
  ): Promise<
    Result<ErrorSummary, PathNotFoundError | PathIsNotSequenceError | SequenceNotCrashedError>
  > {
    return this.#result(this.#db.getError(path.toString()), (text: string) =>
      decodeStoredErrorSummary(text, { sequence: path.toString() }),
    );
  }

  async getSnapshot(
    path: SequencePath,
  ): Promise<
    Result<
      { globals: JsonValue; deviceConfigurations: StoredDeviceConfiguration[] },
      PathNotFoundError | PathIsNotSequenceError | SequenceNotLaunchedError
    >
  > {
    const at = { sequence: path.toString() };
    return this.#result(
      this.#db.getSnapshot(path.toString()),
      (row: { globals: string; deviceConfigurations: string }) => ({
        globals: decodeStorageJson(row.globals, 'global parameters', at),
        deviceConfigurations: decodeStoredDeviceConfigurations(row.deviceConfigurations, at),
      }),
    );
  }

  // ---- shots -----------------------------------------------------------------------------------

  async createShot(path: SequencePath, shot: ShotInput): Promise<Result<void, ShotWriteError>> {
    const prepared = prepareShot(path, shot);
    if (!prepared.ok) return prepared;
    return this.#result(await this.#write('createShots', path.toString(), [prepared.value]));
  }

  async createShots(path: SequencePath, shots: ShotInput[]): Promise<Result<void, ShotWriteError>> {
    const prepared = prepareShots(path, shots);
    if (!prepared.ok) return prepared;
    const repeated = findRepeatedShotIndex(prepared.value);
    if (repeated !== undefined) return err(new DuplicateShotError(path, repeated));
    return this.#result(await this.#write('createShots', path.toString(), prepared.value));
  }

  async shotIndices(
    path: SequencePath,
  ): Promise<Result<number[], PathNotFoundError | PathIsNotSequenceError>> {
    return this.#result(this.#db.shotIndices(path.toString()));
  }

  async getShot(
    path: SequencePath,
    index: number,
  ): Promise<Result<ShotRecord, PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError>> {
    const at = { sequence: path.toString(), shot: index };
    return this.#result(
      this.#db.getShot(path.toString(), index),
      (row: {
        start_time: number;
        end_time: number;
        parameters: string;
        timing: string;
        labels: string[];
      }) => ({
        index,
        parameters: decodeStorageJsonObject(row.parameters, 'parameters', at),
        startTime: decodeStorageDate(row.start_time, 'shot start time', at),
        endTime: decodeStorageDate(row.end_time, 'shot end time', at),
        timing: decodeStorageJson(row.timing, 'timing', at),
        labels: row.labels.sort(),
      }),
    );
  }

  async getShotData(
    path: SequencePath,
    index: number,
    label: DataLabel,
  ): Promise<
    Result<
      DataValue,
      PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError | DataNotFoundError
    >
  > {
    return this.#result(this.#db.getShotData(path.toString(), index, label), (row: DataRow) =>
      decodeDataRow(path, index, row),
    );
  }

  async getAllShotData(
    path: SequencePath,
    index: number,
  ): Promise<
    Result<
      Record<DataLabel, DataValue>,
      PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError
    >
  > {
    return this.#result(this.#db.getAllShotData(path.toString(), index), (rows: DataRow[]) => {
      const data: Record<DataLabel, DataValue> = {};
      for (const row of rows.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))) {
        data[row.label] = decodeDataRow(path, index, row);
      }
      return data;
    });
  }

  async readShotTable(
    path: SequencePath,
    query?: ShotTableQuery,
  ): Promise<Result<ShotTable, PathNotFoundError | PathIsNotSequenceError>> {
    const builder = new ShotTableBuilder(path, query);
    const outcome = this.#db.shotTableRows(path.toString(), builder.labels ?? null);
    if (!outcome.ok) return this.#result(outcome);
    for (const [index, start, end, parameters] of outcome.value.shots) {
      builder.addShot(index, start, end, parameters);
    }
    for (const [index, label, content] of outcome.value.data)
      builder.addData(index, label, content);
    return ok(builder.build());
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  async getGlobals(): Promise<JsonValue> {
    const stored = this.#db.getSetting('globals');
    return stored === undefined ? [] : decodeStorageJson(stored, 'global parameters');
  }

  async setGlobals(globals: JsonValue): Promise<Result<void, InvalidStorageDataError>> {
    const encoded = encodeStorageJson(globals, 'global parameters');
    if (!encoded.ok) return encoded;
    return this.#result(await this.#write('setSetting', 'globals', encoded.value));
  }

  async listDeviceConfigurations(): Promise<StoredDeviceConfiguration[]> {
    return this.#db
      .listDevices()
      .map((row) => decodeDevice(row))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getDeviceConfiguration(
    name: string,
  ): Promise<Result<StoredDeviceConfiguration, DeviceConfigurationNotFoundError>> {
    return this.#result(this.#db.getDevice(name), decodeDevice);
  }

  async setDeviceConfiguration(
    configuration: StoredDeviceConfiguration,
  ): Promise<Result<void, InvalidStorageDataError>> {
    const encoded = encodeDeviceConfiguration(configuration);
    if (!encoded.ok) return encoded;
    const { name, type, configuration: content } = encoded.value;
    return this.#result(await this.#write('setDevice', name, type, content));
  }

  async deleteDeviceConfiguration(
    name: string,
  ): Promise<Result<void, DeviceConfigurationNotFoundError>> {
    return this.#result(await this.#write('deleteDevice', name));
  }
}

function decodeDataRow(path: SequencePath, index: number, row: DataRow): DataValue {
  const location = { sequence: path.toString(), shot: index, label: row.label };
  if ('content' in row) return decodeStorageJson(row.content, `data "${row.label}"`, location);
  return decodeStoredArray(row.dtype, row.shape, row.bytes, location);
}

function decodeDevice(row: {
  name: string;
  type: string;
  content: string;
}): StoredDeviceConfiguration {
  return {
    name: row.name,
    type: row.type,
    configuration: decodeStorageJson(row.content, 'device configuration', { device: row.name }),
  };
}
