import { readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { CHUNK_FILE_SUFFIX, LEASE_FILE_SUFFIX, sessionOfChunkFile } from './chunk-layout.js';
import { isLeaseHeld, leaseFileOf } from './chunk-lease.js';

/** What {@link collectChunkGarbage} cleaned up. */
export interface ChunkGarbageReport {
  /** Chunk files removed because no row points into them. */
  removedFiles: string[];
  /** Chunk files whose unreferenced end was cut off, with the bytes removed. */
  trimmedFiles: { file: string; bytes: number }[];
}

/**
 * Cleans the chunk folder when a storage opens: for every session that is not alive any more (its
 * lease is not held), a chunk file no row points into is removed, and the bytes after the last
 * referenced array of a file (written before a crash, never committed) are cut off; then the dead
 * session's lease file goes. Files of live sessions (this process's or another's) are left alone:
 * they may be about to be referenced by a commit.
 */
export function collectChunkGarbage(db: Database.Database, directory: string): ChunkGarbageReport {
  const report: ChunkGarbageReport = { removedFiles: [], trimmedFiles: [] };
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return report;
    throw e;
  }
  const end = db
    .prepare(`SELECT max(chunk_offset + byte_length) FROM shot_array_chunks WHERE chunk_file = ?`)
    .pluck();
  const alive = new Map<string, boolean>();
  const isAlive = (session: string): boolean => {
    let held = alive.get(session);
    if (held === undefined) {
      held = isLeaseHeld(leaseFileOf(directory, session));
      alive.set(session, held);
    }
    return held;
  };
  for (const name of names) {
    if (!name.endsWith(CHUNK_FILE_SUFFIX)) continue;
    const session = sessionOfChunkFile(name);
    if (session === undefined || isAlive(session)) continue;
    const file = join(directory, name);
    const referencedEnd = end.get(name) as number | null;
    if (referencedEnd === null) {
      rmSync(file, { force: true });
      report.removedFiles.push(file);
      continue;
    }
    const size = statSync(file).size;
    if (size > referencedEnd) {
      truncateSync(file, referencedEnd);
      report.trimmedFiles.push({ file, bytes: size - referencedEnd });
    }
  }
  for (const name of names) {
    const lease = name.endsWith(LEASE_FILE_SUFFIX)
      ? name.slice(0, -LEASE_FILE_SUFFIX.length)
      : name.endsWith(`${LEASE_FILE_SUFFIX}.tmp`)
        ? name
        : undefined;
    if (lease === undefined) continue;
    const file = join(directory, name);
    const held = name.endsWith('.tmp') ? isLeaseHeld(file) : isAlive(lease);
    if (!held) rmSync(file, { force: true });
  }
  return report;
}
