import pg, { type PoolClient } from 'pg';
import {
  ConnectionFailedError,
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
  StorageSchemaError,
  type StorageOutcome,
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
  ok,
  prepareShot,
  prepareShots,
  sortStoragePaths,
  storageFailureToError,
} from '@shotline/core';
import { checkSchemaName, describeConnection } from './internal/connection-url.js';
import { type PostgresMigrationReport, migrateSchema } from './internal/migrate-schema.js';
import { SCHEMA_VERSION } from './internal/schema.js';
import { type DataRow, type SequenceRow, SessionQueries } from './internal/session-queries.js';
import { type TransactionMode, transaction } from './internal/transaction.js';

export type { PostgresMigrationReport };

/** The schema version this build of `@shotline/storage-postgres` reads and writes. */
export const POSTGRES_SCHEMA_VERSION: number = SCHEMA_VERSION;

/** Options of {@link openPostgresStorage}. */
export interface PostgresStorageOptions {
  /**
   * The PostgreSQL schema (namespace) holding shotline's tables, created if missing. Default
   * `public`. Several labs, or test runs, can share one database with one schema each.
   */
  schema?: string;
  /** Most connections the pool opens. Default 10. */
  maxConnections?: number;
  /** How long to wait for a connection (ms). Default 10 000. */
  connectionTimeoutMs?: number;
  /**
   * Migrate a schema with an older version (in one transaction). Default true; when false an older
   * schema is refused with a StorageSchemaError. Back the database up with `pg_dump` first.
   */
  migrate?: boolean;
}

const JSON_OIDS = new Set([114, 3802]);
const INT8_OID = 20;

/**
 * Type parsers of shotline's pools: JSON stays text (parsed by core's decoders, which report
 * corrupted content), bigint ids and counts become numbers.
 */
const types = {
  getTypeParser(oid: number, format: 'text' | 'binary' = 'text'): (value: never) => unknown {
    if (JSON_OIDS.has(oid)) return (value: string | Buffer) => value.toString();
    if (oid === INT8_OID && format === 'text') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format) as (value: never) => unknown;
  },
};

/**
 * Connects to PostgreSQL and returns the shared-lab {@link SessionStorage}. The schema is created or
 * migrated on the way (see {@link PostgresStorageOptions.migrate}); a newer schema is refused with a
 * StorageSchemaError naming both versions. The password of `url` is used to connect and never
 * appears in `location`, in messages or in logs.
 */
export async function openPostgresStorage(
  url: string,
  options: PostgresStorageOptions = {},
): Promise<PostgresSessionStorage> {
  const schema = checkSchemaName(options.schema ?? 'public');
  const location = describeConnection(url, schema);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    options: `-c search_path=${schema}`,
    application_name: 'shotline',
    types,
  });
  // An idle connection that breaks (server restart) is dropped by the pool; the next query opens a
  // new one. Without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  try {
    const migration = await migrateSchema(pool, schema, location, options.migrate ?? true);
    return new PostgresSessionStorage(pool, schema, location, migration);
  } catch (e) {
    await pool.end();
    if (e instanceof StorageSchemaError) throw e;
    const password = safePassword(url);
    const detail = (e as Error).message ?? String(e);
    throw new ConnectionFailedError(
      `cannot open the PostgreSQL storage at ${location}: ${password ? detail.split(password).join('***') : detail}`,
      { location: { resource: location } },
    );
  }
}

