import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { processExists } from '@shotline/core';

/** A held lab lock. */
export interface LabLockLease {
  /** Lets others take the lab. Idempotent. */
  release(): Promise<void>;
}

/** The answer of {@link LabLock.tryAcquire}. */
export type LabLockAttempt =
  | { readonly ok: true; readonly lease: LabLockLease }
  | { readonly ok: false; readonly holder: string };

/**
 * The lab lock, as the server uses it: while it holds the lock, no command-line run and no second
 * server drives the lab's devices. One small interface so that the server does not care how the lock
 * is kept.
 */
export interface LabLock {
  /** Takes the lock if it is free; else says who holds it (e.g. `shotline run on lab-pc pid 123`). */
  tryAcquire(owner: string): Promise<LabLockAttempt>;
}

/** What the lock file of {@link ServerFileLabLock} holds. */
interface LockFileContent {
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly since: string;
}

/**
 * The lab lock until the storage keeps one: an exclusive file in the lab folder
 * (`.shotline/lab.lock`, created with O_EXCL), naming its holder; a file left by a process of this
 * host that no longer exists is taken over. It keeps two servers of one lab folder apart.
 *
 * ISSUE-14: once the storage's lab/device lock API is merged, this is the one place to change: make
 * `tryAcquire` take the storage's lab lock (which command-line runs take too), so that a CLI run on
 * any PC of a shared database and the server exclude each other.
 */
export class ServerFileLabLock implements LabLock {
  readonly file: string;

  constructor(labDir: string) {
    this.file = join(labDir, '.shotline', 'lab.lock');
  }

  async tryAcquire(owner: string): Promise<LabLockAttempt> {
    await mkdir(dirname(this.file), { recursive: true });
    const content: LockFileContent = {
      owner,
      host: hostname(),
      pid: process.pid,
      since: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(this.file, 'wx', 0o644);
        await handle.writeFile(`${JSON.stringify(content)}\n`);
        await handle.close();
        let released = false;
        return {
          ok: true,
          lease: {
            release: async () => {
              if (released) return;
              released = true;
              await rm(this.file, { force: true });
            },
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = await this.readHolder();
      if (holder && !(holder.host === hostname() && !processExists(holder.pid))) {
        return { ok: false, holder: `${holder.owner} (host ${holder.host}, pid ${holder.pid})` };
      }
      await rm(this.file, { force: true }); // left by a process that is gone
    }
    return { ok: false, holder: 'another process (the lock file keeps reappearing)' };
  }

  private async readHolder(): Promise<LockFileContent | undefined> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as LockFileContent;
    } catch {
      return undefined;
    }
  }
}

/** A lab lock that is always free: for a server over a storage no one else uses (tests, demos). */
export class UncontendedLabLock implements LabLock {
  async tryAcquire(): Promise<LabLockAttempt> {
    return { ok: true, lease: { release: async () => undefined } };
  }
}
