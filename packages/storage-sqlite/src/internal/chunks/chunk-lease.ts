import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LEASE_FILE_SUFFIX, newChunkSession } from './chunk-layout.js';

// A writer session's lease: a tiny SQLite file `<session>.lease` in the chunk folder, held with an
// exclusive lock (`locking_mode = EXCLUSIVE` after a write) for as long as the session lives. The lock
// is an fcntl lock, which the operating system releases when the process ends in any way (SIGKILL,
// power cut), and which SQLite also honours between connections of one process. Another process
// learns whether a session is alive by trying to read the lease: SQLITE_BUSY means alive.
//
// The lease is locked under a temporary name and only then renamed into place, so a lease file under
// its final name is always either locked by a live session or left by a dead one.

/** The lease file of a session. */
export function leaseFileOf(directory: string, session: string): string {
  return join(directory, `${session}${LEASE_FILE_SUFFIX}`);
}

/** A lease held by this process; {@link release} when the session ends. */
export class ChunkLease {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    /** The session this lease belongs to. */
    readonly session: string,
  ) {}

  /** Takes the lease of a new session in `directory` (which must exist). */
  static acquire(directory: string): ChunkLease {
    for (let attempt = 1; ; attempt++) {
      try {
        return ChunkLease.tryAcquire(directory, newChunkSession());
      } catch (e) {
        // Another process's clean-up removed the temporary file before it was locked: try again.
        if ((e as { code?: string }).code !== 'ENOENT' || attempt === 3) throw e;
      }
    }
  }

  private static tryAcquire(directory: string, session: string): ChunkLease {
    const file = leaseFileOf(directory, session);
    const temporary = `${file}.tmp`;
    const db = new Database(temporary);
    try {
      db.pragma('journal_mode = MEMORY');
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('CREATE TABLE lease (pid INTEGER NOT NULL)');
      db.prepare('INSERT INTO lease (pid) VALUES (?)').run(process.pid);
      renameSync(temporary, file);
      return new ChunkLease(db, file, session);
    } catch (e) {
      db.close();
      rmSync(temporary, { force: true });
      throw e;
    }
  }

  /** Releases the lock and removes the lease file. */
  release(): void {
    rmSync(this.file, { force: true });
    this.db.close();
  }
}

/**
 * Whether a live session holds the lease `file` (a lease file that does not exist is not held). A
 * lease that is not held belongs to a session that ended: its chunk files never grow again.
 */
export function isLeaseHeld(file: string): boolean {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_CANTOPEN') return false;
    throw e;
  }
  try {
    db.pragma('busy_timeout = 0');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return false;
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    // A lease file that is not a database (cut short by a crash before its first write) is nobody's.
    if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return false;
    throw e;
  } finally {
    db.close();
  }
}
