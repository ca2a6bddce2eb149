import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';

// Reads how large the WAL is and how much of it is already copied into the database, from the
// WAL-index header that SQLite keeps in `<database>-shm` (a memory-mapped file every connection
// shares, format documented at https://www.sqlite.org/walformat.html §2.1). It is the only way to
// know this without running a checkpoint: better-sqlite3 has no WAL hook. Reading it takes one
// `pread` of 136 bytes, so the writer can check it before every transaction.

/** The state of the WAL. */
export interface WalState {
  /** Database page size in bytes; a WAL frame is a page plus a 24-byte frame header. */
  pageSize: number;
  /** Committed frames in the WAL (`mxFrame`); 0 after the WAL restarted. */
  frames: number;
  /** Frames already copied into the database file (`nBackfill`). */
  backfilled: number;
}

/** Bytes of the two header copies and the checkpoint information that follows them. */
const HEADER_BYTES = 136;
/** `iVersion` of the WAL-index format this reader knows. */
const WAL_INDEX_VERSION = 3007000;
const COPY_BYTES = 48;
const READ_ATTEMPTS = 4;

/** Bytes a WAL frame takes for a page size. */
export function walFrameBytes(pageSize: number): number {
  return pageSize + 24;
}

/** A reader of one database's WAL-index header, keeping the `-shm` file open between reads. */
export class WalIndex {
  readonly #file: string;
  readonly #buffer = Buffer.alloc(HEADER_BYTES);
  readonly #littleEndian = endianness() === 'LE';
  #fd: number | undefined;

  /** @param databaseFile the database file; the WAL index is `<databaseFile>-shm`. */
  constructor(databaseFile: string) {
    this.#file = `${databaseFile}-shm`;
  }

  /**
   * The current state, or undefined when there is no WAL index (yet) or it is being rewritten. The
   * header is stored twice and a writer updates the copies one after the other: a read is only
   * trusted when both copies agree.
   */
  read(): WalState | undefined {
    if (this.#fd === undefined) {
      try {
        this.#fd = openSync(this.#file, 'r');
      } catch {
        return undefined;
      }
    }
    const b = this.#buffer;
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      if (readSync(this.#fd, b, 0, HEADER_BYTES, 0) < HEADER_BYTES) return undefined;
      if (b.compare(b, 0, COPY_BYTES, COPY_BYTES, 2 * COPY_BYTES) !== 0) continue;
      const u32 = (offset: number) =>
        this.#littleEndian ? b.readUInt32LE(offset) : b.readUInt32BE(offset);
      const u16 = this.#littleEndian ? b.readUInt16LE(14) : b.readUInt16BE(14);
      if (u32(0) !== WAL_INDEX_VERSION || b[12] !== 1) return undefined;
      // A 65536-byte page size does not fit in 16 bits: it is stored as 1.
      const pageSize = (u16 & 0xfe00) + ((u16 & 0x0001) << 16);
      return { pageSize, frames: u32(16), backfilled: u32(96) };
    }
    return undefined;
  }

  /** Closes the `-shm` file. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
