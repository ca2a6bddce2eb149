import { InProcessTriggerBus, isDeviceNotUsed, type NDArray } from '@shotline/core';
import {
  RecordingShot,
  stepTimeLanes,
  testSequenceContext,
  testShotContext,
} from '@shotline/testing';
import { describe, expect, it } from 'vitest';
import { cameraLane } from '../camera.test-helper.js';
import { CameraTimeoutError } from '../camera-errors.js';
import { fakeDcamPixel } from './fake-dcam.test-helper.js';
import { SimulatedOrcaQuestExtension } from './simulated-orca-quest-extension.js';

const ROI = { x: 8, y: 4, width: 16, height: 12 };

function setup(bus: InProcessTriggerBus) {
  const extension = new SimulatedOrcaQuestExtension(bus);
  const configuration = extension.configurationSchema.parse({
    roi: ROI,
    timeouts: { margin: 0.5 },
  });
  const sequence = testSequenceContext(
    stepTimeLanes(['1 ms', '1 ms', '1 ms', '1 ms'], {
      orca: cameraLane([
        [null, 1],
        ['atoms', 1],
        [null, 1],
        ['background', 1],
      ]),
    }),
  );
  const compiler = extension.createCompiler('orca', configuration, sequence);
  if (isDeviceNotUsed(compiler)) throw new Error(compiler.reason);
  const shot = testShotContext(sequence, { compilers: { orca: compiler } });
  return {
    extension,
    camera: extension.createDevice('orca', compiler.initializationParameters()),
    parameters: compiler.compileShot(shot),
  };
}

describe('the simulated ORCA-Quest', { timeout: 60_000 }, () => {
  it('exposes one frame per trigger pulse of the lab bus, read out at the falling edge', async () => {
    const bus = new InProcessTriggerBus();
    const { extension, camera, parameters } = setup(bus);
    await camera.open();
    try {
      const shot = new RecordingShot({
        deviceName: 'orca',
        barrier: 'pass',
      });
      const run = extension.createController('orca').runShot(camera, parameters, shot);
      // What a simulated sequencer publishes for the camera's trigger channel.
      const pulse = (start: number): void => {
        bus.publish({ device: 'orca', time: start, edge: 'rising', shot: 0 });
        bus.publish({ device: 'orca', time: start + 1e9, edge: 'falling', shot: 0 });
      };
      while (bus.subscriberCount('orca') === 0) await new Promise((r) => setTimeout(r, 1));
      pulse(1e9);
      pulse(3e9);
      await run;
      const atoms = shot.data.get('orca\\atoms') as NDArray;
      const background = shot.data.get('orca\\background') as NDArray;
      expect(atoms.shape).toEqual([12, 16]);
      expect((atoms.data as Uint16Array)[0]).toBe(fakeDcamPixel(8, 4, 1));
      expect((atoms.data as Uint16Array)[12 * 16 - 1]).toBe(fakeDcamPixel(23, 15, 1));
      expect((background.data as Uint16Array)[5 * 16 + 3]).toBe(fakeDcamPixel(11, 9, 2));
    } finally {
      await camera.close();
    }
  });

  it('times out on the picture no pulse came for', async () => {
    const bus = new InProcessTriggerBus();
    const { extension, camera, parameters } = setup(bus);
    await camera.open();
    try {
      const shot = new RecordingShot({ deviceName: 'orca' });
      const run = extension.createController('orca').runShot(camera, parameters, shot);
      while (bus.subscriberCount('orca') === 0) await new Promise((r) => setTimeout(r, 1));
      bus.publish({ device: 'orca', time: 1e9, edge: 'rising' });
      bus.publish({ device: 'orca', time: 2e9, edge: 'falling' });
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CameraTimeoutError);
      expect((error as Error).message).toMatch(/got no picture "background" \(2 of 2\)/);
    } finally {
      await camera.close();
    }
  });
});
