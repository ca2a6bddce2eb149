// The "done when", end to end: sequences run by the ExperimentManager / Procedure API, with
// the camera plugin loaded in a DeviceRegistry, into a real SQLite file. Two pictures per shot are
// stored as labelled [height, width] arrays, once with the simulated camera and once with Aravis's
// fake camera; a timeout, a disconnect and a ROI larger than the sensor crash the sequence with the
// camera's error, and the camera is closed afterwards in every case.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArangeLoop,
  DeviceRegistry,
  ExecuteShot,
  ExperimentManager,
  ExperimentSession,
  IterationConfiguration,
  NDArray,
  SequencePath,
  TimeLanes,
  type ErrorSummary,
  type SessionStorage,
  InProcessTriggerBus,
  TRIGGER_BUS_TOKEN,
  type TriggerBus,
} from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { aravisAvailability } from './aravis/aravis-availability.js';
import type { AravisCamera } from './aravis/aravis-camera.js';
import type { Camera } from './camera.js';
import { cameraLane } from './camera.test-helper.js';
import { cameraPlugin } from './plugin.js';
import type { SimulatedCameraExtension } from './simulated/simulated-camera-extension.js';

const dir = mkdtempSync(join(tmpdir(), 'shotline-camera-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const aravis = aravisAvailability();
const describeAravis = aravis.available || process.env.CI === 'true' ? describe : describe.skip;
if (!aravis.available) {
  console.warn(`[@shotline/camera] skipping the Aravis sequence tests: ${aravis.reason}`);
}

/** 3 shots; steps: wait 2 ms, picture "atoms" 1 ms, wait 2 ms, picture "background" 3 ms. */
function twoPictureSequence(shots = 3) {
  return {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: String(shots),
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({
      stepNames: ['load', 'atoms', 'wait', 'background'],
      stepDurations: ['2 ms', '1 ms', '2 ms', '3 ms'],
      lanes: {
        cam: cameraLane([
          [null, 1],
          ['atoms', 1],
          [null, 1],
          ['background', 1],
        ]),
      },
    }),
  };
}

interface Lab {
  readonly storage: SessionStorage;
  readonly session: ExperimentSession;
  readonly registry: DeviceRegistry;
  /** The cameras the engine built, in order. */
  readonly cameras: Camera[];
  run(path: string): Promise<void>;
}

let labs = 0;

/** A lab with the camera plugin, a SQLite file, and one camera "cam" of `type`. */
async function lab(type: string, configuration: Record<string, unknown>): Promise<Lab> {
  const registry = new DeviceRegistry();
  await registry.use(cameraPlugin);
  const extension = registry.extension(type);
  const created = vi.spyOn(extension, 'createDevice');
  const storage = await openSqliteStorage(join(dir, `lab-${labs++}.sqlite`));
  const session = new ExperimentSession(storage, registry);
  await session.setDeviceConfiguration({ name: 'cam', type, configuration });
  return {
    storage,
    session,
    registry,
    get cameras() {
      return created.mock.results.map((result) => result.value as Camera);
    },
    async run(path) {
      const manager = await ExperimentManager.create({ storage, registry });
      await using procedure = await manager.createProcedure('camera').activate();
      await procedure.runSequence(path);
    },
  };
}

/** The codes of an error summary and all its causes. */
function codes(summary: ErrorSummary | null | undefined): string[] {
  if (!summary) return [];
  return [
    ...(summary.code === undefined ? [] : [summary.code]),
    ...codes(summary.cause),
    ...(summary.errors ?? []).flatMap((e) => codes(e)),
  ];
}

/** The messages of an error summary and its causes, joined. */
function messages(summary: ErrorSummary | null | undefined): string {
  if (!summary) return '';
  return [summary.message, messages(summary.cause), ...(summary.errors ?? []).map(messages)].join(
    ' | ',
  );
}

async function expectTwoImagesPerShot(
  l: Lab,
  path: string,
  shape: number[],
  dtype: string,
): Promise<void> {
  expect(await l.session.state(path)).toBe('finished');
  expect(await l.session.shotIndices(path)).toEqual([0, 1, 2]);
  for (const index of [0, 1, 2]) {
    const shot = await l.session.shot(path, index);
    expect([...shot.labels].sort()).toEqual(['cam\\atoms', 'cam\\background']);
    for (const label of ['cam\\atoms', 'cam\\background']) {
      const image = (await l.storage.getShotData(SequencePath.from(path), index, label)).unwrap();
      expect(image).toBeInstanceOf(NDArray);
      expect((image as NDArray).shape).toEqual(shape);
      expect((image as NDArray).dtype).toBe(dtype);
    }
  }
}

describe('a sequence with the simulated camera', () => {
  const simulated = {
    roi: { x: 16, y: 8, width: 96, height: 64 },
    sensor: { width: 128, height: 128, bitDepth: 12 },
    cloud: { x: '40 + 10 * i', y: '40', sigma: '5', peak: '300' },
    noise: { seed: 4, sigma: 0, offset: 50 },
    timeouts: { margin: 0.5 },
  };

  it('stores two labelled images per shot, where the cloud follows the shot parameters', async () => {
    const l = await lab('shotline.camera.simulated', simulated);
    await l.session.createSequence('\\cam\\two pictures', twoPictureSequence());
    await l.run('\\cam\\two pictures');
    await expectTwoImagesPerShot(l, '\\cam\\two pictures', [64, 96], 'uint16');
    // Shot i has its cloud at sensor column 40 + 10 i, i.e. image column 24 + 10 i; "background"
    // (3 ms) is three times as bright as "atoms" (1 ms).
    for (const index of [0, 1, 2]) {
      const atoms = (
        await l.storage.getShotData(SequencePath.from('\\cam\\two pictures'), index, 'cam\\atoms')
      ).unwrap();
      const row = 40 - 8;
      const data = (atoms as NDArray<'uint16'>).data;
      const line = Array.from(data.subarray(row * 96, (row + 1) * 96));
      expect(line.indexOf(Math.max(...line))).toBe(24 + 10 * index);
      expect(Math.max(...line)).toBe(350);
      const background = (
        await l.storage.getShotData(
          SequencePath.from('\\cam\\two pictures'),
          index,
          'cam\\background',
        )
      ).unwrap() as NDArray<'uint16'>;
      expect(Math.max(...background.data)).toBe(950);
    }
    expect(l.cameras).toHaveLength(1);
    expect(l.cameras[0]!.isOpen).toBe(false);
  });

  it('crashes with the camera timeout, naming camera and picture, and closes the camera', async () => {
    const l = await lab('shotline.camera.simulated', {
      ...simulated,
      faults: { dropFrames: [{ shot: 1, picture: 'atoms' }] },
    });
    await l.session.createSequence('\\cam\\timeout', twoPictureSequence());
    await expect(l.run('\\cam\\timeout')).rejects.toThrow(/picture "background"/);
    const info = await l.session.sequence('\\cam\\timeout');
    expect(info.state).toBe('crashed');
    expect(codes(info.error)).toContain('CAMERA_TIMEOUT');
    expect(messages(info.error)).toContain('camera "cam" got no picture "background" (2 of 2)');
    expect(await l.session.shotIndices('\\cam\\timeout')).toEqual([0]);
    expect(l.cameras[0]!.isOpen).toBe(false);
  });

  it('crashes with a disconnect naming the camera, and closes the camera', async () => {
    const l = await lab('shotline.camera.simulated', {
      ...simulated,
      faults: { disconnects: [{ shot: 2 }] },
    });
    await l.session.createSequence('\\cam\\disconnect', twoPictureSequence());
    await expect(l.run('\\cam\\disconnect')).rejects.toThrow(/disconnected/);
    const info = await l.session.sequence('\\cam\\disconnect');
    expect(info.state).toBe('crashed');
    expect(codes(info.error)).toContain('CAMERA_DISCONNECTED');
    expect(messages(info.error)).toContain(
      'camera "cam" disconnected while waiting for picture "atoms"',
    );
    expect(await l.session.shotIndices('\\cam\\disconnect')).toEqual([0, 1]);
    expect(l.cameras[0]!.isOpen).toBe(false);
  });

  it('refuses a ROI larger than the sensor before touching the camera', async () => {
    const l = await lab('shotline.camera.simulated', {
      ...simulated,
      roi: { x: 64, y: 0, width: 96, height: 64 },
    });
    await l.session.createSequence('\\cam\\roi', twoPictureSequence());
    await expect(l.run('\\cam\\roi')).rejects.toThrow(/beyond the sensor width 128/);
    const info = await l.session.sequence('\\cam\\roi');
    expect(info.state).toBe('crashed');
    expect(codes(info.error)).toContain('ROI_OUTSIDE_SENSOR');
    expect(messages(info.error)).toContain(
      'x + width = 64 + 96 = 160 is beyond the sensor width 128 of camera "cam"',
    );
    expect(l.cameras.every((camera) => !camera.isOpen)).toBe(true);
  });

  it('is not used, and not opened, in a sequence without its lane', async () => {
    const l = await lab('shotline.camera.simulated', simulated);
    const { iteration } = twoPictureSequence();
    await l.session.createSequence('\\cam\\no lane', {
      iteration,
      timeLanes: new TimeLanes({ stepNames: ['wait'], stepDurations: ['1 ms'] }),
    });
    await l.run('\\cam\\no lane');
    expect(await l.session.state('\\cam\\no lane')).toBe('finished');
    expect(l.cameras).toHaveLength(0);
  });

  it('shares the lab trigger bus with the other simulated devices', async () => {
    const l = await lab('shotline.camera.simulated', simulated);
    const bus = l.registry.container.resolve<TriggerBus>(TRIGGER_BUS_TOKEN);
    expect(bus).toBeInstanceOf(InProcessTriggerBus);
    const extension = l.registry.extension('shotline.camera.simulated') as SimulatedCameraExtension;
    expect(extension.triggerBus).toBe(bus);
  });
});

describeAravis('a sequence with the Aravis fake camera', () => {
  const fake = {
    deviceId: 'Fake_1',
    roi: { x: 100, y: 50, width: 80, height: 40 },
    pixelFormat: 'Mono16',
    timeouts: { margin: 1 },
  };

  it('stores two labelled images per shot', async () => {
    const l = await lab('shotline.camera.aravis', fake);
    await l.session.createSequence('\\fake\\two pictures', twoPictureSequence());
    await l.run('\\fake\\two pictures');
    await expectTwoImagesPerShot(l, '\\fake\\two pictures', [40, 80], 'uint16');
    expect(l.cameras[0]!.isOpen).toBe(false);
  });

  it('stores Mono8 pictures as uint8', async () => {
    const l = await lab('shotline.camera.aravis', { ...fake, pixelFormat: 'Mono8' });
    await l.session.createSequence('\\fake\\mono8', twoPictureSequence());
    await l.run('\\fake\\mono8');
    await expectTwoImagesPerShot(l, '\\fake\\mono8', [40, 80], 'uint8');
  });

  it('crashes with a ROI larger than the sensor, naming the bound, and closes the camera', async () => {
    const l = await lab('shotline.camera.aravis', {
      ...fake,
      roi: { x: 0, y: 2000, width: 80, height: 64 },
    });
    await l.session.createSequence('\\fake\\roi', twoPictureSequence());
    await expect(l.run('\\fake\\roi')).rejects.toThrow(/beyond the sensor height 2048/);
    const info = await l.session.sequence('\\fake\\roi');
    expect(codes(info.error)).toContain('ROI_OUTSIDE_SENSOR');
    expect(messages(info.error)).toContain(
      'y + height = 2000 + 64 = 2064 is beyond the sensor height 2048 of camera "cam"',
    );
    expect(l.cameras[0]!.isOpen).toBe(false);
  });

  it('crashes when the camera is not connected, naming it, and closes it', async () => {
    const l = await lab('shotline.camera.aravis', { ...fake, deviceId: 'Fake_7' });
    await l.session.createSequence('\\fake\\disconnected', twoPictureSequence());
    await expect(l.run('\\fake\\disconnected')).rejects.toThrow(/Fake_7/);
    const info = await l.session.sequence('\\fake\\disconnected');
    expect(codes(info.error)).toContain('CONNECTION_FAILED');
    expect(messages(info.error)).toContain(
      'camera "cam" could not be opened as Aravis device "Fake_7"',
    );
    expect((l.cameras[0] as AravisCamera).isOpen).toBe(false);
  });

  it('crashes with the camera timeout when the hardware triggers are too slow', async () => {
    // The fake camera's trigger input fires at 25 Hz (once when the acquisition starts, then every
    // 40 ms of wall clock): within a 16 ms shot plus a 50 ms margin at most 4 of 8 pictures come (stale frames are discarded when the camera is armed).
    const l = await lab('shotline.camera.aravis', {
      ...fake,
      externalTrigger: true,
      triggerSource: 'Line0',
      timeouts: { margin: 0.05 },
    });
    const names = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'];
    await l.session.createSequence('\\fake\\timeout', {
      iteration: twoPictureSequence(1).iteration,
      timeLanes: new TimeLanes({
        stepNames: names.flatMap((name) => [name, `after ${name}`]),
        stepDurations: names.flatMap(() => ['1 ms', '1 ms']),
        lanes: {
          cam: cameraLane(names.flatMap((name) => [[name, 1] as const, [null, 1] as const])),
        },
      }),
    });
    await expect(l.run('\\fake\\timeout')).rejects.toThrow(/got no picture "p[2-5]"/);
    const info = await l.session.sequence('\\fake\\timeout');
    expect(info.state).toBe('crashed');
    expect(codes(info.error)).toContain('CAMERA_TIMEOUT');
    expect(messages(info.error)).toMatch(/camera "cam" got no picture "p[2-5]" \([2-5] of 8\)/);
    expect(l.cameras[0]!.isOpen).toBe(false);
  });
});
