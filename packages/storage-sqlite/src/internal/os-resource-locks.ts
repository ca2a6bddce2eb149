import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LAB_RESOURCE } from '@shotline/core';

/** A lock connection: an open SQLite transaction on a lock file. */
interface LockConnection {
  readonly db: Database.Database;
  readonly holderId: string;
}

/** Whether SQLite refused a lock because another connection (or process) holds one. */
function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/**
 * Resource locks that the operating system releases when their process dies: each resource is an
 * empty SQLite file in `<database>.locks/`, locked by an open `BEGIN EXCLUSIVE` transaction on a
 * connection of its own (SQLite's POSIX file locks, which it also keeps straight between
 * connections of one process). A kill -9, a crash or a power cut of the holder frees them at once;
 * nothing stale can stay behind.
 *
 * The lab resource is a reader-writer lock on `lab.lock`: every holder of other resources keeps a
 * SHARED lock on it (one per holder), and the lab's holder an EXCLUSIVE one, so the lab excludes
 * everything and everything excludes the lab. A holder's own locks never conflict with each other.
 * All lock connections live on the calling (main) thread; they never wait (busy timeout 0).
 */
export class OsResourceLocks {
  readonly #dir: string;
  /** Exclusive locks by resource. */
  readonly #held = new Map<string, LockConnection>();
  /** Shared locks on the lab file, by holder. */
  readonly #labShared = new Map<string, Database.Database>();

  constructor(databaseFile: string) {
    this.#dir = `${databaseFile}.locks`;
  }

  /** The lock file of a resource (its name hashed: device names may hold any character). */
  fileOf(resource: string): string {
    if (resource === LAB_RESOURCE) return join(this.#dir, 'lab.lock');
    const colon = resource.indexOf(':');
    const kind =
      colon > 0 && /^[a-z]+$/.test(resource.slice(0, colon)) ? resource.slice(0, colon) : 'r';
    const hash = createHash('sha256').update(resource).digest('hex').slice(0, 24);
    return join(this.#dir, `${kind}-${hash}.lock`);
  }

  #open(resource: string): Database.Database {
    mkdirSync(this.#dir, { recursive: true });
    // No pragma here: changing a setting would itself need the lock another process may hold.
    return new Database(this.fileOf(resource), { timeout: 0 });
  }

  /** Takes an exclusive lock; false when someone holds it (or a shared lock on it). */
  #exclusive(resource: string, holderId: string): boolean {
    const db = this.#open(resource);
    try {
      db.prepare('BEGIN EXCLUSIVE').run();
    } catch (e) {
      db.close();
      if (isBusy(e)) return false;
      throw e;
    }
    this.#held.set(resource, { db, holderId });
    return true;
  }

  /** Takes the holder's shared lock on the lab file; false when the lab is held exclusively. */
  #sharedLab(holderId: string): boolean {
    if (this.#labShared.has(holderId)) return true;
    const db = this.#open(LAB_RESOURCE);
    try {
      db.prepare('BEGIN').run();
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (e) {
      if (db.inTransaction) db.prepare('ROLLBACK').run();
      db.close();
      if (isBusy(e)) return false;
      throw e;
    }
    this.#labShared.set(holderId, db);
    return true;
  }

  #unlockExclusive(resource: string): void {
    const held = this.#held.get(resource);
    if (!held) return;
    this.#held.delete(resource);
    if (held.db.inTransaction) held.db.prepare('ROLLBACK').run();
    held.db.close();
  }

  #dropSharedLab(holderId: string): void {
    const db = this.#labShared.get(holderId);
    if (!db) return;
    this.#labShared.delete(holderId);
    if (db.inTransaction) db.prepare('ROLLBACK').run();
    db.close();
  }

  /** Whether the holder still has an exclusive lock besides the lab's. */
  #holdsOthers(holderId: string): boolean {
    for (const [resource, held] of this.#held) {
      if (resource !== LAB_RESOURCE && held.holderId === holderId) return true;
    }
    return false;
  }

  /**
   * Locks every resource for the holder, all or none; returns the first one in the way (the lab
   * when the lab stands in the way), or undefined when all are now held.
   */
  tryLock(holderId: string, resources: readonly string[]): string | undefined {
    const taken: string[] = [];
    const tookShared = !this.#labShared.has(holderId);
    const undo = () => {
      for (const resource of taken) this.#unlockExclusive(resource);
      if (tookShared && !this.#holdsOthers(holderId)) this.#dropSharedLab(holderId);
    };
    try {
      const holdsLab = this.#held.get(LAB_RESOURCE)?.holderId === holderId;
      if (resources.includes(LAB_RESOURCE) && !holdsLab) {
        // The holder's own shared lock would stand in its way.
        this.#dropSharedLab(holderId);
        if (!this.#exclusive(LAB_RESOURCE, holderId)) {
          if (this.#holdsOthers(holderId)) this.#sharedLab(holderId);
          return LAB_RESOURCE;
        }
        taken.push(LAB_RESOURCE);
      }
      const others = resources.filter((r) => r !== LAB_RESOURCE);
      const underLab = this.#held.get(LAB_RESOURCE)?.holderId === holderId;
      if (others.length > 0 && !underLab && !this.#sharedLab(holderId)) {
        undo();
        return LAB_RESOURCE;
      }
      for (const resource of others) {
        const held = this.#held.get(resource);
        if (held?.holderId === holderId) continue;
        if (!this.#exclusive(resource, holderId)) {
          undo();
          return resource;
        }
        taken.push(resource);
      }
      return undefined;
    } catch (e) {
      undo();
      throw e;
    }
  }

  /** Releases the holder's locks on these resources (`'all'`: all of them). */
  unlock(holderId: string, resources: readonly string[] | 'all'): void {
    for (const [resource, held] of [...this.#held]) {
      if (held.holderId !== holderId) continue;
      if (resources === 'all' || resources.includes(resource)) this.#unlockExclusive(resource);
    }
    if (!this.#holdsOthers(holderId)) this.#dropSharedLab(holderId);
  }

  /**
   * Whether some live process (this one included) holds the resource: tries its lock without
   * waiting and lets it go at once.
   */
  isHeld(resource: string): boolean {
    if (this.#held.has(resource)) return true;
    if (!existsSync(this.fileOf(resource))) return false;
    if (!this.#exclusive(resource, '(probe)')) return true;
    this.#unlockExclusive(resource);
    return false;
  }

  /** Releases every lock of this storage. */
  close(): void {
    for (const resource of [...this.#held.keys()]) this.#unlockExclusive(resource);
    for (const holderId of [...this.#labShared.keys()]) this.#dropSharedLab(holderId);
  }
}
