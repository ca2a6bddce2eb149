import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { PreparedArrayData, PreparedShot } from '@shotline/core';
import { storageDescendantRange } from '@shotline/core/storage-rules';
import { type ChunkReference, type ChunkSettings, chunkFileName } from './chunk-layout.js';
import { ChunkLease } from './chunk-lease.js';

/** An array of a shot write, with where its bytes went once written to a chunk file. */
export type ChunkedArrayData = PreparedArrayData & { chunk?: ChunkReference };

/** The arguments of one `createShots` write: the sequence path and the shots. */
export type ShotWriteArgs = readonly unknown[];

interface OpenChunkFile {
  name: string;
  fd: number;
  size: number;
  /** The run it belongs to (`<sequence id>:<start time>`). */
  run: string;
  /** Whether the file was checked, in this write, to still be linked. */
  checked: boolean;
}

interface RunningSequence {
  id: number;
  run: string;
  expected: number | null;
}

/** Most chunk files a writer keeps open (one per run it writes). */
const MAX_OPEN_FILES = 4;

/**
 * The writer side of chunk files: the writer (worker thread, or the main thread for an inline
 * writer) calls it around the transactions of shot writes, deletes and resets.
 *
 * - Before a shot write commits, {@link storingShots} appends every array of at least `minBytes` to
 *   this session's chunk file of the sequence's run, flushes it (fdatasync, unless durability is
 *   `off`), and attaches the reference to the array, which the transaction then stores instead of
 *   the bytes. A crash before the commit leaves bytes nobody points at, at the end of a file of a
 *   dead session: the next open cuts them off (chunk-garbage.ts). A transaction that fails as a
 *   whole cuts them off at once.
 * - Shots the transaction is sure to refuse (sequence not running, index stored already or out of
 *   range) keep their arrays in the row, so a refusal leaves no unreferenced bytes behind.
 * - After a delete or reset commits, {@link deleting} removes the chunk files no row points at any
 *   more.
 */
