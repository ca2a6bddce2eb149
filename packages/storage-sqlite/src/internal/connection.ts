import Database from 'better-sqlite3';

/** How hard SQLite works to keep committed transactions across power loss (`PRAGMA synchronous`). */
export type SqliteDurability = 'off' | 'normal' | 'full';

/** Settings every connection of one storage shares. */
export interface ConnectionSettings {
  durability: SqliteDurability;
  busyTimeoutMs: number;
}

/**
 * What a connection is for:
 * - `reader`: the main thread's connection, which also writes when the storage has no writer worker
 *   (SQLite then checkpoints on its own, every 1000 pages of WAL, inside the committing write);
 * - `writer`: the writer worker's connection, which never checkpoints (`wal_autocheckpoint = 0`):
 *   the checkpointer does;
 * - `checkpointer`: the checkpointer worker's connection, which only copies the WAL into the
 *   database; its `synchronous` setting is the storage's durability, because a checkpoint syncs (or
 *   not) with the settings of the connection that runs it.
 */
export type ConnectionRole = 'reader' | 'writer' | 'checkpointer';

/** Page size of new databases: 64 KiB pages keep 0.5 MiB images to 9 overflow pages. */
export const NEW_DATABASE_PAGE_SIZE = 65536;

/**
 * Size up to which a WAL file is kept after the WAL restarts (`journal_size_limit`); a larger file is
 * truncated to it by the first commit after the restart.
 */
export const JOURNAL_SIZE_LIMIT = 64 * 2 ** 20;

/**
 * Opens a connection with shotline's settings: WAL, foreign keys, busy timeout, durability, and the
 * checkpoint behaviour of its role. Used by the main thread and by the writer and checkpointer
 * workers.
 */
export function openConnection(
  file: string,
  settings: ConnectionSettings,
  role: ConnectionRole = 'reader',
): Database.Database {
  const db = new Database(file, { timeout: settings.busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(settings.busyTimeoutMs))}`);
    db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
    if (mode.toLowerCase() !== 'wal' && file !== ':memory:') {
      throw new Error(`SQLite could not switch "${file}" to WAL mode (it is in ${mode} mode)`);
    }
    db.pragma(`synchronous = ${settings.durability.toUpperCase()}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    if (role === 'writer') {
      db.pragma('wal_autocheckpoint = 0');
      // Room for a whole group commit of images without spilling pages before the commit.
      db.pragma('cache_size = -65536');
    } else {
      db.pragma('cache_size = -32768');
    }
    if (role === 'checkpointer') {
      db.pragma('wal_autocheckpoint = 0');
      // Never wait for a lock: a checkpoint that would have to wait is simply tried again later.
      db.pragma('busy_timeout = 0');
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
