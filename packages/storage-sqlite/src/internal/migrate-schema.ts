import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { StorageSchemaError, processExists } from '@shotline/core';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema.js';

/** What opening did to the schema. */
export interface SchemaMigrationReport {
  /** Version found (0 for a new file). */
  from: number;
  /** Version now. */
  to: number;
  /** Copy of the database taken before migrating an older one, if any. */
  backup: string | null;
}

function backupFileFor(file: string, version: number): string {
  const plain = `${file}.bak-v${version}`;
  if (!existsSync(plain)) return plain;
  return `${file}.bak-v${version}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/** `<backup>.partial-<pid>`: where a backup is written before it gets its name. */
const PARTIAL = /^(.*\.bak-v\d+.*)\.partial-(\d+)(-journal|-wal|-shm)?$/;

/**
 * Removes the partial backups left by a process that was killed while writing one (its pid is
 * gone); a partial backup of a live process (migrating the same file right now) is left alone.
 */
export function removeAbandonedBackups(file: string): string[] {
  const dir = dirname(file);
  const prefix = `${basename(file)}.bak-v`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = PARTIAL.exec(name);
    if (!match || processExists(Number(match[2]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

/**
 * Copies the database to `<file>.bak-v<N>` (or a name with a timestamp if that exists): written
 * under a temporary name first (`.partial-<pid>`) and renamed once complete, so a backup with its
 * final name is always whole, whatever kills the process meanwhile.
 */
function backUp(db: Database.Database, file: string, version: number): string {
  const backup = backupFileFor(file, version);
  const partial = `${backup}.partial-${process.pid}`;
  try {
    db.prepare('VACUUM INTO ?').run(partial);
    renameSync(partial, backup);
  } catch (e) {
    for (const suffix of ['', '-journal']) rmSync(`${partial}${suffix}`, { force: true });
    throw e;
  }
  return backup;
}

/**
 * Brings a database to {@link SCHEMA_VERSION}: creates the tables in a new file, migrates an older
 * shotline database after a `VACUUM INTO` backup (`<file>.bak-v<N>`, written under a temporary name
 * and renamed when complete), and refuses a newer one or a
 * file that is not a shotline database with a {@link StorageSchemaError}. The migration runs in one
 * `BEGIN IMMEDIATE` transaction that re-reads the version, so two processes opening the same old file
 * migrate it once.
 */
export function migrateSchema(
  db: Database.Database,
  file: string,
  allowMigration: boolean,
): SchemaMigrationReport {
  const location = { file };
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = db
    .prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")
    .pluck()
    .get() as number;
  if (applicationId !== APPLICATION_ID && (applicationId !== 0 || tables > 0)) {
    throw new StorageSchemaError(
      `"${file}" is not a shotline database (application_id ${applicationId}, ${tables} tables)`,
      { location },
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new StorageSchemaError(
      `"${file}" has schema version ${version}, newer than version ${SCHEMA_VERSION} that this @shotline/storage-sqlite supports: upgrade shotline to open it`,
      { location },
    );
  }
  if (version === SCHEMA_VERSION) return { from: version, to: version, backup: null };
  if (version > 0 && !allowMigration) {
    throw new StorageSchemaError(
      `"${file}" has schema version ${version}, older than version ${SCHEMA_VERSION}: open it with migrate: true to upgrade it (a backup copy is made first)`,
      { location },
    );
  }
  let backup: string | null = null;
  if (version > 0 && file !== ':memory:') backup = backUp(db, file, version);
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
  return { from: version, to: SCHEMA_VERSION, backup };
}
