import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SequencePath, SessionStorage } from '@shotline/core';

/** A temporary directory of real SQLite files for one spec file, removed by `dispose()`. */
export function temporaryDatabases(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `shotline-${prefix}-`));
  let n = 0;
  return {
    dir,
    /** A new file name in the directory. */
    next(name = 'db'): string {
      return join(dir, `${name}-${n++}.sqlite`);
    },
    dispose(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs raw SQL on a storage's file through a separate connection (to corrupt or inspect it). */
export function withRawConnection<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { timeout: 10_000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Overwrites the stored parameters of one shot with text that is not JSON. */
export async function corruptShotParameters(
  storage: SessionStorage,
  path: SequencePath,
  index: number,
): Promise<void> {
  withRawConnection(storage.location, (db) =>
    db
      .prepare(
        `UPDATE shots SET parameters = '{"x": 1,' WHERE idx = ? AND sequence_id =
           (SELECT s.id FROM sequences s JOIN paths p ON p.id = s.path_id WHERE p.path = ?)`,
      )
      .run(index, path.toString()),
  );
}
