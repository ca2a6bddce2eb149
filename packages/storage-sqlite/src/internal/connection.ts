import Database from 'better-sqlite3';

/** How hard SQLite works to keep committed transactions across power loss (`PRAGMA synchronous`). */
export type SqliteDurability = 'off' | 'normal' | 'full';

/** Settings every connection of one storage shares. */
export interface ConnectionSettings {
  durability: SqliteDurability;
  busyTimeoutMs: number;
}

/** Page size of new databases: 64 KiB pages keep 0.5 MiB images to 9 overflow pages. */
export const NEW_DATABASE_PAGE_SIZE = 65536;

/**
 * Opens a connection with shotline's settings: WAL, foreign keys, busy timeout, durability. Used by
 * the main thread and by the writer worker.
 */
export function openConnection(file: string, settings: ConnectionSettings): Database.Database {
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
    db.pragma('cache_size = -32768');
    db.pragma('journal_size_limit = 67108864');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
