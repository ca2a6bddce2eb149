// The example of README.md, as written there (the SQLite file goes to a temporary folder).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cameraPlugin } from '@shotline/camera';
import {
  ArangeLoop,
  CameraTimeLane,
  DeviceRegistry,
  ExecuteShot,
  ExperimentManager,
  ExperimentSession,
  IterationConfiguration,
  type NDArray,
  SequencePath,
  TakePicture,
  TimeLanes,
} from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'shotline-camera-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the README example', async () => {
  const file = join(dir, 'lab.sqlite');
  // --- README example -------------------------------------------------------------------------
  const registry = new DeviceRegistry();
  await registry.use(cameraPlugin);
  const storage = await openSqliteStorage(file);
  const session = new ExperimentSession(storage, registry);
  await session.setDeviceConfiguration({
    name: 'cam',
    type: 'shotline.camera.simulated',
    configuration: {
      roi: { x: 0, y: 0, width: 512, height: 512 },
      cloud: { x: '200 + 20 * i', y: '256', sigma: '15', peak: '800' },
    },
  });
  await session.createSequence('\\demo\\cloud', {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: '5',
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({
      stepNames: ['load', 'image'],
      stepDurations: ['10 ms', '2 ms'],
      lanes: {
        cam: new CameraTimeLane([
          [null, 1],
          [new TakePicture('atoms'), 1],
        ]),
      },
    }),
  });
  const manager = await ExperimentManager.create({ storage, registry });
  {
    await using procedure = await manager.createProcedure('demo').activate();
    await procedure.runSequence('\\demo\\cloud');
  }
  // ---------------------------------------------------------------------------------------------
  const image = (
    await storage.getShotData(SequencePath.from('\\demo\\cloud'), 4, 'cam\\atoms')
  ).unwrap() as NDArray<'uint16'>;
  expect(image.shape).toEqual([512, 512]);
  expect(image.dtype).toBe('uint16');
  const row = Array.from(image.data.subarray(256 * 512, 257 * 512));
  // Shot 4: the cloud is at column 200 + 20 * 4 = 280 (noise aside).
  expect(Math.abs(row.indexOf(Math.max(...row)) - 280)).toBeLessThanOrEqual(3);
});
