import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type NDArray, SequencePath, currentRunOwner } from '@shotline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from './sqlite-session-storage.js';
import { temporaryDatabases, withRawConnection } from './sqlite-test-files.test-helper.js';

// Real child processes on one SQLite file: a writer killed with SIGKILL, and two managers racing to
// start the same sequences. The children run the built dist (see vitest.global-setup.ts).

const files = temporaryDatabases('processes');
afterAll(() => files.dispose());
const fixtures = join(import.meta.dirname, '..', 'test-fixtures');

function child(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [join(fixtures, script), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function lines(process: ChildProcess, onLine: (line: string) => void): void {
  createInterface({ input: process.stdout! }).on('line', onLine);
}

/** The first line a child prints (rejects if it exits first, with what it wrote on stderr). */
function firstLine(process: ChildProcess): Promise<string> {
  let stderr = '';
  process.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    lines(process, resolve);
    process.once('exit', (code) => reject(new Error(`child exited (${code}): ${stderr}`)));
  });
}

/** A RUNNING sequence for the shot-writer child (which takes its lock before it opens with recovery). */
async function runningSequence(file: string, path: SequencePath): Promise<void> {
  const storage = await openSqliteStorage(file, { recoverStaleRuns: false });
  (
    await storage.createSequence(path, { iteration: [], timeLanes: {}, expectedShots: null })
  ).unwrap();
  const owner = currentRunOwner('test');
  (await storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner })).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
  await storage.close();
}

function expectedPixel(index: number, i: number): number {
  return (index * 7 + i) & 0xffff;
}

