import {
  NDArray,
  ShotlineError,
  changeTable,
  isDeviceNotUsed,
  InProcessTriggerBus,
} from '@shotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RecordingShot,
  stepTimeLanes,
  testSequenceContext,
  testShotContext,
} from '@shotline/testing';
import { cameraLane, type CameraSpans } from '../camera.test-helper.js';
import {
  CameraAcquisitionError,
  CameraDisconnectedError,
  CameraNotOpenError,
  CameraTimeoutError,
  RoiOutsideSensorError,
} from '../camera-errors.js';
import type { CameraShotParameters } from '../camera-shot-parameters.js';
import type { SimulatedCamera } from './simulated-camera.js';
import type { SimulatedShotSettings } from './simulated-camera-compiler.js';
import type { SimulatedCameraConfiguration } from './simulated-camera-configuration.js';
import { SimulatedCameraExtension } from './simulated-camera-extension.js';

const opened: SimulatedCamera[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((camera) => camera.close()));
});

interface Setup {
  readonly camera: SimulatedCamera;
  readonly bus: InProcessTriggerBus;
  readonly extension: SimulatedCameraExtension;
  parameters(shotIndex?: number): CameraShotParameters<SimulatedShotSettings>;
}

/** A simulated camera "cam" (64x48 sensor, no noise) for a sequence with these steps and lane. */
function setup(
  durations: string[],
  spans: CameraSpans,
  overrides: Partial<SimulatedCameraConfiguration> = {},
): Setup {
  const bus = new InProcessTriggerBus();
  const extension = new SimulatedCameraExtension(bus);
  const configuration = extension.configurationSchema.parse({
    roi: { x: 0, y: 0, width: 64, height: 48 },
    sensor: { width: 64, height: 48, bitDepth: 16 },
    cloud: { x: '20', y: '30', sigma: '4', peak: '1000' },
    noise: { seed: 1, sigma: 0, offset: 100 },
    timeouts: { margin: 0.3 },
    ...overrides,
  });
  const sequence = testSequenceContext(stepTimeLanes(durations, { cam: cameraLane(spans) }));
  const compiler = extension.createCompiler('cam', configuration, sequence);
  if (isDeviceNotUsed(compiler)) throw new Error(compiler.reason);
  const camera = extension.createDevice('cam', compiler.initializationParameters());
  opened.push(camera);
  return {
    camera,
    bus,
    extension,
    parameters: (shotIndex = 0) =>
      compiler.compileShot(testShotContext(sequence, { index: shotIndex })),
  };
}

async function rejection(work: Promise<unknown>): Promise<ShotlineError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ShotlineError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** The peak value of a picture minus the dark level of 100. */
function signal(image: unknown): number {
  return Math.max(...(image as NDArray<'uint16'>).data) - 100;
}

const TWO_PICTURES: CameraSpans = [
  [null, 1],
  ['atoms', 1],
  [null, 1],
  ['background', 1],
];

