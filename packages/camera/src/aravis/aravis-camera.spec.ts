// The GenICam backend against Aravis's in-process fake camera (`Fake_1`, a 2048x2048 sensor), through
// the real libaravis-0.8 loaded with koffi. On a machine without libaravis the suite is skipped with a
// printed reason; in CI (CI=true) a missing library fails the run instead.
import koffi from 'koffi';
import { NDArray, ShotlineError, isDeviceNotUsed } from '@shotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RecordingShot,
  stepTimeLanes,
  testSequenceContext,
  testShotContext,
} from '@shotline/testing';
import { cameraLane, type CameraSpans } from '../camera.test-helper.js';
import {
  AravisNotAvailableError,
  CameraAcquisitionError,
  CameraTimeoutError,
  RoiOutsideSensorError,
} from '../camera-errors.js';
import { aravisHandlesOf } from '../internal/aravis-handles.js';
import { aravisAvailability } from './aravis-availability.js';
import type { AravisCamera } from './aravis-camera.js';
import type { AravisCameraConfiguration } from './aravis-camera-configuration.js';
import { AravisCameraExtension } from './aravis-camera-extension.js';

const availability = aravisAvailability();
const inCI = process.env.CI === 'true';
if (!availability.available) {
  console.warn(
    `[@shotline/camera] skipping the Aravis fake-camera tests: libaravis-0.8 is not installed ` +
      `(${availability.reason}); install libaravis-0.8-0 to run them`,
  );
}
const describeAravis = availability.available || inCI ? describe : describe.skip;

const extension = new AravisCameraExtension();
const cameras: AravisCamera[] = [];
afterEach(async () => {
  await Promise.all(cameras.splice(0).map((camera) => camera.close()));
});

