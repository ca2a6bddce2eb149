import { dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import {
  ContractViolationError,
  EncodedSessionStorage,
  type SessionStorage,
  storageStatePolicy,
} from '@shotline/core';
import type { CheckpointStats } from './internal/checkpoint-signals.js';
import { DEFAULT_CHECKPOINT_POLICY } from './internal/checkpointer.js';
import {
  type IntegrityProblem,
  type IntegrityReport,
  checkIntegrity,
} from './internal/chunks/check-integrity.js';
import { type ChunkGarbageReport, collectChunkGarbage } from './internal/chunks/chunk-garbage.js';
import { type ChunkSettings, chunkDirectoryOf } from './internal/chunks/chunk-layout.js';
import { ChunkReader } from './internal/chunks/chunk-reader.js';
import { ChunkWriter } from './internal/chunks/chunk-writer.js';
import {
  type ConnectionSettings,
  type SqliteDurability,
  openConnection,
} from './internal/connection.js';
import { DiskReserve } from './internal/disk-reserve.js';
import {
  type SchemaMigrationReport,
  migrateSchema,
  removeAbandonedBackups,
} from './internal/migrate-schema.js';
import { OsResourceLocks } from './internal/os-resource-locks.js';
import { SCHEMA_VERSION } from './internal/schema.js';
import { SessionDatabase } from './internal/session-database.js';
import { SqliteBackend, type SqliteBackendParts } from './internal/sqlite-backend.js';
import { sqliteStorageError } from './internal/sqlite-errors.js';
import { WriterClient } from './internal/writer-client.js';

export type {
  SqliteDurability,
  SchemaMigrationReport,
  CheckpointStats,
  ChunkGarbageReport,
  IntegrityProblem,
  IntegrityReport,
};

/** Default of {@link SqliteArrayChunkOptions.minBytes}: arrays of 64 KiB or more go to chunk files. */
export const DEFAULT_CHUNK_MIN_BYTES = 64 * 1024;

/**
 * Where large arrays go: append-only chunk files in the folder `<file>-chunks/` beside the database.
 * Each array's bytes are written once, to a chunk file, and flushed before the shot's row commits;
 * the row keeps dtype, shape, file, offset and a CRC-32.
 */
export interface SqliteArrayChunkOptions {
  /** Arrays of at least this many bytes go to chunk files. Default 65 536 (64 KiB). */
  minBytes?: number;
  /** A chunk file grows to at most about this size (MiB) before the next one starts. Default 1024. */
  maxFileMiB?: number;
}

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
   * Where writes run. `worker` (default): a worker thread owns the write connection, so commits and
   * fsyncs never block the main thread, and a second worker copies the WAL into the database
   * (checkpoints) while the writer goes on; shot writes that queue up are committed together.
   * `inline`: on the calling thread (simplest; blocks the event loop for every write, and every
   * 1000 pages of WAL a commit also runs a checkpoint). An in-memory database (`:memory:`) is
   * always inline.
   */
  writer?: 'worker' | 'inline';
  /**
   * With the writer worker: the size (MiB) at which the WAL file holds the writer back until the
   * checkpointer has copied it all into the database, after which the WAL starts again from its
   * beginning. It bounds the disk space of the WAL and sets how large a burst of writes runs at
   * full speed. Default 1024.
   */
  walLimitMiB?: number;
  /** How long a write waits for another connection's lock before failing (ms). Default 10 000. */
  busyTimeoutMs?: number;
  /**
   * Migrate a database with an older schema, after copying it to `<file>.bak-v<N>` (written under
   * a temporary name and renamed when complete). Default true; when false an older database is
   * refused with a StorageSchemaError.
   */
  migrate?: boolean;
  /**
   * Large arrays in chunk files beside the database (default, see {@link SqliteArrayChunkOptions}),
   * or `false` to keep every array inside the database file. Arrays already in chunk files are read
   * either way. An in-memory database keeps every array inside.
   */
  arrayChunks?: SqliteArrayChunkOptions | false;
  /**
   * Mark CRASHED, on opening, the sequences left PREPARING or RUNNING by a process that is gone
   * (killed, crashed): see `SessionStorage.recoverStaleRuns`. Default true.
   */
  recoverStaleRuns?: boolean;
}

function chunkSettings(
  path: string,
  options: SqliteArrayChunkOptions | false | undefined,
  durability: SqliteDurability,
): ChunkSettings | undefined {
  if (path === ':memory:' || options === false) return undefined;
  const minBytes = options?.minBytes ?? DEFAULT_CHUNK_MIN_BYTES;
  const maxFileMiB = options?.maxFileMiB ?? 1024;
  if (!(Number.isSafeInteger(minBytes) && minBytes >= 0)) {
    throw new ContractViolationError(
      `arrayChunks.minBytes must be a non-negative integer, got ${String(minBytes)}`,
    );
  }
  if (!(typeof maxFileMiB === 'number' && maxFileMiB > 0 && Number.isFinite(maxFileMiB))) {
    throw new ContractViolationError(
      `arrayChunks.maxFileMiB must be a positive number of MiB, got ${String(maxFileMiB)}`,
    );
  }
  return {
    directory: chunkDirectoryOf(path),
    minBytes,
    maxFileBytes: maxFileMiB * 2 ** 20,
    sync: durability !== 'off',
  };
}