export class ChunkWriter {
  private lease: ChunkLease | undefined;
  private readonly files = new Map<string, OpenChunkFile>();
  private fileCount = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly settings: ChunkSettings,
  ) {}

  /**
   * Runs `run` (the transaction of one or several `createShots` writes, given by their arguments)
   * after writing their large arrays to chunk files and making them durable.
   */
  storingShots<T>(writes: readonly ShotWriteArgs[], run: () => T): T {
    const written = this.externalize(writes);
    try {
      return run();
    } catch (e) {
      this.cutBack(written);
      throw e;
    }
  }

  /**
   * Runs `run` (a delete or reset of `path` and what is below it), then removes the chunk files that
   * were referenced below `path` and are referenced no more.
   */
  deleting<T extends { ok: boolean }>(path: string, run: () => T): T {
    const files = this.filesUnder(path);
    const outcome = run();
    if (outcome.ok && files.length > 0) this.removeUnreferenced(files);
    return outcome;
  }

  /** Closes the open chunk files and releases the lease. */
  close(): void {
    for (const file of this.files.values()) closeSync(file.fd);
    this.files.clear();
    this.lease?.release();
    this.lease = undefined;
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** Appends the large arrays of the writes; returns each touched file's size before. */
  private externalize(writes: readonly ShotWriteArgs[]): Map<OpenChunkFile, number> {
    const touched = new Map<OpenChunkFile, number>();
    const accepted = new Set<string>();
    for (const file of this.files.values()) file.checked = false;
    try {
      for (const args of writes) {
        const path = args[0] as string;
        const shots = args[1] as PreparedShot[];
        const large = shots.some((s) => s.arrays.some((a) => this.isLarge(a)));
        if (!large) continue;
        const sequence = this.runningSequence(path);
        if (sequence === undefined) continue;
        for (const shot of shots) {
          const key = `${sequence.id}:${shot.index}`;
          if (accepted.has(key) || !this.accepts(sequence, shot.index)) continue;
          accepted.add(key);
          for (const array of shot.arrays as ChunkedArrayData[]) {
            if (!this.isLarge(array)) continue;
            const file = this.fileFor(sequence, array.bytes.byteLength);
            if (!touched.has(file)) touched.set(file, file.size);
            array.chunk = this.append(file, array.bytes);
          }
        }
      }
      if (this.settings.sync) {
        for (const file of touched.keys()) {
          try {
            fdatasyncSync(file.fd);
          } catch (e) {
            throw this.ioError(e, file, 'flush');
          }
        }
      }
    } catch (e) {
      this.cutBack(touched);
      for (const args of writes) {
        for (const shot of args[1] as PreparedShot[]) {
          for (const array of shot.arrays as ChunkedArrayData[]) delete array.chunk;
        }
      }
      throw e;
    }
    return touched;
  }

  private isLarge(array: PreparedArrayData): boolean {
    return array.bytes.byteLength >= this.settings.minBytes;
  }

  private runningSequence(path: string): RunningSequence | undefined {
    const row = this.db
      .prepare(
        `SELECT s.id AS id, s.state AS state, s.start_time AS start_time,
           s.expected_shots AS expected
         FROM paths p JOIN sequences s ON s.path_id = p.id WHERE p.path = ?`,
      )
      .get(path) as
      { id: number; state: string; start_time: number | null; expected: number | null } | undefined;
    if (row === undefined || row.state !== 'running') return undefined;
    return { id: row.id, run: `${row.id}:${row.start_time}`, expected: row.expected };
  }

  /** Whether the transaction will take a shot of this index (as far as can be told before it). */
  private accepts(sequence: RunningSequence, index: number): boolean {
    if (sequence.expected !== null && index >= sequence.expected) return false;
    return (
      this.db
        .prepare('SELECT 1 FROM shots WHERE sequence_id = ? AND idx = ?')
        .get(sequence.id, index) === undefined
    );
  }

  /** The file to append `length` bytes of the run to: the run's open file, or a new one. */
  private fileFor(sequence: RunningSequence, length: number): OpenChunkFile {
    let file = this.files.get(sequence.run);
    if (file !== undefined && !file.checked) {
      // A reset or delete (here or in another process) may have removed the file since.
      if (fstatSync(file.fd).nlink === 0) {
        this.forget(file);
        file = undefined;
      } else {
        file.checked = true;
      }
    }
    if (file !== undefined && file.size > 0 && file.size + length > this.settings.maxFileBytes) {
      this.forget(file);
      file = undefined;
    }
    return file ?? this.newFile(sequence);
  }

  private newFile(sequence: RunningSequence): OpenChunkFile {
    const { directory, sync } = this.settings;
    if (this.lease === undefined) {
      mkdirSync(directory, { recursive: true });
      this.lease = ChunkLease.acquire(directory);
    }
    if (this.files.size >= MAX_OPEN_FILES) this.forget(this.files.values().next().value!);
    const name = chunkFileName(this.lease.session, sequence.id, ++this.fileCount);
    const fd = openSync(join(directory, name), 'wx');
    if (sync) syncDirectory(directory);
    const file: OpenChunkFile = { name, fd, size: 0, run: sequence.run, checked: true };
    this.files.set(sequence.run, file);
    return file;
  }

  private forget(file: OpenChunkFile): void {
    this.files.delete(file.run);
    closeSync(file.fd);
  }

  private append(file: OpenChunkFile, bytes: Uint8Array): ChunkReference {
    const offset = file.size;
    try {
      let done = 0;
      while (done < bytes.byteLength) {
        done += writeSync(file.fd, bytes, done, bytes.byteLength - done, offset + done);
      }
    } catch (e) {
      throw this.ioError(e, file, 'write');
    }
    file.size += bytes.byteLength;
    return { file: file.name, offset, length: bytes.byteLength, crc32: crc32(bytes) };
  }

  /** Cuts the touched files back to their sizes before a write that did not commit. */
  private cutBack(touched: Map<OpenChunkFile, number>): void {
    for (const [file, size] of touched) {
      try {
        ftruncateSync(file.fd, size);
        file.size = size;
      } catch {
        // The bytes stay as garbage at the end of the file; the next open after this session
        // ends cuts them off.
        this.forget(file);
      }
    }
  }

  private ioError(e: unknown, file: OpenChunkFile, action: string): Error {
    const path = join(this.settings.directory, file.name);
    const error = new Error(`cannot ${action} array data in "${path}": ${(e as Error).message}`, {
      cause: e,
    });
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') (error as Error & { code: string }).code = code;
    return error;
  }

  // ---- removing --------------------------------------------------------------------------------

  private filesUnder(path: string): string[] {
    const [lo, hi] = storageDescendantRange(path);
    return this.db
      .prepare(
        `SELECT DISTINCT c.chunk_file FROM shot_array_chunks c
           JOIN shot_array_data a ON a.id = c.array_id
           JOIN shots sh ON sh.id = a.shot_id
           JOIN sequences s ON s.id = sh.sequence_id
           JOIN paths p ON p.id = s.path_id
         WHERE p.path = ? OR (p.path >= ? AND p.path < ?)`,
      )
      .pluck()
      .all(path, lo, hi) as string[];
  }

  private removeUnreferenced(files: readonly string[]): void {
    const referenced = this.db.prepare(
      'SELECT 1 FROM shot_array_chunks WHERE chunk_file = ? LIMIT 1',
    );
    for (const name of files) {
      if (referenced.get(name) !== undefined) continue;
      for (const file of this.files.values()) if (file.name === name) this.forget(file);
      // A failure here leaves an unreferenced file that the next open removes.
      rmSync(join(this.settings.directory, name), { force: true });
    }
  }
}

/** Makes a new file's directory entry durable. */
export function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