/** An Aravis camera "cam" on Fake_1 for a sequence with these steps and camera lane. */
function setup(
  durations: string[],
  spans: CameraSpans,
  overrides: Partial<AravisCameraConfiguration> = {},
) {
  const configuration = extension.configurationSchema.parse({
    deviceId: 'Fake_1',
    roi: { x: 10, y: 20, width: 64, height: 32 },
    pixelFormat: 'Mono16',
    timeouts: { margin: 2 },
    ...overrides,
  });
  const sequence = testSequenceContext(stepTimeLanes(durations, { cam: cameraLane(spans) }));
  const compiler = extension.createCompiler('cam', configuration, sequence);
  if (isDeviceNotUsed(compiler)) throw new Error(compiler.reason);
  const camera = extension.createDevice('cam', compiler.initializationParameters());
  cameras.push(camera);
  return {
    camera,
    controller: extension.createController('cam'),
    parameters: (index = 0) => compiler.compileShot(testShotContext(sequence, { index })),
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

function mean(image: unknown): number {
  const data = (image as NDArray).data as Uint8Array | Uint16Array;
  let sum = 0;
  for (const v of data) sum += v;
  return sum / data.length;
}

/**
 * Watches GObjects with `g_object_weak_ref`: `finalized()` lists those whose last reference was
 * dropped, proving the camera really released them.
 */
const WeakNotify = koffi.pointer(
  koffi.proto('void ShotlineTestWeakNotify(void *data, void *where)'),
);

function watchFinalization() {
  const notifyType = WeakNotify;
  const gobject = koffi.load('libgobject-2.0.so.0');
  const weakRef = gobject.func('g_object_weak_ref', 'void', ['void *', notifyType, 'void *']);
  const gone = new Set<bigint>();
  const callback = koffi.register((_data: unknown, where: bigint) => {
    gone.add(where);
  }, notifyType);
  return {
    watch(object: bigint | undefined): void {
      if (object === undefined) throw new Error('no object to watch');
      weakRef(object, callback, null);
    },
    finalized: (object: bigint | undefined) => object !== undefined && gone.has(object),
    dispose: () => koffi.unregister(callback),
  };
}

const TWO_PICTURES: CameraSpans = [
  [null, 1],
  ['atoms', 1],
  [null, 1],
  ['background', 1],
];

describe('the Aravis camera without libaravis', () => {
  it('explains how to install it', async () => {
    const { camera } = setup(['1 ms'], [['a', 1]], {
      libraryPath: '/nonexistent/libaravis-0.8.so.0',
    });
    const error = await rejection(camera.open());
    expect(error).toBeInstanceOf(AravisNotAvailableError);
    expect(error.message).toContain('camera "cam" needs libaravis-0.8');
    expect(error.message).toContain('apt install libaravis-0.8-0');
    await camera.close();
  });
});

describeAravis('the Aravis camera on the fake GenICam camera', () => {
  it('is available here (CI installs libaravis-0.8-0)', () => {
    expect(availability).toMatchObject({ available: true });
  });

  it('takes two labelled Mono16 pictures per shot as [height, width] uint16 arrays', async () => {
    const { camera, controller, parameters } = setup(
      ['5 ms', '10 ms', '5 ms', '10 ms'],
      TWO_PICTURES,
    );
    await camera.open();
    expect(camera.sensor).toEqual({ width: 2048, height: 2048 });
    const shot = new RecordingShot({ deviceName: 'cam' });
    await controller.runShot(camera, parameters(), shot);
    expect(shot.events).toEqual([
      'arm camera',
      'barrier',
      'data cam\\atoms',
      'data cam\\background',
    ]);
    for (const label of ['cam\\atoms', 'cam\\background']) {
      const image = shot.data.get(label) as NDArray<'uint16'>;
      expect(image).toBeInstanceOf(NDArray);
      expect(image.dtype).toBe('uint16');
      expect(image.shape).toEqual([32, 64]);
      expect(new Set(image.data).size).toBeGreaterThan(10); // the fake camera's gradient
    }
  });

  it('delivers Mono8 pictures as uint8', async () => {
    const { camera, controller, parameters } = setup(
      ['10 ms', '1 ms'],
      [
        ['a', 1],
        [null, 1],
      ],
      {
        pixelFormat: 'Mono8',
      },
    );
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'cam' });
    await controller.runShot(camera, parameters(), shot);
    const image = shot.data.get('cam\\a') as NDArray;
    expect(image.dtype).toBe('uint8');
    expect(image.shape).toEqual([32, 64]);
  });

  it('sets the exposure of each picture', async () => {
    const { camera, controller, parameters } = setup(
      ['2 ms', '1 ms', '20 ms'],
      [
        ['short', 1],
        [null, 1],
        ['long', 1],
      ],
      {
        roi: { x: 0, y: 0, width: 128, height: 16 },
      },
    );
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'cam' });
    await controller.runShot(camera, parameters(), shot);
    expect(mean(shot.data.get('cam\\long'))).toBeGreaterThan(mean(shot.data.get('cam\\short')) * 2);
  });

  it('returns every buffer to the stream, shot after shot', async () => {
    const { camera, controller, parameters } = setup(
      ['1 ms', '1 ms', '1 ms', '1 ms'],
      TWO_PICTURES,
      {
        bufferCount: 3,
      },
    );
    await camera.open();
    const { library, stream } = aravisHandlesOf(camera)!;
    for (let index = 0; index < 3; index++) {
      const shot = new RecordingShot({ deviceName: 'cam', index: index });
      await controller.runShot(camera, parameters(index), shot);
      expect(shot.data.size).toBe(2);
      expect(library.streamBufferCounts(stream!)).toEqual({ input: 3, output: 0 });
    }
  });

  it('releases the stream and the camera when closed', async () => {
    const gobjects = watchFinalization();
    try {
      const { camera, controller, parameters } = setup(
        ['1 ms', '1 ms'],
        [
          ['a', 1],
          [null, 1],
        ],
      );
      await camera.open();
      const handles = aravisHandlesOf(camera)!;
      gobjects.watch(handles.camera);
      gobjects.watch(handles.stream);
      await controller.runShot(camera, parameters(), new RecordingShot({ deviceName: 'cam' }));
      await camera.close();
      expect(gobjects.finalized(handles.stream)).toBe(true);
      expect(gobjects.finalized(handles.camera)).toBe(true);
      await camera.close(); // idempotent
    } finally {
      gobjects.dispose();
    }
  });

  it('refuses a ROI larger than the sensor, naming the bound, and releases the camera', async () => {
    const gobjects = watchFinalization();
    try {
      const { camera } = setup(['1 ms'], [['a', 1]], {
        roi: { x: 2000, y: 0, width: 64, height: 32 },
      });
      const error = await rejection(camera.open());
      expect(error).toBeInstanceOf(RoiOutsideSensorError);
      expect(error.message).toContain(
        'x + width = 2000 + 64 = 2064 is beyond the sensor width 2048 of camera "cam"',
      );
      const { camera: pointer } = aravisHandlesOf(camera)!;
      gobjects.watch(pointer);
      await camera.close();
      expect(gobjects.finalized(pointer)).toBe(true);
    } finally {
      gobjects.dispose();
    }
  });

  it('reports a camera that is not there, listing the cameras Aravis finds', async () => {
    const { camera } = setup(['1 ms'], [['a', 1]], { deviceId: 'Fake_9' });
    const error = await rejection(camera.open());
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.recoverable).toBe(true);
    expect(error.message).toContain('camera "cam" could not be opened as Aravis device "Fake_9"');
    expect(error.message).toContain('Aravis finds "Fake_1"');
    expect(error.location).toMatchObject({ device: 'cam', resource: 'Fake_9' });
    await camera.close();
  });

  it('refuses a trigger source the camera does not have, naming the camera', async () => {
    const { camera } = setup(['1 ms'], [['a', 1]], {
      externalTrigger: true,
      triggerSource: 'Line7',
    });
    const error = await rejection(camera.open());
    expect(error).toBeInstanceOf(CameraAcquisitionError);
    expect(error.message).toContain('camera "cam" could not trigger frames from Line7');
    await camera.close();
  });

  it('refuses an exposure outside the camera range, naming the picture', async () => {
    const { camera, controller, parameters } = setup(
      ['1 us', '1 ms'],
      [
        ['flash', 1],
        [null, 1],
      ],
    );
    await camera.open();
    const error = await rejection(
      controller.runShot(camera, parameters(), new RecordingShot({ deviceName: 'cam' })),
    );
    expect(error).toBeInstanceOf(CameraAcquisitionError);
    expect(error.message).toContain('picture "flash" of camera "cam" needs an exposure of 1 µs');
  });

  it('times out naming the camera and the picture when the hardware trigger does not come', async () => {
    // The fake camera's trigger input fires on multiples of its trigger period (wall clock): slow it
    // to one pulse every 2 s, let a pulse of the old 40 ms period pass, and arm just after a
    // multiple of 2 s (20 to 100 ms after, so that pulse's frame is stale and discarded): no
    // pulse comes within the 0.3 s margin.
    const { camera, controller, parameters } = setup(
      ['1 ms', '1 ms'],
      [
        ['a', 1],
        [null, 1],
      ],
      {
        externalTrigger: true,
        triggerSource: 'Line0',
        timeouts: { margin: 0.3 },
      },
    );
    await camera.open();
    const { library, camera: pointer } = aravisHandlesOf(camera)!;
    library.setFakeTriggerFrequency(library.fakeCameraOf(pointer, 'Fake_1')!, 0.5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const inWindow = () => Date.now() % 2000 >= 20 && Date.now() % 2000 <= 100;
    while (!inWindow()) await new Promise((resolve) => setTimeout(resolve, 5));
    const shot = new RecordingShot({ deviceName: 'cam' });
    const error = await rejection(controller.runShot(camera, parameters(), shot));
    expect(error).toBeInstanceOf(CameraTimeoutError);
    expect(error.recoverable).toBe(true);
    expect(error.message).toContain('camera "cam" got no picture "a" (1 of 1) within 0.302 s');
    expect(error.location).toMatchObject({ device: 'cam', label: 'cam\\a' });
    expect(shot.data.size).toBe(0);
  });

  it('stops waiting at once when the shot is aborted, and can run the next shot', async () => {
    const { camera, controller, parameters } = setup(
      ['10 s', '1 ms'],
      [
        [null, 1],
        ['late', 1],
      ],
    );
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'cam' });
    const run = controller.runShot(camera, parameters(), shot);
    setTimeout(() => shot.abort(new Error('another device failed')), 50);
    const error = await rejection(run);
    expect(error.code).toBe('ABORTED');
    expect(error.message).toContain('camera "cam" stopped waiting for picture "late"');
    const { library, stream } = aravisHandlesOf(camera)!;
    expect(library.streamBufferCounts(stream!).input).toBe(10);
  });

  it('gives up a picture being awaited when it is closed, and releases everything', async () => {
    const gobjects = watchFinalization();
    try {
      const { camera, controller, parameters } = setup(
        ['10 s', '1 ms'],
        [
          [null, 1],
          ['late', 1],
        ],
      );
      await camera.open();
      const handles = aravisHandlesOf(camera)!;
      gobjects.watch(handles.camera);
      gobjects.watch(handles.stream);
      const run = controller.runShot(
        camera,
        parameters(),
        new RecordingShot({ deviceName: 'cam' }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await camera.close();
      const error = await rejection(run);
      expect(error.code).toBe('ABORTED');
      expect(error.message).toContain('stopped acquiring while waiting for picture "late"');
      expect(gobjects.finalized(handles.stream)).toBe(true);
      expect(gobjects.finalized(handles.camera)).toBe(true);
    } finally {
      gobjects.dispose();
    }
  });
});
