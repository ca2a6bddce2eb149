import {
  appendFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  InvalidStorageDataError,
  NDArray,
  SequencePath,
  type ShotInput,
  copyPath,
  currentRunOwner,
  sequenceResource,
} from '@shotline/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type SqliteStorageOptions,
  type SqliteSessionStorage,
  openSqliteStorage,
} from './sqlite-session-storage.js';
import { temporaryDatabases, withRawConnection } from './sqlite-test-files.test-helper.js';

// Large arrays in append-only chunk files beside the SQLite catalog: written once, found again,
// removed with their shots, cleaned up after a crash, and damage named by shot and label.

const files = temporaryDatabases('chunks');
afterAll(() => files.dispose());
const p = (text: string) => SequencePath.parse(text);

/** A 256×256 uint16 picture (128 KiB, above the 64 KiB default) whose pixels derive from `seed`. */
function picture(seed: number): NDArray<'uint16'> {
  const values = new Uint16Array(256 * 256);
  for (let i = 0; i < values.length; i++) values[i] = (seed * 31 + i * 7) & 0xffff;
  return new NDArray('uint16', [256, 256], values);
}

function shot(index: number): ShotInput {
  return {
    index,
    parameters: { x: index },
    data: {
      'cam\\picture': picture(index),
      trace: new NDArray('float64', [8], new Float64Array(8).fill(index)),
      counts: index * 2,
    },
    startTime: new Date(1_700_000_000_000 + index),
    endTime: new Date(1_700_000_000_500 + index),
    timing: null,
  };
}

async function running(
  storage: SqliteSessionStorage,
  path = p('\\scan'),
  expectedShots: number | null = null,
) {
  // The run lock, held until `storage` closes: other storages opening the file see a live run.
  const owner = currentRunOwner('test');
  (await storage.acquireLocks({ resources: [sequenceResource(path)], holder: owner })).unwrap();
  (await storage.createSequence(path, { iteration: [], timeLanes: {}, expectedShots })).unwrap();
  (await storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner })).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
  return path;
}

function chunkFiles(storage: SqliteSessionStorage): string[] {
  try {
    return readdirSync(storage.chunkDirectory!)
      .filter((n) => n.endsWith('.chunk'))
      .sort();
  } catch {
    return [];
  }
}

function chunkRows(file: string): { chunk_file: string; end: number }[] {
  return withRawConnection(
    file,
    (db) =>
      db
        .prepare(
          'SELECT chunk_file, max(chunk_offset + byte_length) AS end FROM shot_array_chunks GROUP BY chunk_file',
        )
        .all() as { chunk_file: string; end: number }[],
  );
}

async function expectShot(storage: SqliteSessionStorage, path: SequencePath, index: number) {
  const data = (await storage.getAllShotData(path, index)).unwrap();
  expect(Object.keys(data)).toEqual(['cam\\picture', 'counts', 'trace']);
  expect((data['cam\\picture'] as NDArray).data).toEqual(picture(index).data);
  expect((data.trace as NDArray).data).toEqual(new Float64Array(8).fill(index));
  const one = (await storage.getShotData(path, index, 'cam\\picture')).unwrap() as NDArray;
  expect(one.shape).toEqual([256, 256]);
  expect(one.data).toEqual(picture(index).data);
}

/** The code of a refused write. */
async function refusal(write: Promise<{ ok: boolean; error?: { code: string } }>) {
  const result = await write;
  return result.ok ? 'accepted' : result.error!.code;
}

const writers: [string, SqliteStorageOptions][] = [
  ['the writer worker', {}],
  ['an inline writer', { writer: 'inline' }],
];