describe('the simulated camera', () => {
  it('arms before the barrier and delivers both pictures labelled, [height, width] uint16', async () => {
    const { camera, extension, parameters } = setup(['5 ms', '2 ms', '5 ms', '4 ms'], TWO_PICTURES);
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'cam' });
    await extension.createController('cam').runShot(camera, parameters(), shot);
    expect(shot.events).toEqual([
      'arm camera',
      'barrier',
      'data cam\\atoms',
      'data cam\\background',
    ]);
    const atoms = shot.data.get('cam\\atoms') as NDArray;
    expect(atoms).toBeInstanceOf(NDArray);
    expect(atoms.dtype).toBe('uint16');
    expect(atoms.shape).toEqual([48, 64]);
    // The signal follows the exposure: 2 ms and 4 ms at 1000 counts per ms.
    expect(signal(atoms)).toBe(2000);
    expect(signal(shot.data.get('cam\\background'))).toBe(4000);
  });

  it('delivers each picture as it arrives, not at the end of the shot', async () => {
    const { camera, parameters } = setup(['1 ms', '1 ms', '400 ms', '1 ms'], TWO_PICTURES);
    await camera.open();
    const acquisition = await camera.acquire({
      ...parameters(),
      shotIndex: 0,
      signal: new AbortController().signal,
    });
    const seen: string[] = [];
    let secondTriggered = false;
    setTimeout(() => {
      secondTriggered = true;
    }, 402);
    for await (const image of acquisition) seen.push(`${image.shape.join('x')} ${secondTriggered}`);
    expect(seen).toEqual(['48x64 false', '48x64 true']);
  });

  it('refuses to acquire before it is opened', async () => {
    const { camera, parameters } = setup(['1 ms'], [['a', 1]]);
    const error = await rejection(
      camera.acquire({ ...parameters(), shotIndex: 0, signal: new AbortController().signal }),
    );
    expect(error).toBeInstanceOf(CameraNotOpenError);
    expect(error.message).toContain('camera "cam" is not open');
  });

  it('fails to open with the failOpen fault, and closes cleanly afterwards', async () => {
    const { camera } = setup(['1 ms'], [['a', 1]], {
      faults: { failOpen: true, dropFrames: [], lateTriggers: [], disconnects: [] },
    });
    const error = await rejection(camera.open());
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.recoverable).toBe(true);
    expect(error.message).toContain('simulated camera "cam" could not be opened');
    await camera.close();
    expect(camera.isOpen).toBe(false);
  });

  it('refuses at open a ROI larger than the sensor, naming the bound', async () => {
    const { extension } = setup(['1 ms'], [['a', 1]]);
    const camera = extension.createDevice('cam', {
      roi: { x: 0, y: 10, width: 64, height: 40 },
      externalTrigger: false,
      sensor: { width: 64, height: 48, bitDepth: 16 },
      latencyMs: 0,
      maxImagesPerShot: 4,
      noise: { seed: 1, sigma: 0, offset: 0 },
      reverseX: false,
      reverseY: false,
      triggerTolerance: 1e-5,
      faults: { failOpen: false, dropFrames: [], lateTriggers: [], disconnects: [] },
    });
    const error = await rejection(camera.open());
    expect(error).toBeInstanceOf(RoiOutsideSensorError);
    expect(error.message).toContain(
      'y + height = 10 + 40 = 50 is beyond the sensor height 48 of camera "cam"',
    );
    await camera.close();
    expect(camera.isOpen).toBe(false);
  });

  it('times out naming the camera and the picture when a frame is lost', async () => {
    const { camera, extension, parameters } = setup(
      ['1 ms', '1 ms', '1 ms', '1 ms'],
      TWO_PICTURES,
      {
        faults: {
          failOpen: false,
          dropFrames: [{ picture: 'atoms' }],
          lateTriggers: [],
          disconnects: [],
        },
      },
    );
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'cam' });
    const error = await rejection(
      extension.createController('cam').runShot(camera, parameters(), shot),
    );
    expect(error).toBeInstanceOf(CameraTimeoutError);
    expect(error.code).toBe('CAMERA_TIMEOUT');
    expect(error.recoverable).toBe(true);
    // As with real hardware, the next frame took the lost one's place: the last picture is missing.
    expect(error.message).toContain(
      'camera "cam" got no picture "background" (2 of 2) within 0.304 s',
    );
    expect(error.location).toMatchObject({ device: 'cam', label: 'cam\\background' });
    expect([...shot.data.keys()]).toEqual(['cam\\atoms']);
  });

  it('delivers a late picture within the timeout, and times out beyond it', async () => {
    const late = (delayMs: number) =>
      setup(
        ['1 ms', '1 ms'],
        [
          ['a', 1],
          [null, 1],
        ],
        {
          faults: {
            failOpen: false,
            dropFrames: [],
            lateTriggers: [{ shot: 0, picture: 'a', delayMs }],
            disconnects: [],
          },
        },
      );
    const ok = late(50);
    await ok.camera.open();
    const shot = new RecordingShot({ deviceName: 'cam' });
    await ok.extension.createController('cam').runShot(ok.camera, ok.parameters(), shot);
    expect([...shot.data.keys()]).toEqual(['cam\\a']);

    const tooLate = late(1000);
    await tooLate.camera.open();
    const error = await rejection(
      tooLate.extension
        .createController('cam')
        .runShot(tooLate.camera, tooLate.parameters(), new RecordingShot({ deviceName: 'cam' })),
    );
    expect(error).toBeInstanceOf(CameraTimeoutError);
    expect(error.message).toContain('picture "a"');
  });

  it('reports a disconnect naming the camera, and stays unusable', async () => {
    const { camera, extension, parameters } = setup(
      ['1 ms', '1 ms'],
      [
        ['a', 1],
        [null, 1],
      ],
      {
        faults: {
          failOpen: false,
          dropFrames: [],
          lateTriggers: [],
          disconnects: [{ shot: 1 }],
        },
      },
    );
    await camera.open();
    const controller = extension.createController('cam');
    await controller.runShot(
      camera,
      parameters(0),
      new RecordingShot({ deviceName: 'cam', index: 0 }),
    );
    const error = await rejection(
      controller.runShot(camera, parameters(1), new RecordingShot({ deviceName: 'cam', index: 1 })),
    );
    expect(error).toBeInstanceOf(CameraDisconnectedError);
    expect(error.code).toBe('CAMERA_DISCONNECTED');
    expect(error.message).toContain('camera "cam" disconnected while waiting for picture "a"');
    const again = await rejection(
      controller.runShot(camera, parameters(2), new RecordingShot({ deviceName: 'cam', index: 2 })),
    );
    expect(again.message).toContain('camera "cam" is disconnected');
  });

  it('stops at once when the shot is aborted', async () => {
    const { camera, extension, parameters } = setup(
      ['10 s', '1 ms'],
      [
        ['a', 1],
        [null, 1],
      ],
    );
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'cam' });
    const run = extension.createController('cam').runShot(camera, parameters(), shot);
    setTimeout(() => shot.abort(new Error('another device failed')), 20);
    const error = await rejection(run);
    expect(error.code).toBe('ABORTED');
    expect(error.message).toContain('camera "cam" stopped waiting for picture "a"');
    // The acquisition was stopped: the camera can be armed again.
    const next = await camera.acquire({
      ...parameters(),
      shotIndex: 1,
      signal: new AbortController().signal,
    });
    await next.stop();
  });

  it('gives up a picture being awaited when it is closed', async () => {
    const { camera, extension, parameters } = setup(
      ['10 s', '1 ms'],
      [
        ['a', 1],
        [null, 1],
      ],
    );
    await camera.open();
    const run = extension
      .createController('cam')
      .runShot(camera, parameters(), new RecordingShot({ deviceName: 'cam' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await camera.close();
    const error = await rejection(run);
    expect(error.code).toBe('ABORTED');
    expect(error.message).toContain('camera "cam" stopped acquiring while waiting for picture "a"');
  });

  it('refuses more pictures than it can buffer', async () => {
    const { camera } = setup(['1 ms'], [['a', 1]], { maxImagesPerShot: 1 });
    await camera.open();
    const error = await rejection(
      camera.acquire({
        shotIndex: 0,
        pictures: [
          { name: 'a', exposure: 0.001, start: 0 },
          { name: 'b', exposure: 0.001, start: 0.002 },
        ],
        timeout: 1,
        settings: { cloud: { x: 1, y: 1, sigma: 1, peak: 1 } },
        signal: new AbortController().signal,
      }),
    );
    expect(error).toBeInstanceOf(CameraAcquisitionError);
    expect(error.message).toContain('at most 1 pictures per shot, not 2');
  });
});

describe('the simulated camera with an external trigger', () => {
  const external = { externalTrigger: true };

  it('exposes each picture for the width of its trigger pulse', async () => {
    const { camera, bus, extension, parameters } = setup(
      ['5 ms', '2 ms', '5 ms', '4 ms'],
      TWO_PICTURES,
      external,
    );
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'cam', index: 3 });
    const run = extension.createController('cam').runShot(camera, parameters(3), shot);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(bus.subscriberCount('cam')).toBe(1);
    const ms = 1e9;
    // A stale pulse of another shot, then the two pulses of this shot (widths 2 ms and 4 ms).
    bus.publish({ device: 'cam', time: 0, edge: 'rising', shot: 2 });
    bus.publish({ device: 'cam', time: 9 * ms, edge: 'falling', shot: 2 });
    bus.publish({ device: 'cam', time: 5 * ms, edge: 'rising', shot: 3 });
    bus.publish({ device: 'cam', time: 7 * ms, edge: 'falling', shot: 3 });
    bus.publish({ device: 'other', time: 8 * ms, edge: 'rising' });
    bus.publish({ device: 'cam', time: 12 * ms, edge: 'rising' });
    bus.publish({ device: 'cam', time: 16 * ms, edge: 'falling' });
    await run;
    expect(signal(shot.data.get('cam\\atoms'))).toBe(2000);
    expect(signal(shot.data.get('cam\\background'))).toBe(4000);
    expect(bus.subscriberCount('cam')).toBe(0);
  });

  it('takes the pictures a sequencer playing its computed trigger exposes', async () => {
    // What a simulated sequencer does with a DeviceTrigger channel: play the camera compiler's
    // trigger at its time step (here 3 ns) and publish an edge at every change.
    const bus = new InProcessTriggerBus();
    const extension = new SimulatedCameraExtension(bus);
    const configuration = extension.configurationSchema.parse({
      roi: { x: 0, y: 0, width: 64, height: 48 },
      sensor: { width: 64, height: 48, bitDepth: 16 },
      cloud: { x: '20', y: '30', sigma: '4', peak: '1000' },
      noise: { seed: 1, sigma: 0, offset: 100 },
      externalTrigger: true,
    });
    const sequence = testSequenceContext(
      stepTimeLanes(['5 ms', '2 ms', '5 ms', '4 ms'], { cam: cameraLane(TWO_PICTURES) }),
    );
    const compiler = extension.createCompiler('cam', configuration, sequence);
    if (isDeviceNotUsed(compiler)) throw new Error(compiler.reason);
    const shotContext = testShotContext(sequence);
    const dt = 3000;
    const table = changeTable(compiler.computeTrigger(dt, shotContext));
    const camera = extension.createDevice('cam', compiler.initializationParameters());
    opened.push(camera);
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'cam' });
    const run = extension
      .createController('cam')
      .runShot(camera, compiler.compileShot(shotContext), shot);
    await new Promise((resolve) => setTimeout(resolve, 5));
    let previous = false;
    // The sequencer's trigger outputs go low after the shot (its padding): the last entry of the
    // change table is the end of the shot.
    table.times.forEach((tick, i) => {
      const high = i < table.times.length - 1 && table.columns[0]![i] !== 0;
      if (high !== previous) {
        bus.publish({ device: 'cam', time: tick * dt, edge: high ? 'rising' : 'falling', shot: 0 });
      }
      previous = high;
    });
    await run;
    // Pulse widths are whole ticks: 2 ms and 4 ms are 666 667 and 1 333 333 ticks of 3 ns.
    expect(signal(shot.data.get('cam\\atoms'))).toBe(2000);
    expect(signal(shot.data.get('cam\\background'))).toBe(4000);
  });

  it('refuses a trigger pulse whose width is not the exposure, naming the picture', async () => {
    const { camera, bus, extension, parameters } = setup(
      ['1 ms', '1 ms'],
      [
        ['a', 1],
        [null, 1],
      ],
      external,
    );
    await camera.open();
    const run = extension
      .createController('cam')
      .runShot(camera, parameters(), new RecordingShot({ deviceName: 'cam' }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    bus.publish({ device: 'cam', time: 0, edge: 'rising' });
    bus.publish({ device: 'cam', time: 3e9, edge: 'falling' });
    const error = await rejection(run);
    expect(error).toBeInstanceOf(CameraAcquisitionError);
    expect(error.message).toContain(
      'triggered for 0.003 s for picture "a", whose exposure is 0.001 s',
    );
  });

  it('times out when no trigger comes', async () => {
    const { camera, bus, extension, parameters } = setup(
      ['1 ms', '1 ms'],
      [
        ['a', 1],
        [null, 1],
      ],
      external,
    );
    await camera.open();
    const error = await rejection(
      extension
        .createController('cam')
        .runShot(camera, parameters(), new RecordingShot({ deviceName: 'cam' })),
    );
    expect(error).toBeInstanceOf(CameraTimeoutError);
    expect(error.message).toContain('got no picture "a" (1 of 1)');
    expect(bus.subscriberCount('cam')).toBe(0);
  });

  it('stops listening to the bus when closed in the middle of an acquisition', async () => {
    const { camera, bus, parameters } = setup(['1 ms'], [['a', 1]], external);
    await camera.open();
    await camera.acquire({ ...parameters(), shotIndex: 0, signal: new AbortController().signal });
    expect(bus.subscriberCount('cam')).toBe(1);
    await camera.close();
    expect(bus.subscriberCount('cam')).toBe(0);
    expect(camera.isOpen).toBe(false);
  });
});