function safePassword(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password.length > 0 ? password : undefined;
  } catch {
    return undefined;
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
 * The shared-lab {@link SessionStorage} on PostgreSQL (`pg` pool). Every method is one transaction:
 * SERIALIZABLE for writes, retried on conflicts, so concurrent managers on several PCs never both
 * start a sequence or store the same shot; REPEATABLE READ READ ONLY for reads. Open it with
 * {@link openPostgresStorage}.
 */
export class PostgresSessionStorage implements SessionStorage {
  readonly kind = 'postgres';
  /** `postgres://user@host:port/database#schema=...`, never the password. */
  readonly location: string;
  /** The PostgreSQL schema holding the tables. */
  readonly schema: string;
  /** Schema version (always {@link POSTGRES_SCHEMA_VERSION} once open). */
  readonly schemaVersion: number = SCHEMA_VERSION;
  /** What opening did to the schema. */
  readonly migration: PostgresMigrationReport;
  readonly #pool: pg.Pool;
  #closing: Promise<void> | undefined;

  /** Use {@link openPostgresStorage}. */
  constructor(pool: pg.Pool, schema: string, location: string, migration: PostgresMigrationReport) {
    this.#pool = pool;
    this.schema = schema;
    this.location = location;
    this.migration = migration;
  }

  async close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }

  #run<T extends { ok: boolean }>(
    mode: TransactionMode,
    fn: (queries: SessionQueries, client: PoolClient) => Promise<T>,
  ): Promise<T> {
    if (this.#closing) {
      throw new ContractViolationError(`the PostgreSQL storage ${this.location} is closed`);
    }
    return transaction(this.#pool, mode, (client) => fn(new SessionQueries(client), client));
  }

  async #read<T>(fn: (queries: SessionQueries) => Promise<T>): Promise<T> {
    return (await this.#run('read', async (q) => ({ ok: true, value: await fn(q) }))).value;
  }

  #result<T, E extends Error>(
    outcome: StorageOutcome<unknown>,
    value?: (v: never) => T,
  ): Result<T, E> {
    if (!outcome.ok) return err(storageFailureToError(outcome.failure) as unknown as E);
    return ok(value ? value(outcome.value as never) : (outcome.value as T));
  }

  // ---- path tree -------------------------------------------------------------------------------

  async pathExists(path: SequencePath): Promise<boolean> {
    return this.#read((q) => q.pathExists(path));
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
      await this.#run('write', (q) => q.createPath(path, new Date(createdAt.value))),
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
      await this.#run('write', (q) => q.deletePath(path, options.deleteSequences === true)),
    );
  }

  async children(
    path: SequencePath,
  ): Promise<Result<SequencePath[], PathNotFoundError | PathIsSequenceError>> {
    return this.#result(await this.#run('read', (q) => q.children(path)), (paths: string[]) =>
      sortStoragePaths(paths.map((p) => SequencePath.parse(p))),
    );
  }

  async creationDate(
    path: SequencePath,
  ): Promise<Result<Date, PathNotFoundError | PathIsRootError>> {
    return this.#result(await this.#run('read', (q) => q.creationDate(path)), (date: Date) =>
      decodeStorageDate(date, 'creation date', { path: path.toString() }),
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
      await this.#run('write', (q) => q.movePath(source, destination, new Date())),
    );
  }

  async isSequence(path: SequencePath): Promise<Result<boolean, PathNotFoundError>> {
    return this.#result(await this.#run('read', (q) => q.isSequence(path)));
  }

  async sequencesUnder(path: SequencePath): Promise<Result<SequencePath[], PathNotFoundError>> {
    return this.#result(await this.#run('read', (q) => q.sequencesUnder(path)), (paths: string[]) =>
      sortStoragePaths(paths.map((p) => SequencePath.parse(p))),
    );
  }

  async sequencesInState(state: SequenceState): Promise<SequencePath[]> {
    const paths = await this.#read((q) => q.sequencesInState(state));
    return sortStoragePaths(paths.map((p) => SequencePath.parse(p)));
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
      await this.#run('write', (q) =>
        q.createSequence(path, encoded.value, new Date(createdAt.value)),
      ),
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
      await this.#run('write', (q) =>
        q.duplicateSequence(source, destination, new Date(createdAt.value)),
      ),
    );
  }

  async getSequence(
    path: SequencePath,
  ): Promise<Result<SequenceRecord, PathNotFoundError | PathIsNotSequenceError>> {
    const at = { sequence: path.toString() };
    return this.#result(
      await this.#run('read', (q) => q.getSequence(path)),
      (row: SequenceRow): SequenceRecord => ({
        path,
        createdAt: decodeStorageDate(row.created_at, 'creation date', at),
        ...decodeStats(row, at),
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
      }),
    );
  }

  async getStats(
    path: SequencePath,
  ): Promise<Result<SequenceStats, PathNotFoundError | PathIsNotSequenceError>> {
    return this.#result(await this.#run('read', (q) => q.getStats(path)), (row: SequenceRow) =>
      decodeStats(row, { sequence: path.toString() }),
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
      await this.#run('write', (q) =>
        q.setIteration(path, encoded.value.iteration, encoded.value.expectedShots),
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
    return this.#result(await this.#run('write', (q) => q.setTimeLanes(path, encoded.value)));
  }

  async setPreparing(
    path: SequencePath,
    snapshot: PreparingSnapshot,
  ): Promise<Result<void, TransitionError>> {
    const encoded = encodePreparingSnapshot(path, snapshot);
    if (!encoded.ok) return encoded;
    return this.#result(await this.#run('write', (q) => q.setPreparing(path, encoded.value)));
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
    return this.#result(await this.#run('write', (q) => q[op](path, new Date(ms.value))));
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
    return this.#result(
      await this.#run('write', (q) => q.setCrashed(path, summary.value, new Date(ms.value))),
    );
  }

  async resetToDraft(
    path: SequencePath,
  ): Promise<
    Result<void, PathNotFoundError | PathIsNotSequenceError | InvalidStateTransitionError>
  > {
    return this.#result(await this.#run('write', (q) => q.resetToDraft(path)));
  }

  async getError(
    path: SequencePath,
  ): Promise<
    Result<ErrorSummary, PathNotFoundError | PathIsNotSequenceError | SequenceNotCrashedError>
  > {
    return this.#result(await this.#run('read', (q) => q.getError(path)), (text: string) =>
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
      await this.#run('read', (q) => q.getSnapshot(path)),
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
    return this.#result(await this.#run('shots', (q) => q.createShots(path, [prepared.value])));
  }

  async createShots(path: SequencePath, shots: ShotInput[]): Promise<Result<void, ShotWriteError>> {
    const prepared = prepareShots(path, shots);
    if (!prepared.ok) return prepared;
    const repeated = findRepeatedShotIndex(prepared.value);
    if (repeated !== undefined) return err(new DuplicateShotError(path, repeated));
    return this.#result(await this.#run('shots', (q) => q.createShots(path, prepared.value)));
  }

  async shotIndices(
    path: SequencePath,
  ): Promise<Result<number[], PathNotFoundError | PathIsNotSequenceError>> {
    return this.#result(await this.#run('read', (q) => q.shotIndices(path)));
  }

  async getShot(
    path: SequencePath,
    index: number,
  ): Promise<Result<ShotRecord, PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError>> {
    const at = { sequence: path.toString(), shot: index };
    return this.#result(
      await this.#run('read', (q) => q.getShot(path, index)),
      (row: {
        start_time: Date;
        end_time: Date;
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
    return this.#result(
      await this.#run('read', (q) => q.getShotData(path, index, label)),
      (row: DataRow) => decodeDataRow(path, index, row),
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
    return this.#result(
      await this.#run('read', (q) => q.getAllShotData(path, index)),
      (rows: DataRow[]) => {
        const data: Record<DataLabel, DataValue> = {};
        rows.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
        for (const row of rows) data[row.label] = decodeDataRow(path, index, row);
        return data;
      },
    );
  }

  async readShotTable(
    path: SequencePath,
    query?: ShotTableQuery,
  ): Promise<Result<ShotTable, PathNotFoundError | PathIsNotSequenceError>> {
    const builder = new ShotTableBuilder(path, query);
    const outcome = await this.#run('read', (q) => q.shotTableRows(path, builder.labels ?? null));
    if (!outcome.ok) return this.#result(outcome);
    for (const [index, start, end, parameters] of outcome.value.shots) {
      builder.addShot(Number(index), start as number, end as number, parameters as string);
    }
    for (const [index, label, content] of outcome.value.data) {
      builder.addData(Number(index), label as string, content as string);
    }
    return ok(builder.build());
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  async getGlobals(): Promise<JsonValue> {
    const stored = await this.#read((q) => q.getSetting('globals'));
    return stored === undefined ? [] : decodeStorageJson(stored, 'global parameters');
  }

  async setGlobals(globals: JsonValue): Promise<Result<void, InvalidStorageDataError>> {
    const encoded = encodeStorageJson(globals, 'global parameters');
    if (!encoded.ok) return encoded;
    return this.#result(await this.#run('write', (q) => q.setSetting('globals', encoded.value)));
  }

  async listDeviceConfigurations(): Promise<StoredDeviceConfiguration[]> {
    const rows = await this.#read((q) => q.listDevices());
    return rows.map(decodeDevice).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getDeviceConfiguration(
    name: string,
  ): Promise<Result<StoredDeviceConfiguration, DeviceConfigurationNotFoundError>> {
    return this.#result(await this.#run('read', (q) => q.getDevice(name)), decodeDevice);
  }

  async setDeviceConfiguration(
    configuration: StoredDeviceConfiguration,
  ): Promise<Result<void, InvalidStorageDataError>> {
    const encoded = encodeDeviceConfiguration(configuration);
    if (!encoded.ok) return encoded;
    const { name, type, configuration: content } = encoded.value;
    return this.#result(await this.#run('write', (q) => q.setDevice(name, type, content)));
  }

  async deleteDeviceConfiguration(
    name: string,
  ): Promise<Result<void, DeviceConfigurationNotFoundError>> {
    return this.#result(await this.#run('write', (q) => q.deleteDevice(name)));
  }
}

function decodeStats(row: SequenceRow, at: { sequence: string }): SequenceStats {
  return {
    state: decodeStoredState(row.state, at),
    completedShots: row.completed,
    expectedShots: row.expected_shots,
    startTime: decodeStorageDate(row.start_time, 'start time', at, true),
    stopTime: decodeStorageDate(row.stop_time, 'stop time', at, true),
  };
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
