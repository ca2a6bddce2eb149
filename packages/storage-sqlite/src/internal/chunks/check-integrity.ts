import { readdirSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { isDType, dtypeSize } from '@shotline/core';
import { CHUNK_FILE_SUFFIX } from './chunk-layout.js';
import { ChunkReader, describeChunkDamage } from './chunk-reader.js';

/** One damaged array (or database fault) found by {@link checkIntegrity}. */
export interface IntegrityProblem {
  /** The sequence, shot and label concerned, when the problem is about an array. */
  sequence?: string;
  shot?: number;
  label?: string;
  /** The chunk file concerned, if any. */
  file?: string;
  message: string;
}

/** What {@link checkIntegrity} found. */
export interface IntegrityReport {
  /** True when nothing is wrong. */
  ok: boolean;
  problems: IntegrityProblem[];
  /** Arrays checked, of which in chunk files. */
  arrays: number;
  chunkedArrays: number;
  /** Bytes read back from chunk files and checked against their CRC-32. */
  chunkBytes: number;
  /**
   * Chunk files no row points into (left by a process that stopped, or a delete interrupted after
   * its commit): the next open of the storage removes those of sessions that ended.
   */
  unreferencedChunkFiles: string[];
}

interface ArrayRow {
  path: string;
  idx: number;
  label: string;
  dtype: string;
  shape: string;
  inline_length: number;
  chunk_file: string | null;
  chunk_offset: number;
  byte_length: number;
  crc32: number;
}

/**
 * Checks a SQLite storage: SQLite's own `integrity_check` and `foreign_key_check`, then every array:
 * its byte count against its dtype and shape and, for arrays in chunk files, that the file is there,
 * long enough, and that the bytes match their CRC-32. Every problem names the sequence, shot and
 * label. Reads only; yields to the event loop between arrays and reports progress.
 */
export async function checkIntegrity(
  db: Database.Database,
  chunkDirectory: string | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<IntegrityReport> {
  const problems: IntegrityProblem[] = [];
  const integrity = db.pragma('integrity_check') as { integrity_check: string }[];
  for (const { integrity_check: line } of integrity) {
    if (line !== 'ok') problems.push({ message: `SQLite integrity_check: ${line}` });
  }
  const foreign = db.pragma('foreign_key_check') as {
    table: string;
    rowid: number;
    parent: string;
  }[];
  for (const f of foreign) {
    problems.push({
      message: `row ${f.rowid} of table ${f.table} points to a missing row of ${f.parent}`,
    });
  }
  const rows = db
    .prepare(
      `SELECT p.path AS path, sh.idx AS idx, a.label AS label, a.dtype AS dtype, a.shape AS shape,
         length(a.bytes) AS inline_length, c.chunk_file AS chunk_file,
         c.chunk_offset AS chunk_offset, c.byte_length AS byte_length, c.crc32 AS crc32
       FROM shot_array_data a
         JOIN shots sh ON sh.id = a.shot_id
         JOIN sequences s ON s.id = sh.sequence_id
         JOIN paths p ON p.id = s.path_id
         LEFT JOIN shot_array_chunks c ON c.array_id = a.id
       ORDER BY p.path, sh.idx, a.label`,
    )
    .all() as ArrayRow[];
  const reader = chunkDirectory === undefined ? undefined : new ChunkReader(chunkDirectory);
  const referenced = new Set<string>();
  let chunkedArrays = 0;
  let chunkBytes = 0;
  let lastYield = performance.now();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const at = { sequence: row.path, shot: row.idx, label: row.label };
    const expected = expectedByteLength(row.dtype, row.shape);
    const length = row.chunk_file === null ? row.inline_length : row.byte_length;
    if (expected === undefined) {
      problems.push({
        ...at,
        message: `array "${row.label}" of shot ${row.idx} in sequence "${row.path}" has an invalid dtype "${row.dtype}" or shape ${row.shape}`,
      });
    } else if (length !== expected) {
      problems.push({
        ...at,
        message: `array "${row.label}" of shot ${row.idx} in sequence "${row.path}" has ${length} bytes, but a ${row.dtype} array of shape ${row.shape} needs ${expected}`,
      });
    }
    if (row.chunk_file !== null) {
      chunkedArrays++;
      referenced.add(row.chunk_file);
      const reference = {
        file: row.chunk_file,
        offset: row.chunk_offset,
        length: row.byte_length,
        crc32: row.crc32,
      };
      const result = reader?.tryRead(reference) ?? {
        damage: 'missing' as const,
        detail: 'an in-memory database has no chunk files',
      };
      if (result instanceof Uint8Array) {
        chunkBytes += result.byteLength;
      } else {
        problems.push({
          ...at,
          file: row.chunk_file,
          message: describeChunkDamage(chunkDirectory ?? '', reference, at, result),
        });
      }
    }
    if (performance.now() - lastYield > 50) {
      onProgress?.(i + 1, rows.length);
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  onProgress?.(rows.length, rows.length);
  let unreferencedChunkFiles: string[] = [];
  if (chunkDirectory !== undefined) {
    try {
      unreferencedChunkFiles = readdirSync(chunkDirectory)
        .filter((name) => name.endsWith(CHUNK_FILE_SUFFIX) && !referenced.has(name))
        .sort();
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    arrays: rows.length,
    chunkedArrays,
    chunkBytes,
    unreferencedChunkFiles,
  };
}

function expectedByteLength(dtype: string, shape: string): number | undefined {
  if (!isDType(dtype)) return undefined;
  let dims: unknown;
  try {
    dims = JSON.parse(shape);
  } catch {
    return undefined;
  }
  if (!Array.isArray(dims) || dims.some((n) => !Number.isSafeInteger(n) || (n as number) < 0)) {
    return undefined;
  }
  return (dims as number[]).reduce((a, b) => a * b, 1) * dtypeSize(dtype);
}
