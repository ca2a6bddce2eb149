import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';

/** Size of the reserve: enough for the few pages (64 KiB each) that record how a run ended. */
export const DISK_RESERVE_BYTES = 4 * 2 ** 20;

/**
 * A file of zeros kept next to the database (`<database>.reserve`) so that a full disk can still
 * record how a run ended: when a write fails because the disk is full, the reserve is deleted,
 * which gives the next small write (the sequence's CRASHED state and its cause) room. It is made
 * again the next time the storage opens, if there is room.
 */
export class DiskReserve {
  readonly file: string;

  constructor(
    databaseFile: string,
    private readonly bytes: number = DISK_RESERVE_BYTES,
  ) {
    this.file = `${databaseFile}.reserve`;
  }

  /** Makes the reserve if it is missing; gives up quietly (and leaves nothing) on a full disk. */
  ensure(): void {
    if (existsSync(this.file)) return;
    let fd: number;
    try {
      fd = openSync(this.file, 'wx');
    } catch {
      return; // another process is making it, or the folder is read-only
    }
    try {
      const zeros = Buffer.alloc(64 * 1024);
      for (let written = 0; written < this.bytes; written += zeros.length) writeSync(fd, zeros);
    } catch {
      closeSync(fd);
      rmSync(this.file, { force: true });
      return;
    }
    closeSync(fd);
  }

  /** Deletes the reserve, freeing its space; true if there was one. */
  release(): boolean {
    if (!existsSync(this.file)) return false;
    rmSync(this.file, { force: true });
    return true;
  }
}
