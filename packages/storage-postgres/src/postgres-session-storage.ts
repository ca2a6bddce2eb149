import pg from 'pg';
import {
  ConnectionFailedError,
  ContractViolationError,
  EncodedSessionStorage,
  type SessionStorage,
  StorageSchemaError,
} from '@shotline/core';
import { checkSchemaName, describeConnection } from './internal/connection-url.js';
import { type PostgresMigrationReport, migrateSchema } from './internal/migrate-schema.js';
import { PostgresBackend } from './internal/postgres-backend.js';
import { type ConnectionPolicy, guardClient } from './internal/transaction.js';
import { SCHEMA_VERSION } from './internal/schema.js';

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
  /**
   * How long an operation keeps retrying (with back-off) when the database cannot be reached: a
   * server restart, a network cut. Then it fails with a StorageUnavailableError. Default 30 000 ms.
   * A run whose shots cannot be stored within it ends CRASHED, recorded when the database is back.
   */
  reconnectWindowMs?: number;
  /**
   * Mark CRASHED, on opening, the sequences left PREPARING or RUNNING by a process that is gone (a
   * process of this machine that died, or any holder whose lease expired): see
   * `SessionStorage.recoverStaleRuns`. Default true.
   */
  recoverStaleRuns?: boolean;
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
  // new one. Without a listener the 'error' event would crash the process. Every client gets one
  // of its own too: a checked-out client has no pool listener, and pg reports a lost connection on
  // it even while a query is pending.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => guardClient(client));
  const reconnectWindowMs = options.reconnectWindowMs ?? 30_000;
  if (!(reconnectWindowMs >= 0) || !Number.isFinite(reconnectWindowMs)) {
    await pool.end();
    throw new ContractViolationError(
      `reconnectWindowMs must be a number of milliseconds >= 0, got ${String(reconnectWindowMs)}`,
    );
  }
  try {
    const migration = await migrateSchema(pool, schema, location, options.migrate ?? true);
    const storage = new PostgresSessionStorage(pool, schema, location, migration, {
      reconnectWindowMs,
      location,
    });
    if (options.recoverStaleRuns ?? true) await storage.recoverAtOpen();
    return storage;
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

/**
 * The shared-lab {@link SessionStorage} on PostgreSQL (`pg` pool). Every method is one transaction:
 * SERIALIZABLE for writes, retried on conflicts, so concurrent managers on several PCs never both
 * start a sequence or store the same shot; REPEATABLE READ READ ONLY for reads. A lost connection
 * is retried for `reconnectWindowMs` without storing a shot twice. Resource locks are lease rows,
 * renewed by their holder. Open it with {@link openPostgresStorage}.
 */
export class PostgresSessionStorage extends EncodedSessionStorage implements SessionStorage {
  /** The PostgreSQL schema holding the tables. */
  readonly schema: string;
  /** Schema version (always {@link POSTGRES_SCHEMA_VERSION} once open). */
  readonly schemaVersion: number = SCHEMA_VERSION;
  /** What opening did to the schema. */
  readonly migration: PostgresMigrationReport;

  /**
   * Use {@link openPostgresStorage}. `location` is `postgres://user@host:port/database#schema=...`,
   * never the password.
   */
  constructor(
    pool: pg.Pool,
    schema: string,
    location: string,
    migration: PostgresMigrationReport,
    policy: ConnectionPolicy,
  ) {
    super(
      'postgres',
      location,
      new PostgresBackend(pool, policy),
      `PostgreSQL storage ${location}`,
    );
    this.schema = schema;
    this.migration = migration;
  }
}