describe('SQLite array chunk files', { timeout: 120_000 }, () => {
  for (const [name, options] of writers) {
    it(`keeps large arrays in chunk files and small ones in the database (${name})`, async () => {
      const file = files.next();
      const storage = await openSqliteStorage(file, options);
      try {
        const path = await running(storage);
        for (let i = 0; i < 3; i++) (await storage.createShot(path, shot(i))).unwrap();
        (await storage.createShots(path, [shot(3), shot(4)])).unwrap();
        for (let i = 0; i < 5; i++) await expectShot(storage, path, i);
        expect(chunkFiles(storage)).toHaveLength(1);
        const rows = chunkRows(file);
        expect(rows).toEqual([{ chunk_file: chunkFiles(storage)[0], end: 5 * 131072 }]);
        // The picture bytes are written once: in the chunk file, not in the database.
        const inline = withRawConnection(file, (db) =>
          db
            .prepare('SELECT label, length(bytes) AS n FROM shot_array_data ORDER BY id LIMIT 2')
            .all(),
        );
        expect(inline).toEqual([
          { label: 'cam\\picture', n: 0 },
          { label: 'trace', n: 64 },
        ]);
        expect(statSync(join(storage.chunkDirectory!, rows[0]!.chunk_file)).size).toBe(5 * 131072);
      } finally {
        await storage.close();
      }
      // The lease of the writer session is gone with it.
      const reopened = await openSqliteStorage(file);
      expect(readdirSync(reopened.chunkDirectory!).filter((n) => n.endsWith('.lease'))).toEqual([]);
      expect(reopened.chunkGarbage).toEqual({ removedFiles: [], trimmedFiles: [] });
      await expectShot(reopened, p('\\scan'), 4);
      await reopened.close();
    });
  }

  it('keeps every array in the database with arrayChunks: false, and still reads chunk files', async () => {
    const file = files.next();
    const first = await openSqliteStorage(file);
    const path = await running(first); // `first` holds the run lock until the end
    (await first.createShot(path, shot(0))).unwrap();
    const storage = await openSqliteStorage(file, { arrayChunks: false });
    try {
      (await storage.createShot(path, shot(1))).unwrap();
      await expectShot(storage, path, 0);
      await expectShot(storage, path, 1);
      expect(chunkRows(file)).toHaveLength(1);
      expect(chunkFiles(storage)).toHaveLength(1);
    } finally {
      await storage.close();
      await first.close();
    }
    await expect(openSqliteStorage(file, { arrayChunks: { minBytes: -1 } })).rejects.toThrow(
      /arrayChunks.minBytes must be a non-negative integer/,
    );
  });

  it('writes no chunk bytes for a shot the storage refuses', async () => {
    const storage = await openSqliteStorage(files.next());
    try {
      const path = await running(storage, p('\\scan'), 3);
      (await storage.createShot(path, shot(0))).unwrap();
      const [name] = chunkFiles(storage);
      const size = () => statSync(join(storage.chunkDirectory!, name!)).size;
      expect(size()).toBe(131072);
      expect(await refusal(storage.createShot(path, shot(0)))).toBe('DUPLICATE_SHOT');
      expect(await refusal(storage.createShot(path, shot(7)))).toBe('SHOT_INDEX');
      expect(size()).toBe(131072);
      (await storage.setFinished(path, new Date())).unwrap();
      expect(await refusal(storage.createShot(path, shot(1)))).toBe('SEQUENCE_NOT_RUNNING');
      expect(size()).toBe(131072);
    } finally {
      await storage.close();
    }
  });

  it('removes the chunk files of a sequence that is reset or deleted, and of no other', async () => {
    const storage = await openSqliteStorage(files.next());
    try {
      const a = await running(storage, p('\\a'));
      const b = await running(storage, p('\\b'));
      for (let i = 0; i < 2; i++) {
        (await storage.createShot(a, shot(i))).unwrap();
        (await storage.createShot(b, shot(i))).unwrap();
      }
      expect(chunkFiles(storage)).toHaveLength(2);
      (await storage.setFinished(a, new Date())).unwrap();
      (await storage.resetToDraft(a)).unwrap();
      expect(chunkFiles(storage)).toHaveLength(1);
      await expectShot(storage, b, 1);

      // The reset sequence runs again: its new shots go to a new file.
      (
        await storage.setPreparing(a, {
          globals: [],
          deviceConfigurations: [],
          owner: currentRunOwner('test'),
        })
      ).unwrap();
      (await storage.setRunning(a, new Date())).unwrap();
      (await storage.createShot(a, shot(5))).unwrap();
      expect(chunkFiles(storage)).toHaveLength(2);
      await expectShot(storage, a, 5);

      (await storage.setFinished(b, new Date())).unwrap();
      (await storage.deletePath(b, { deleteSequences: true })).unwrap();
      expect(chunkFiles(storage)).toHaveLength(1);
      await expectShot(storage, a, 5);
      expect((await storage.checkIntegrity()).ok).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('copies sequences with chunked arrays between SQLite storages', async () => {
    const source = await openSqliteStorage(files.next());
    const destination = await openSqliteStorage(files.next(), { writer: 'inline' });
    try {
      const path = await running(source, p('\\lab\\scan'));
      for (let i = 0; i < 4; i++) (await source.createShot(path, shot(i))).unwrap();
      (await source.setFinished(path, new Date())).unwrap();
      (await copyPath(source, destination, p('\\lab'))).unwrap();
      for (let i = 0; i < 4; i++) await expectShot(destination, path, i);
      expect(chunkFiles(destination)).toHaveLength(1);
      const report = await destination.checkIntegrity();
      expect(report).toMatchObject({
        ok: true,
        arrays: 8,
        chunkedArrays: 4,
        chunkBytes: 4 * 131072,
      });
    } finally {
      await source.close();
      await destination.close();
    }
  });

  it('names the shot, label and file of an array whose chunk file was removed or cut short; other arrays read as usual', async () => {
    const file = files.next();
    const writer = await openSqliteStorage(file, { arrayChunks: { maxFileMiB: 0.25 } });
    const path = await running(writer);
    for (let i = 0; i < 6; i++) (await writer.createShot(path, shot(i))).unwrap();
    await writer.close();
    // Two pictures per file (0.25 MiB each): shots 0-1, 2-3 and 4-5.
    const storage = await openSqliteStorage(file);
    try {
      const names = chunkFiles(storage);
      expect(names).toHaveLength(3);
      rmSync(join(storage.chunkDirectory!, names[1]!));
      truncateSync(join(storage.chunkDirectory!, names[2]!), 131072 + 1000);

      const missing = await storage.getShotData(path, 2, 'cam\\picture').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(InvalidStorageDataError);
      expect((missing as InvalidStorageDataError).message).toMatch(
        /array "cam\\picture" of shot 2 in sequence "\\scan": its chunk file ".*\.chunk" is missing/,
      );
      expect((missing as InvalidStorageDataError).location).toMatchObject({
        sequence: '\\scan',
        shot: 2,
        label: 'cam\\picture',
      });
      await expect(storage.getAllShotData(path, 5)).rejects.toThrow(
        /array "cam\\picture" of shot 5 .* was cut short \(the file ends at byte 132072/,
      );
      // Everything else is unaffected.
      await expectShot(storage, path, 0);
      await expectShot(storage, path, 4);
      expect((await storage.getShotData(path, 3, 'trace')).unwrap()).toBeInstanceOf(NDArray);
      expect((await storage.readShotTable(path)).unwrap().data.counts).toEqual([0, 2, 4, 6, 8, 10]);

      const report = await storage.checkIntegrity();
      expect(report.ok).toBe(false);
      expect(report.problems.map((q) => [q.shot, q.label, q.file])).toEqual([
        [2, 'cam\\picture', names[1]],
        [3, 'cam\\picture', names[1]],
        [5, 'cam\\picture', names[2]],
      ]);
      expect(report.problems[0]!.message).toMatch(/is missing/);
      expect(report.problems[2]!.message).toMatch(/was cut short/);
    } finally {
      await storage.close();
    }
  });

  it('finds chunk bytes that were changed by hand (CRC-32)', async () => {
    const file = files.next();
    const storage = await openSqliteStorage(file);
    try {
      const path = await running(storage);
      (await storage.createShot(path, shot(0))).unwrap();
      const chunk = join(storage.chunkDirectory!, chunkFiles(storage)[0]!);
      writeFileSync(chunk, Buffer.from([1, 2, 3]), { flag: 'r+' });
      await expect(storage.getShotData(path, 0, 'cam\\picture')).rejects.toThrow(
        /shot 0 .* is damaged \(the 131072 bytes at offset 0 do not match their CRC-32\)/,
      );
      const report = await storage.checkIntegrity();
      expect(report.problems.map((q) => q.label)).toEqual(['cam\\picture']);
    } finally {
      await storage.close();
    }
  });

  it('cleans up, when it opens, what a stopped writer left: bytes after the last committed array and files nobody points into', async () => {
    const file = files.next();
    const writer = await openSqliteStorage(file);
    const path = await running(writer);
    for (let i = 0; i < 2; i++) (await writer.createShot(path, shot(i))).unwrap();
    const directory = writer.chunkDirectory!;
    const [name] = chunkFiles(writer);
    await writer.close();
    // As a process killed between writing chunk bytes and committing would leave them.
    appendFileSync(join(directory, name!), Buffer.alloc(5000, 7));
    writeFileSync(join(directory, 'zzdead1-1-1.chunk'), Buffer.alloc(3000));
    writeFileSync(join(directory, 'zzdead1.lease'), '');

    const storage = await openSqliteStorage(file);
    try {
      expect(storage.chunkGarbage).toEqual({
        removedFiles: [join(directory, 'zzdead1-1-1.chunk')],
        trimmedFiles: [{ file: join(directory, name!), bytes: 5000 }],
      });
      expect(readdirSync(directory).sort()).toEqual([name]);
      await expectShot(storage, path, 1);
      expect((await storage.checkIntegrity()).ok).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('leaves the chunk files of a live writer alone when another storage opens the same file', async () => {
    const file = files.next();
    const writer = await openSqliteStorage(file);
    try {
      const path = await running(writer);
      (await writer.createShot(path, shot(0))).unwrap();
      const [name] = chunkFiles(writer);
      const chunk = join(writer.chunkDirectory!, name!);
      // Bytes not (yet) referenced at the end of a live session's file must survive another open.
      appendFileSync(chunk, Buffer.alloc(100));
      const other = await openSqliteStorage(file);
      expect(other.chunkGarbage).toEqual({ removedFiles: [], trimmedFiles: [] });
      expect(statSync(chunk).size).toBe(131072 + 100);
      await expectShot(other, path, 0);
      await other.close();
      truncateSync(chunk, 131072);
      (await writer.createShot(path, shot(1))).unwrap();
      await expectShot(writer, path, 1);
    } finally {
      await writer.close();
    }
  });
});
