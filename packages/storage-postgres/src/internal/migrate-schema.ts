import type { Pool } from 'pg';
import { StorageSchemaError } from '@shotline/core';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

/** What opening did to the schema. */
export interface PostgresMigrationReport {
  /** Version found (0 for an empty schema). */
  from: number;
  /** Version now. */
  to: number;
}

/**
 * Brings the storage's PostgreSQL schema to {@link SCHEMA_VERSION} in one transaction, under an
 * advisory lock keyed by the schema name, so two lab PCs starting together neither race nor migrate
 * twice: the second waits, then finds the schema current. A newer schema, or a schema holding tables
 * but no shotline version, is refused with a {@link StorageSchemaError}.
 */
export async function migrateSchema(
  pool: Pool,
  schema: string,
  location: string,
  allowMigration: boolean,
): Promise<PostgresMigrationReport> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`shotline schema ${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const tables = await client.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    const names = new Set(tables.rows.map((r) => r.table_name));
    let version = 0;
    if (names.has('shotline_schema_version')) {
      const row = await client.query<{ version: number }>(
        `SELECT version FROM "${schema}".shotline_schema_version`,
      );
      version = row.rows[0]?.version ?? 0;
    } else if (names.has('paths') || names.has('sequences') || names.has('shots')) {
      throw new StorageSchemaError(
        `schema "${schema}" of ${location} holds tables but is not a shotline database (no shotline_schema_version table)`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new StorageSchemaError(
        `${location} has schema version ${version}, newer than version ${SCHEMA_VERSION} that this @shotline/storage-postgres supports: upgrade shotline to open it`,
      );
    }
    if (version > 0 && version < SCHEMA_VERSION && !allowMigration) {
      throw new StorageSchemaError(
        `${location} has schema version ${version}, older than version ${SCHEMA_VERSION}: open it with migrate: true to upgrade it (back it up with pg_dump first)`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      await client.query(migration.sql);
      await client.query(
        `UPDATE "${schema}".shotline_schema_version SET version = $1, updated_at = now()`,
        [migration.version],
      );
    }
    await client.query('COMMIT');
    return { from: version, to: SCHEMA_VERSION };
  } catch (e) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw e;
  } finally {
    client.release(broken);
  }
}
