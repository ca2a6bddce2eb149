import { type SessionStorage, SequencePath, ShotlineError, isNDArray } from '@shotline/core';
import { SqliteSessionStorage } from '@shotline/storage-sqlite';

/** One problem found by {@link checkStorage}. */
export interface StorageProblem {
  sequence?: string;
  shot?: number;
  label?: string;
  file?: string;
  message: string;
}

/** What {@link checkStorage} found. */
export interface StorageCheckReport {
  location: string;
  ok: boolean;
  problems: StorageProblem[];
  /** Arrays checked, of which in chunk files, and the bytes read back from chunk files. */
  arrays: number;
  chunkedArrays: number;
  chunkBytes: number;
  /** Chunk files nothing points into (removed at the next open once their writer has ended). */
  unreferencedChunkFiles: string[];
  /** What opening the storage cleaned up (chunk bytes and files a stopped process left). */
  cleanedUp: { removedFiles: string[]; trimmedFiles: { file: string; bytes: number }[] };
}

/**
 * Checks a storage. SQLite: the database's own integrity and foreign keys, and every array (its
 * size, and for chunk files presence, length and CRC-32). Other storages (PostgreSQL): every
 * shot's data is read back and decoded, which checks each array's size against its dtype and shape.
 * Every problem names the sequence, shot and label.
 */
export async function checkStorage(
  storage: SessionStorage,
  onProgress?: (done: number, total: number) => void,
): Promise<StorageCheckReport> {
  if (storage instanceof SqliteSessionStorage) {
    const report = await storage.checkIntegrity(onProgress ? { onProgress } : {});
    return { location: storage.location, cleanedUp: storage.chunkGarbage, ...report };
  }
  const problems: StorageProblem[] = [];
  const sequences = (await storage.sequencesUnder(SequencePath.root)).unwrap();
  let arrays = 0;
  for (const [k, path] of sequences.entries()) {
    for (const index of (await storage.shotIndices(path)).unwrap()) {
      const shot = (await storage.getShot(path, index)).unwrap();
      for (const label of shot.labels) {
        try {
          const value = (await storage.getShotData(path, index, label)).unwrap();
          if (isNDArray(value)) arrays++;
        } catch (e) {
          if (!(e instanceof ShotlineError)) throw e;
          problems.push({ sequence: path.toString(), shot: index, label, message: e.message });
        }
      }
    }
    onProgress?.(k + 1, sequences.length);
  }
  return {
    location: storage.location,
    ok: problems.length === 0,
    problems,
    arrays,
    chunkedArrays: 0,
    chunkBytes: 0,
    unreferencedChunkFiles: [],
    cleanedUp: { removedFiles: [], trimmedFiles: [] },
  };
}
