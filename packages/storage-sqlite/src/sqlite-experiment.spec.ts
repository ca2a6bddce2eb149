// End to end with the embedded storage: a lab of simulated devices runs sequences through the
// ExperimentManager / Procedure API into a real SQLite file, which a second connection then reads.
// (Written by the engine area: it needs @shotline/testing's simulated lab and this package.)
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentRunOwner, ExperimentManager, NDArray, SequencePath } from '@shotline/core';
import { countingScan as scan, createSimulatedLab } from '@shotline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from './sqlite-session-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'shotline-sqlite-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('running sequences into SQLite', () => {
  it('stores every shot with its data and timing, readable from another connection', async () => {
    const file = join(dir, 'lab.sqlite');
    const storage = await openSqliteStorage(file);
    const lab = await createSimulatedLab({
      storage,
      devices: [
        {
          name: 'camera',
          type: 'shotline.testing.data-producer',
          configuration: { width: 8, height: 4 },
        },
        {
          name: 'analysis',
          type: 'shotline.testing.data-waiter',
          configuration: { waitFor: ['camera\\image'] },
        },
        {
          name: 'flaky',
          type: 'shotline.testing.failing',
          configuration: { phase: 'runShot', atShot: 3 },
        },
      ],
    });
    await lab.session.createSequence('\\mot\\scan', scan(10));
    await lab.session.createSequence('\\mot\\crash', scan(10));
    const manager = await ExperimentManager.create({
      storage,
      registry: lab.registry,
      managerId: 'pc-1',
    });
    await manager.createProcedure('e2e').run(async (procedure) => {
      // the failing device is only in the second run's configuration
      await procedure.runSequence('\\mot\\scan', {
        deviceConfigurations: (await lab.session.deviceConfigurations()).filter(
          (d) => d.name !== 'flaky',
        ),
      });
      await expect(procedure.runSequence('\\mot\\crash')).rejects.toThrow(
        /device "flaky" failed during the shot/,
      );
    });
    await storage.close();

    const reader = await openSqliteStorage(file);
    try {
      const scanPath = SequencePath.parse('\\mot\\scan');
      expect((await reader.getStats(scanPath)).unwrap()).toMatchObject({
        state: 'finished',
        completedShots: 10,
      });
      const shot = (await reader.getShot(scanPath, 9)).unwrap();
      expect(shot.parameters).toMatchObject({ i: 9 });
      expect(shot.labels).toEqual(['analysis\\received', 'camera\\image']);
      expect(shot.timing).toMatchObject({
        attempts: 1,
        devices: { camera: { outcome: 'ok' }, analysis: { outcome: 'ok' } },
      });
      const image = (
        await reader.getShotData(scanPath, 9, 'camera\\image')
      ).unwrap() as NDArray<'uint16'>;
      expect(image).toBeInstanceOf(NDArray);
      expect(image.shape).toEqual([4, 8]);
      expect(image.data[0]).toBe(9);

      const crashPath = SequencePath.parse('\\mot\\crash');
      const crashed = (await reader.getSequence(crashPath)).unwrap();
      expect(crashed.state).toBe('crashed');
      expect(crashed.error?.location).toMatchObject({ shot: 3, device: 'flaky' });
      expect((await reader.shotIndices(crashPath)).unwrap()).toEqual([0, 1, 2]);
      expect(crashed.owner).toEqual(manager.owner);
      expect(crashed.owner).toMatchObject({
        host: hostname(),
        pid: process.pid,
        label: 'manager pc-1',
      });
    } finally {
      await reader.close();
    }
  });

  it('whoever opens the file next crashes a sequence left RUNNING without a live run', async () => {
    const file = join(dir, 'restart.sqlite');
    const storage = await openSqliteStorage(file);
    const lab = await createSimulatedLab({ storage });
    const path = await lab.session.createSequence('\\left running', scan(3));
    const owner = currentRunOwner('a run that did not end');
    (await storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner })).unwrap();
    (await storage.setRunning(path, new Date())).unwrap();
    await storage.close();

    const reopened = await openSqliteStorage(file);
    try {
      expect(reopened.recoveredAtOpen.map((r) => r.path.toString())).toEqual(['\\left running']);
      const record = (await reopened.getSequence(path)).unwrap();
      expect(record.state).toBe('crashed');
      expect(record.error?.code).toBe('RUN_PROCESS_GONE');
      expect(record.error?.message).toMatch(/its lock was released by the operating system/);
    } finally {
      await reopened.close();
    }
  });
});
