// A disk that fills up during a run, for real: the lab's database on a small tmpfs. The run ends
// CRASHED with the real cause (SQLITE_FULL and the file), no shot starts after the failed write,
// what is reported as stored is what the file holds, nothing is left RUNNING, and once there is
// room again the lab opens and runs. Mounting needs root (CI runs as root); otherwise the test is
// skipped and says why.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentManager, SequencePath, type ShotlineEvent } from '@shotline/core';
import { countingScan as scan, createSimulatedLab } from '@shotline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from './sqlite-session-storage.js';
import { withRawConnection } from './sqlite-test-files.test-helper.js';

function canMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs as root)';
  const probe = mkdtempSync(join(tmpdir(), 'shotline-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `cannot mount a tmpfs here: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const skipReason = canMount();
if (skipReason) console.warn(`SQLite disk-full tests are skipped: ${skipReason}`);

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      // already unmounted
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

function smallDisk(megabytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'shotline-disk-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

describe.skipIf(skipReason !== undefined)('SQLite on a disk that fills up during a run', () => {
  // 512×512 uint16 pictures (512 KiB) go to chunk files by default: the disk fills up in a chunk
  // file write (ENOSPC) or in SQLite's (SQLITE_FULL), whichever comes first; the last try keeps the
  // pictures inside the database.
  it.each([
    { attempt: 1, arrays: 'chunk files' },
    { attempt: 2, arrays: 'chunk files' },
    { attempt: 3, arrays: 'the database' },
  ])(
    'ends CRASHED with the disk-full error and the file (try $attempt, arrays in $arrays), stores what it reports, and works again once there is room',
    async ({ arrays }) => {
      const chunkOptions = arrays === 'chunk files' ? {} : { arrayChunks: false as const };
      const dir = smallDisk(12);
      const file = join(dir, 'shotline.sqlite');
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const storage = await openSqliteStorage(file, chunkOptions);
        const lab = await createSimulatedLab({
          storage,
          devices: [
            {
              name: 'camera',
              type: 'shotline.testing.data-producer',
              configuration: { width: 512, height: 512, shotMs: 5 },
            },
          ],
        });
        await lab.session.createSequence('\\scan', scan(60));
        const events: ShotlineEvent[] = [];
        lab.events.onAny((e) => events.push(e));
        const manager = await ExperimentManager.create({
          storage,
          registry: lab.registry,
          events: lab.events,
        });
        const error = await manager
          .createProcedure('fill the disk')
          .run((p) => p.runSequence('\\scan'))
          .then(() => undefined)
          .catch((e: unknown) => e as Error);
        const path = SequencePath.parse('\\scan');
        const record = (await storage.getSequence(path)).unwrap();
        const stored = (await storage.shotIndices(path)).unwrap();
        await storage.close();

        expect(record.state).toBe('crashed');
        expect(record.error?.code).toBe('SHOT_STORAGE');
        expect(record.error?.message).toMatch(
          arrays === 'chunk files' ? /SQLITE_FULL|ENOSPC/ : /SQLITE_FULL/,
        );
        expect(record.error?.message).toContain(file);
        expect(record.error?.cause).toMatchObject({ code: 'STORAGE_IO', location: { file } });
        expect(error?.message).toBe(record.error?.message);
        expect(stored.length).toBeGreaterThan(0);
        expect(stored.length).toBeLessThan(60);
        // What was reported stored is what the file holds; no shot started after the failure.
        const reported = events.filter((e) => e.type === 'shot-stored').map((e) => e.index);
        expect(reported).toEqual(stored);
        const halting = events.findIndex((e) => e.type === 'sequence-halting');
        expect(events[halting]).toMatchObject({ reason: 'storage' });
        expect(events.slice(halting).filter((e) => e.type === 'shot-started')).toEqual([]);
        expect(unhandled).toEqual([]);

        // Room again: the lab opens, the file is sound, the sequence resets and runs.
        execFileSync('mount', ['-o', 'remount,size=128m', dir]);
        withRawConnection(file, (db) =>
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok'),
        );
        const reopened = await openSqliteStorage(file, chunkOptions);
        try {
          expect((await reopened.getSequence(path)).unwrap().state).toBe('crashed');
          // Every stored shot is complete; what the failed write left in a chunk file is gone.
          const check = await reopened.checkIntegrity();
          expect(check.problems).toEqual([]);
          expect(check.unreferencedChunkFiles).toEqual([]);
          expect(check.arrays).toBe(stored.length);
          expect(check.chunkedArrays).toBe(arrays === 'chunk files' ? stored.length : 0);
          for (const index of stored) {
            const picture = (await reopened.getShotData(path, index, 'camera\\image')).unwrap();
            expect(picture).toMatchObject({ dtype: 'uint16', shape: [512, 512] });
          }
          (await reopened.resetToDraft(path)).unwrap();
          const again = await ExperimentManager.create({
            storage: reopened,
            registry: lab.registry,
          });
          await again.createProcedure('again').run((p) => p.runSequence('\\scan'));
          expect((await reopened.getStats(path)).unwrap()).toMatchObject({
            state: 'finished',
            completedShots: 60,
          });
        } finally {
          await reopened.close();
        }
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    },
    180_000,
  );
});