describe('SQLite with several processes', () => {
  it('loses no committed shot when the writing process is killed, and the file still opens and reads', async () => {
    const file = files.next('kill');
    const path = SequencePath.parse('\\durability\\kill -9');
    await runningSequence(file, path);
    const writer = child('shot-writer.mjs', [file, path.toString()]);
    const stderr: string[] = [];
    writer.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const committed: number[] = [];
    const enough = new Promise<void>((resolve) =>
      lines(writer, (line) => {
        const match = /^committed (\d+)$/.exec(line);
        if (match) committed.push(Number(match[1]));
        if (committed.length === 60) resolve();
      }),
    );
    const exited = once(writer, 'exit');
    await Promise.race([enough, exited]);
    expect(committed.length, `the writer stopped early: ${stderr.join('')}`).toBeGreaterThanOrEqual(
      60,
    );

    // Meanwhile a reader in this process sees only complete shots.
    const reader = await openSqliteStorage(file);
    try {
      for (const index of (await reader.shotIndices(path)).unwrap()) {
        const picture = (await reader.getShotData(path, index, 'cam\\picture')).unwrap() as NDArray;
        expect(picture.data[1000]).toBe(expectedPixel(index, 1000));
        expect((await reader.getShotData(path, index, 'counts')).unwrap()).toBe(index * 3);
      }
    } finally {
      await reader.close();
    }

    await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
    writer.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');

    withRawConnection(file, (db) =>
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok'),
    );
    // Whoever opens the file next finds the run's lock free: the run is recovered as CRASHED.
    const storage = await openSqliteStorage(file);
    try {
      expect(storage.recoveredAtOpen.map((r) => r.path.toString())).toEqual([path.toString()]);
      const record = (await storage.getSequence(path)).unwrap();
      expect(record.state).toBe('crashed');
      expect(record.error?.message).toMatch(
        /^the process that ran it stopped \(shot-writer \(host .*, pid \d+\), last seen .*\): its lock was released by the operating system/,
      );
      const stored = (await storage.shotIndices(path)).unwrap();
      expect(stored).toEqual(expect.arrayContaining(committed));
      expect((await storage.getStats(path)).unwrap().completedShots).toBe(stored.length);
      for (const index of stored) {
        const shot = (await storage.getShot(path, index)).unwrap();
        expect(shot.labels).toEqual(['cam\\picture', 'counts']);
        expect(shot.parameters['p.19']).toBeCloseTo(index + 1.9);
        const picture = (
          await storage.getShotData(path, index, 'cam\\picture')
        ).unwrap() as NDArray<'uint16'>;
        expect(picture.shape).toEqual([512, 512]);
        const last = picture.size - 1;
        expect([picture.data[0], picture.data[last]]).toEqual([
          expectedPixel(index, 0),
          expectedPixel(index, last),
        ]);
      }
    } finally {
      await storage.close();
    }
  }, 60_000);

  for (const mode of ['close', 'leave'] as const) {
    it(`lets a script that ${mode === 'close' ? 'closes' : 'forgets to close'} its storage end by itself`, async () => {
      const file = files.next(mode);
      const script = child('open-write-exit.mjs', [file, mode]);
      const output: string[] = [];
      lines(script, (line) => output.push(line));
      const timer = setTimeout(() => script.kill('SIGKILL'), 20_000);
      const [code, signal] = await once(script, 'exit');
      clearTimeout(timer);
      expect({ code, signal, output }).toEqual({
        code: 0,
        signal: null,
        output: [mode === 'close' ? 'closed' : 'left open'],
      });
      const storage = await openSqliteStorage(file);
      expect(await storage.pathExists(SequencePath.parse('\\written'))).toBe(true);
      await storage.close();
    }, 30_000);
  }

  it("holds a run's device locks until its process dies, which releases them at once", async () => {
    const file = files.next('locks');
    await (await openSqliteStorage(file)).close();
    const run = child('hold-locks.mjs', [file, '\\a', 'sequence:\\a', 'device:camera']);
    const first = await firstLine(run);
    expect(first).toBe('locked');
    const storage = await openSqliteStorage(file);
    try {
      const b = { resources: ['sequence:\\b', 'device:camera'], holder: currentRunOwner('b') };
      const refused = await storage.acquireLocks(b);
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.error.message).toMatch(
        new RegExp(
          `^device "camera" is in use by sequence \\\\a, run by shotline run \\\\a \\(host .+, pid ${run.pid}\\) since `,
        ),
      );
      // Another process on other devices goes ahead.
      const other = child('hold-locks.mjs', [file, '\\c', 'sequence:\\c', 'device:laser']);
      expect(await firstLine(other)).toBe('locked');
      other.kill('SIGKILL');
      run.kill('SIGKILL');
      await once(run, 'exit');
      // No lease to wait for: the operating system released the lock with the process.
      const granted = (await storage.acquireLocks(b)).unwrap();
      const locks = await storage.listLocks();
      expect(locks.find((l) => l.resource === 'device:camera')?.holder.label).toBe('b');
      await granted.release();
    } finally {
      run.kill('SIGKILL');
      await storage.close();
    }
  }, 60_000);

  it('lets exactly one of two manager processes start each sequence', async () => {
    const file = files.next('race');
    const paths = Array.from({ length: 20 }, (_, i) => `\\race\\s${i}`);
    const setup = await openSqliteStorage(file);
    for (const p of paths) {
      const draft = { iteration: [], timeLanes: {}, expectedShots: 1 };
      (await setup.createSequence(SequencePath.parse(p), draft)).unwrap();
    }
    await setup.close();

    const managers = ['pc-a', 'pc-b'].map((owner) => {
      const process = child('start-sequences.mjs', [file, owner, ...paths]);
      const output: string[] = [];
      const ready = new Promise<void>((resolve) =>
        lines(process, (line) => {
          if (line === 'ready') resolve();
          else output.push(line);
        }),
      );
      return { owner, process, output, ready, exited: once(process, 'exit') };
    });
    await Promise.all(managers.map((m) => m.ready));
    for (const m of managers) m.process.stdin!.write('go\n');
    await Promise.all(managers.map((m) => m.exited));

    const results = managers.map(
      (m) => JSON.parse(m.output[0]!) as { won: boolean[]; refusals: string[] },
    );
    // (Without recovery: these PREPARING sequences have no run behind them.)
    const storage = await openSqliteStorage(file, { recoverStaleRuns: false });
    try {
      for (let i = 0; i < paths.length; i++) {
        const winners = managers.filter((_, k) => results[k]!.won[i]).map((m) => m.owner);
        expect(winners, paths[i]).toHaveLength(1);
        const record = (await storage.getSequence(SequencePath.parse(paths[i]!))).unwrap();
        expect(record.state).toBe('preparing');
        expect(record.owner?.id).toBe(winners[0]);
      }
      for (const r of results) {
        expect(new Set(r.refusals)).toEqual(
          r.refusals.length ? new Set(['INVALID_STATE_TRANSITION']) : new Set(),
        );
      }
    } finally {
      await storage.close();
    }
  }, 60_000);
});
