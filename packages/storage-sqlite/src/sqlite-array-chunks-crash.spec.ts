import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type NDArray, SequencePath, currentRunOwner, sequenceResource } from '@shotline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from './sqlite-session-storage.js';
import { temporaryDatabases, withRawConnection } from './sqlite-test-files.test-helper.js';

// A process writing shots with chunk files, killed with SIGKILL again and again: every committed
// shot is complete, no row points at missing bytes, and the next open cuts off what was written but
// never committed. The child runs the built dist (see vitest.global-setup.ts).

const files = temporaryDatabases('chunks-crash');
afterAll(() => files.dispose());
const fixture = join(import.meta.dirname, '..', 'test-fixtures', 'chunk-shot-writer.mjs');

/** Runs the writer from `first` until it has committed `count` shots more, then kills it. */
async function writeAndKill(
  file: string,
  path: SequencePath,
  first: number,
  writer: 'worker' | 'inline',
  count: number,
): Promise<number[]> {
  const child: ChildProcess = spawn(
    process.execPath,
    [fixture, file, path.toString(), String(first), writer],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const committed: number[] = [];
  const exited = once(child, 'exit');
  const enough = new Promise<void>((resolve) =>
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^committed (\d+)$/.exec(line);
      if (match) committed.push(Number(match[1]));
      if (committed.length === count) resolve();
    }),
  );
  await Promise.race([enough, exited]);
  expect(committed.length, `the writer stopped early: ${stderr.join('')}`).toBeGreaterThanOrEqual(
    count,
  );
  // Kill at a random moment of the writes that follow.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
  child.kill('SIGKILL');
  const [, signal] = await exited;
  expect(signal).toBe('SIGKILL');
  return committed;
}

function pixel(index: number, i: number): number {
  return (index * 7 + i) & 0xffff;
}

describe('SQLite chunk files when the writing process is killed', { timeout: 300_000 }, () => {
  for (const writer of ['worker', 'inline'] as const) {
    it(`keeps every committed shot complete, with no dangling reference nor garbage left after the next open (${writer} writer)`, async () => {
      const file = files.next(writer);
      const path = SequencePath.parse('\\crash\\kill -9');
      // This process stands for the run's owner: it holds the sequence's run lock throughout, so
      // that each open (here and in the writer) sees a live run, not a stale one to recover.
      const setup = await openSqliteStorage(file);
      const owner = currentRunOwner('test');
      (await setup.acquireLocks({ resources: [sequenceResource(path)], holder: owner })).unwrap();
      (
        await setup.createSequence(path, { iteration: [], timeLanes: {}, expectedShots: null })
      ).unwrap();
      (await setup.setPreparing(path, { globals: [], deviceConfigurations: [], owner })).unwrap();
      (await setup.setRunning(path, new Date())).unwrap();

      const committed: number[] = [];
      for (let round = 0; round < 3; round++) {
        const storage = await openSqliteStorage(file, { writer: 'inline' });
        const stored = (await storage.shotIndices(path)).unwrap();
        await storage.close();
        const first = stored.length === 0 ? 0 : stored[stored.length - 1]! + 1;
        committed.push(...(await writeAndKill(file, path, first, writer, 12)));
      }

      withRawConnection(file, (db) =>
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok'),
      );
      const storage = await openSqliteStorage(file);
      try {
        const stored = (await storage.shotIndices(path)).unwrap();
        expect(stored).toEqual(expect.arrayContaining(committed));
        expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i));
        for (const index of stored) {
          const picture = (
            await storage.getShotData(path, index, 'cam\\picture')
          ).unwrap() as NDArray<'uint16'>;
          const last = picture.size - 1;
          expect([picture.data[0], picture.data[1234], picture.data[last]]).toEqual([
            pixel(index, 0),
            pixel(index, 1234),
            pixel(index, last),
          ]);
          expect((await storage.getShotData(path, index, 'counts')).unwrap()).toBe(index * 3);
        }
        const report = await storage.checkIntegrity();
        expect(report.problems).toEqual([]);
        expect(report.chunkedArrays).toBe(stored.length);
        // What the killed writers wrote but never committed is gone: every chunk file ends with its
        // last referenced array, and no file is left that nothing points into.
        expect(report.unreferencedChunkFiles).toEqual([]);
        const ends = withRawConnection(
          file,
          (db) =>
            db
              .prepare(
                'SELECT chunk_file AS name, max(chunk_offset + byte_length) AS end FROM shot_array_chunks GROUP BY chunk_file',
              )
              .all() as { name: string; end: number }[],
        );
        const directory = storage.chunkDirectory!;
        const onDisk = readdirSync(directory).filter((n) => n.endsWith('.chunk'));
        expect(onDisk.sort()).toEqual(ends.map((e) => e.name).sort());
        for (const { name, end } of ends) expect(statSync(join(directory, name)).size).toBe(end);
        expect(readdirSync(directory).filter((n) => n.includes('.lease'))).toEqual([]);
      } finally {
        await storage.close();
        await setup.close();
      }
    });
  }
});
