import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ContractViolationError,
  DuplicateShotError,
  InvalidStorageDataError,
  NDArray,
  SequencePath,
  ShotIndexError,
  StorageIOError,
  type ShotInput,
  copyPath,
  currentRunOwner,
} from '@shotline/core';
import { MemorySessionStorage } from '@shotline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSqliteFile, openSqliteStorage } from './sqlite-session-storage.js';
import { temporaryDatabases, withRawConnection } from './sqlite-test-files.test-helper.js';

const files = temporaryDatabases('behaviour');
afterAll(() => files.dispose());
const p = (text: string) => SequencePath.parse(text);

function shot(index: number): ShotInput {
  return {
    index,
    parameters: { x: index },
    data: { img: new NDArray('uint16', [16, 16], new Uint16Array(256).fill(index)) },
    startTime: new Date(1_700_000_000_000 + index),
    endTime: new Date(1_700_000_000_500 + index),
    timing: null,
  };
}

async function runningStorage(expectedShots: number | null = null) {
  const storage = await openSqliteStorage(files.next());
  const path = p('\\s');
  (await storage.createSequence(path, { iteration: [], timeLanes: {}, expectedShots })).unwrap();
  (
    await storage.setPreparing(path, {
      globals: [],
      deviceConfigurations: [],
      owner: currentRunOwner('test'),
    })
  ).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
  return { storage, path };
}

describe('SqliteSessionStorage', () => {
  it('lives next to the lab configuration by default', () => {
    expect(defaultSqliteFile('/labs/rb87/shotline.config.json')).toBe(
      join('/labs/rb87', 'shotline.sqlite'),
    );
  });

  it('writes through a worker thread by default, or inline when asked', async () => {
    const worker = await openSqliteStorage(files.next());
    const inline = await openSqliteStorage(files.next(), { writer: 'inline', durability: 'full' });
    const memory = await openSqliteStorage(':memory:');
    expect([worker.usesWriterWorker, inline.usesWriterWorker, memory.usesWriterWorker]).toEqual([
      true,
      false,
      false,
    ]);
    expect([worker.durability, inline.durability]).toEqual(['normal', 'full']);
    (await memory.createPath(p('\\in memory'))).unwrap();
    expect(await memory.pathExists(p('\\in memory'))).toBe(true);
    await Promise.all([worker.close(), inline.close(), memory.close()]);
  });

  it('refuses an unknown durability', async () => {
    await expect(
      openSqliteStorage(files.next(), { durability: 'sometimes' as never }),
    ).rejects.toBeInstanceOf(ContractViolationError);
  });

  it('names the SQLite code, the file and what to do when the file cannot be used', async () => {
    const file = files.next('garbage');
    writeFileSync(file, Buffer.alloc(8192, 'not a database, '));
    const error = await openSqliteStorage(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageIOError);
    expect((error as StorageIOError).driverCode).toBe('SQLITE_NOTADB');
    expect((error as StorageIOError).message).toBe(
      `file is not a database (SQLITE_NOTADB): the file is not an SQLite database (file ${file})`,
    );
  });

  it('refuses to be used after close', async () => {
    const storage = await openSqliteStorage(files.next());
    await storage.close();
    await expect(storage.pathExists(p('\\a'))).rejects.toBeInstanceOf(ContractViolationError);
    await expect(storage.createPath(p('\\a'))).rejects.toBeInstanceOf(ContractViolationError);
  });

  it('commits shots that queue up together, each still all or nothing', async () => {
    const { storage, path } = await runningStorage(100);
    try {
      const inputs = Array.from({ length: 60 }, (_, i) => shot(i));
      inputs.push(shot(5), shot(100), shot(60));
      const results = await Promise.all(inputs.map((s) => storage.createShot(path, s)));
      expect(results.slice(0, 60).every((r) => r.ok)).toBe(true);
      expect(!results[60]!.ok && results[60]!.error).toBeInstanceOf(DuplicateShotError);
      expect(!results[61]!.ok && results[61]!.error).toBeInstanceOf(ShotIndexError);
      expect(results[62]!.ok).toBe(true);
      const indices = (await storage.shotIndices(path)).unwrap();
      expect(indices).toEqual(Array.from({ length: 61 }, (_, i) => i));
      const five = (await storage.getShotData(path, 5, 'img')).unwrap() as NDArray<'uint16'>;
      expect(five.data.every((v) => v === 5)).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('reports stored content that is not JSON or not an array it knows', async () => {
    const { storage, path } = await runningStorage();
    try {
      (await storage.createShot(path, shot(0))).unwrap();
      withRawConnection(storage.location, (db) => {
        db.exec(`UPDATE sequences SET iteration = 'steps: [' `);
        db.exec(`UPDATE shot_array_data SET dtype = 'complex128'`);
      });
      await expect(storage.getSequence(path)).rejects.toThrow(
        /stored iteration is not valid JSON.*\(sequence \\s\)/,
      );
      await expect(storage.getShotData(path, 0, 'img')).rejects.toThrow(
        /stored array "img" has unknown dtype "complex128"/,
      );
      withRawConnection(storage.location, (db) =>
        db.exec(`UPDATE sequences SET state = 'suspended'`),
      );
      await expect(storage.getStats(path)).rejects.toBeInstanceOf(InvalidStorageDataError);
    } finally {
      await storage.close();
    }
  });

  it('copies from the memory storage into SQLite and back', async () => {
    const memory = new MemorySessionStorage();
    const path = p('\\lab\\scan');
    (
      await memory.createSequence(path, { iteration: { a: 1 }, timeLanes: [], expectedShots: 2 })
    ).unwrap();
    (
      await memory.setPreparing(path, {
        globals: [1],
        deviceConfigurations: [],
        owner: currentRunOwner('m'),
      })
    ).unwrap();
    (await memory.setRunning(path, new Date('2024-01-01T00:00:00.001Z'))).unwrap();
    (await memory.createShots(path, [shot(0), shot(1)])).unwrap();
    (await memory.setInterrupted(path, new Date('2024-01-01T00:00:09.009Z'))).unwrap();
    const sqlite = await openSqliteStorage(files.next('copy'));
    const back = new MemorySessionStorage();
    try {
      expect((await copyPath(memory, sqlite, p('\\lab'))).unwrap()).toEqual([path]);
      expect((await sqlite.getSequence(path)).unwrap()).toEqual(
        (await memory.getSequence(path)).unwrap(),
      );
      (await copyPath(sqlite, back, SequencePath.root)).unwrap();
      expect((await back.getSequence(path)).unwrap()).toEqual(
        (await memory.getSequence(path)).unwrap(),
      );
      const img = (await back.getShotData(path, 1, 'img')).unwrap() as NDArray;
      expect(img.equals(shot(1).data.img as NDArray)).toBe(true);
      expect((await back.creationDate(p('\\lab'))).unwrap()).toEqual(
        (await memory.creationDate(p('\\lab'))).unwrap(),
      );
    } finally {
      await sqlite.close();
    }
  });
});
