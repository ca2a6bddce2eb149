// Where large arrays of a SQLite storage live: append-only chunk files in a folder beside the
// database (`shotline.sqlite-chunks/`). Each writer (one open storage) is a session with its own
// files, so no two processes ever append to the same file; a session holds a lease (chunk-lease.ts)
// for as long as it runs, which tells the others whether its files may still grow.
import { randomBytes } from 'node:crypto';

/** The chunk folder of a database file. */
export function chunkDirectoryOf(databaseFile: string): string {
  return `${databaseFile}-chunks`;
}

/** Suffix of chunk files. */
export const CHUNK_FILE_SUFFIX = '.chunk';
/** Suffix of the lease file a live writer session holds locked. */
export const LEASE_FILE_SUFFIX = '.lease';

const CHUNK_FILE_NAME = /^([a-z0-9]+)-(\d+)-(\d+)\.chunk$/;

/** A new writer session's id: time (base 36) and 48 random bits, letters and digits only. */
export function newChunkSession(): string {
  return `${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

/**
 * The name of the `n`-th chunk file a session writes for one run of one sequence:
 * `<session>-<sequence id>-<n>.chunk`.
 */
export function chunkFileName(session: string, sequenceId: number, n: number): string {
  return `${session}-${sequenceId}-${n}${CHUNK_FILE_SUFFIX}`;
}

/** The session that wrote a chunk file, or undefined for a name that is not a chunk file's. */
export function sessionOfChunkFile(name: string): string | undefined {
  return CHUNK_FILE_NAME.exec(name)?.[1];
}

/**
 * Where the bytes of one array are: a chunk file (a bare file name in the chunk folder), the offset
 * and length of the bytes in it, and their CRC-32 (zlib's, as `zlib.crc32` computes it).
 */
export interface ChunkReference {
  file: string;
  offset: number;
  length: number;
  crc32: number;
}

/** How a storage keeps large arrays in chunk files. */
export interface ChunkSettings {
  /** The chunk folder (see {@link chunkDirectoryOf}). */
  directory: string;
  /** Arrays of at least this many bytes go to chunk files; smaller ones stay in the database. */
  minBytes: number;
  /** A chunk file is not grown past this size: the next array starts a new file. */
  maxFileBytes: number;
  /** Whether chunk bytes are flushed to disk (fdatasync) before the rows that point at them commit. */
  sync: boolean;
}
