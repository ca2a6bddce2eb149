import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { NDArray, SequencePath, type ShotInput, currentRunOwner } from '@shotline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openConnection } from './internal/connection.js';
import { WalIndex } from './internal/wal-index.js';
import { openSqliteStorage } from './sqlite-session-storage.js';
import { temporaryDatabases } from './sqlite-test-files.test-helper.js';

// The writer worker never checkpoints; its checkpointer worker copies the WAL into the database
// while the writer goes on, and the WAL stays within its limit.

const files = temporaryDatabases('checkpoints');
afterAll(() => files.dispose());
const path = SequencePath.parse('\\wal\\images');
const IMAGE_BYTES = 512 * 512 * 2;

function shot(index: number): ShotInput {
  const pixels = new Uint16Array(512 * 512).fill(index);
  return {
    index,
    parameters: { n: index },
    data: { 'cam\\picture': new NDArray('uint16', [512, 512], pixels) },
    startTime: new Date(),
    endTime: new Date(),
    timing: null,
  };
}

async function runningStorage(file: string, walLimitMiB?: number) {
  const storage = await openSqliteStorage(file, walLimitMiB === undefined ? {} : { walLimitMiB });
  (
    await storage.createSequence(path, { iteration: [], timeLanes: {}, expectedShots: null })
  ).unwrap();
  (
    await storage.setPreparing(path, {
      globals: [],
      deviceConfigurations: [],
      owner: currentRunOwner('t'),
    })
  ).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
  return storage;
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SQLite checkpoints', () => {
  it('copies committed shots into the database file in the background, while the storage stays open', async () => {
    const file = files.next();
    const storage = await runningStorage(file);
    const index = new WalIndex(file);
    try {
      for (let i = 0; i < 20; i++) (await storage.createShot(path, shot(i))).unwrap();
      await eventually(() => {
        const wal = index.read();
        return wal !== undefined && wal.frames > 0 && wal.backfilled === wal.frames;
      });
      expect(statSync(file).size).toBeGreaterThan(20 * IMAGE_BYTES);
      const stats = (await storage.checkpointStats())!;
      expect(stats.checkpoints).toBeGreaterThanOrEqual(1);
      expect(stats.writerWaits).toBe(0);
    } finally {
      index.close();
      await storage.close();
    }
  });

  it('keeps the WAL within its limit by holding the writer back until the checkpointer caught up', async () => {
    const file = files.next();
    const limitMiB = 4;
    const storage = await runningStorage(file, limitMiB);
    let largest = 0;
    try {
      for (let i = 0; i < 40; i++) {
        (await storage.createShot(path, shot(i))).unwrap();
        largest = Math.max(largest, statSync(`${file}-wal`).size);
      }
      // The limit, plus at most the one transaction that reached it: a shot's image (8 pages of
      // 64 KiB) and the pages of its rows and their indexes (5 more with the current schema), so
      // less than two images. (Where the limit falls within that transaction depends on how many
      // pages the schema took in the first pass of the WAL.)
      expect(largest).toBeLessThan(limitMiB * 2 ** 20 + 2 * IMAGE_BYTES);
      const stats = (await storage.checkpointStats())!;
      expect(stats.writerWaits).toBeGreaterThanOrEqual(1);
      expect((await storage.shotIndices(path)).unwrap()).toHaveLength(40);
      const last = (await storage.getShotData(path, 39, 'cam\\picture')).unwrap() as NDArray;
      expect(last.data[12345]).toBe(39);
    } finally {
      await storage.close();
    }
  });

  it('lets the WAL grow past its limit while a reader holds old frames, without waiting on every write', async () => {
    const file = files.next();
    const storage = await runningStorage(file, 2);
    const reader = new Database(file);
    try {
      reader.exec('BEGIN');
      expect(reader.prepare('SELECT count(*) AS n FROM shots').get()).toEqual({ n: 0 });
      for (let i = 0; i < 12; i++) (await storage.createShot(path, shot(i))).unwrap();
      // The writer found the checkpoints stuck behind the reader and went on: it waited once or
      // twice (how many frames the first wait still saw copied depends on the size of the
      // schema), never on every one of the 12 writes.
      expect((await storage.checkpointStats())!.writerWaits).toBeGreaterThanOrEqual(1);
      expect((await storage.checkpointStats())!.writerWaits).toBeLessThanOrEqual(2);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(12 * IMAGE_BYTES);
      reader.exec('COMMIT');
      // Once the reader is done, the checkpointer copies everything and the WAL starts again.
      const wal = new WalIndex(file);
      try {
        await eventually(() => {
          const state = wal.read()!;
          return state.backfilled === state.frames;
        });
        for (let i = 12; i < 16; i++) (await storage.createShot(path, shot(i))).unwrap();
        expect(wal.read()!.frames * 65560).toBeLessThan(2 * 2 ** 20 + 1.2 * IMAGE_BYTES);
      } finally {
        wal.close();
      }
      expect((await storage.shotIndices(path)).unwrap()).toHaveLength(16);
    } finally {
      reader.close();
      await storage.close();
    }
  });

  it('leaves no WAL behind once closed', async () => {
    const file = files.next();
    const storage = await runningStorage(file);
    for (let i = 0; i < 5; i++) (await storage.createShot(path, shot(i))).unwrap();
    await storage.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = await openSqliteStorage(file, { writer: 'inline' });
    expect((await reopened.shotIndices(path)).unwrap()).toEqual([0, 1, 2, 3, 4]);
    await reopened.close();
  });

  it('checkpoints with the durability of the storage, and only in the checkpointer', () => {
    const file = files.next();
    const levels = { off: 0, normal: 1, full: 2 } as const;
    for (const [durability, synchronous] of Object.entries(levels)) {
      const settings = { durability: durability as keyof typeof levels, busyTimeoutMs: 1000 };
      const roles = ['reader', 'writer', 'checkpointer'] as const;
      const connections = roles.map((role) => openConnection(file, settings, role));
      try {
        expect(connections.map((db) => db.pragma('synchronous', { simple: true }))).toEqual([
          synchronous,
          synchronous,
          synchronous,
        ]);
        expect(connections.map((db) => db.pragma('wal_autocheckpoint', { simple: true }))).toEqual([
          1000, 0, 0,
        ]);
      } finally {
        for (const db of connections) db.close();
      }
    }
  });
});