/** The usual file of a lab's SQLite storage: `shotline.sqlite` next to the lab configuration file. */
export function defaultSqliteFile(labConfigFile: string): string {
  return join(dirname(resolve(labConfigFile)), 'shotline.sqlite');
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
  const walLimitMiB = options.walLimitMiB ?? DEFAULT_CHECKPOINT_POLICY.walLimitBytes / 2 ** 20;
  if (!(typeof walLimitMiB === 'number' && walLimitMiB > 0 && Number.isFinite(walLimitMiB))) {
    throw new ContractViolationError(
      `walLimitMiB must be a positive number of MiB, got ${String(walLimitMiB)}`,
    );
  }
  const path = file === ':memory:' ? file : resolve(file);
  const useWorker = (options.writer ?? 'worker') === 'worker' && path !== ':memory:';
  const chunks = chunkSettings(path, options.arrayChunks, settings.durability);
  let connection: Database.Database;
  let inlineChunks: ChunkWriter | undefined;
  try {
    connection = openConnection(path, settings);
  } catch (e) {
    throw sqliteStorageError(e, path);
  }
  try {
    if (path !== ':memory:') removeAbandonedBackups(path);
    const migration = migrateSchema(connection, path, options.migrate ?? true);
    const chunkDirectory = path === ':memory:' ? undefined : chunkDirectoryOf(path);
    const garbage =
      chunkDirectory === undefined
        ? { removedFiles: [], trimmedFiles: [] }
        : collectChunkGarbage(connection, chunkDirectory);
    const policy = storageStatePolicy();
    let writer: WriterClient | undefined;
    if (useWorker) {
      connection.pragma('query_only = ON');
      writer = await WriterClient.start({
        file: path,
        settings,
        policy,
        maxGroup: 64,
        checkpoints: { ...DEFAULT_CHECKPOINT_POLICY, walLimitBytes: walLimitMiB * 2 ** 20 },
        ...(chunks === undefined ? {} : { chunks }),
      });
    } else if (chunks !== undefined) {
      inlineChunks = new ChunkWriter(connection, chunks);
    }
    const reserve = path === ':memory:' ? undefined : new DiskReserve(path);
    reserve?.ensure();
    const reader = chunkDirectory === undefined ? undefined : new ChunkReader(chunkDirectory);
    const storage = new SqliteSessionStorage(
      {
        file: path,
        connection,
        database: new SessionDatabase(connection, policy, reader),
        writer,
        chunks: inlineChunks,
        locks: path === ':memory:' ? undefined : new OsResourceLocks(path),
        reserve,
      },
      migration,
      { durability: settings.durability, chunkDirectory, garbage },
    );
    if (options.recoverStaleRuns ?? true) await storage.recoverAtOpen();
    return storage;
  } catch (e) {
    inlineChunks?.close();
    connection.close();
    throw sqliteStorageError(e, path);
  }
}

/**
 * The embedded {@link SessionStorage}: one SQLite file (better-sqlite3, WAL). Reads run on the calling
 * thread through their own connection and see every committed write; writes run in a worker thread
 * (or inline, see {@link SqliteStorageOptions.writer}), each in one transaction. Open it with
 * {@link openSqliteStorage}.
 */
export class SqliteSessionStorage extends EncodedSessionStorage implements SessionStorage {
  /** Schema version of the file (always {@link SQLITE_SCHEMA_VERSION} once open). */
  readonly schemaVersion: number = SCHEMA_VERSION;
  /** What opening did to the schema (created, migrated from an older version with its backup...). */
  readonly migration: SchemaMigrationReport;
  /** The durability setting of the connections. */
  readonly durability: SqliteDurability;
  /** The folder of the chunk files (`<file>-chunks`); undefined for an in-memory database. */
  readonly chunkDirectory: string | undefined;
  /** What opening cleaned up in the chunk folder (bytes and files a stopped process left). */
  readonly chunkGarbage: ChunkGarbageReport;
  readonly #writer: WriterClient | undefined;
  readonly #connection: Database.Database;

  /** Use {@link openSqliteStorage}. */
  constructor(
    parts: SqliteBackendParts,
    migration: SchemaMigrationReport,
    setup: {
      durability: SqliteDurability;
      chunkDirectory: string | undefined;
      garbage: ChunkGarbageReport;
    },
  ) {
    super('sqlite', parts.file, new SqliteBackend(parts), `SQLite storage "${parts.file}"`);
    this.#writer = parts.writer;
    this.#connection = parts.connection;
    this.migration = migration;
    this.durability = setup.durability;
    this.chunkDirectory = setup.chunkDirectory;
    this.chunkGarbage = setup.garbage;
  }

  /**
   * Checks the whole storage (`shotline storage check`): SQLite's integrity and foreign-key checks,
   * and every array: byte count against dtype and shape and, in chunk files, presence, length and
   * CRC-32. Each problem names the sequence, shot and label. Reads only; committed writes of other
   * processes that land meanwhile may or may not be seen.
   */
  async checkIntegrity(
    options: { onProgress?: (done: number, total: number) => void } = {},
  ): Promise<IntegrityReport> {
    void this.backend; // throws once closed
    return checkIntegrity(this.#connection, this.chunkDirectory, options.onProgress);
  }

  /** Whether writes run in a worker thread. */
  get usesWriterWorker(): boolean {
    return this.#writer !== undefined;
  }

  /**
   * What the background checkpointing of the writer worker did since the storage opened: how many
   * checkpoints, how long they took, and how often and how long the writer waited for room in the
   * WAL. Undefined with an inline writer, where SQLite checkpoints inside commits.
   */
  async checkpointStats(): Promise<CheckpointStats | undefined> {
    void this.backend; // throws once closed
    return this.#writer?.checkpointStats();
  }
}
