// The ORCA-Quest driver against the fake DCAM-API (native/fakedcam.c), compiled by the tests and
// loaded through koffi like the real libdcamapi.so.
import { ConnectionFailedError, type NDArray, isDeviceNotUsed } from '@shotline/core';
import {
  RecordingShot,
  stepTimeLanes,
  testSequenceContext,
  testShotContext,
} from '@shotline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cameraLane } from '../camera.test-helper.js';
import { CameraDisconnectedError, CameraTimeoutError } from '../camera-errors.js';
import { DCAMERR, DCAM_IDPROP } from './dcam-constants.js';
import { DcamApiNotAvailableError, DcamError } from './dcam-errors.js';
import { DCAMAPI_LIBRARY_ENV } from './dcam-library.js';
import { FakeDcam, fakeDcamPixel } from './fake-dcam.test-helper.js';
import type { OrcaQuestCamera } from './orca-quest-camera.js';
import type { OrcaQuestConfiguration } from './orca-quest-configuration.js';
import { OrcaQuestExtension } from './orca-quest-extension.js';

const fake = new FakeDcam();
const extension = new OrcaQuestExtension();
const cameras: OrcaQuestCamera[] = [];

beforeEach(() => fake.reset());
afterEach(async () => {
  await Promise.all(cameras.splice(0).map((camera) => camera.close()));
  expect(fake.openCameras(), 'every camera is closed').toBe(0);
  expect(fake.initialized(), 'DCAM-API is uninitialised').toBe(false);
});

const ROI = { x: 128, y: 256, width: 64, height: 32 };

/** An ORCA-Quest "orca" taking `atoms` then `background`, 1 ms each, 1 ms apart. */
function setup(overrides: Partial<OrcaQuestConfiguration> = {}) {
  const configuration = extension.configurationSchema.parse({
    roi: ROI,
    libraryPath: fake.path,
    timeouts: { margin: 0.5 },
    ...overrides,
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
  const camera = extension.createDevice('orca', compiler.initializationParameters());
  cameras.push(camera);
  const shot = testShotContext(sequence, { compilers: { orca: compiler } });
  return { camera, compiler, parameters: compiler.compileShot(shot) };
}

/** Runs one shot through the camera controller and returns the pictures it signalled. */
async function runShot(overrides: Partial<OrcaQuestConfiguration> = {}) {
  const { camera, parameters } = setup(overrides);
  await camera.open();
  const shot = new RecordingShot({ deviceName: 'orca' });
  await extension.createController('orca').runShot(camera, parameters, shot);
  return shot;
}

function expectPattern(image: NDArray, g: number): void {
  expect(image.dtype).toBe('uint16');
  expect(image.shape).toEqual([ROI.height, ROI.width]);
  const data = image.data as Uint16Array;
  for (const [row, column] of [
    [0, 0],
    [0, ROI.width - 1],
    [ROI.height - 1, 0],
    [ROI.height - 1, ROI.width - 1],
    [7, 11],
  ] as const) {
    expect(data[row * ROI.width + column], `pixel (${row}, ${column})`).toBe(
      fakeDcamPixel(ROI.x + column, ROI.y + row, g),
    );
  }
}

describe('the ORCA-Quest through DCAM-API (compiled fake libdcamapi)', { timeout: 60_000 }, () => {
  it('opens the camera: subarray from the ROI, read-out, sensor mode, 16 bits, external level trigger', async () => {
    const { camera } = setup({ readoutSpeed: 'slowest', sensorMode: 'photonNumberResolving' });
    await camera.open();
    expect(fake.property(0, DCAM_IDPROP.SUBARRAYHPOS)).toBe(128);
    expect(fake.property(0, DCAM_IDPROP.SUBARRAYHSIZE)).toBe(64);
    expect(fake.property(0, DCAM_IDPROP.SUBARRAYVPOS)).toBe(256);
    expect(fake.property(0, DCAM_IDPROP.SUBARRAYVSIZE)).toBe(32);
    expect(fake.property(0, DCAM_IDPROP.SUBARRAYMODE)).toBe(2);
    expect(fake.property(0, DCAM_IDPROP.READOUTSPEED)).toBe(1);
    expect(fake.property(0, DCAM_IDPROP.SENSORMODE)).toBe(18);
    expect(fake.property(0, DCAM_IDPROP.TRIGGERSOURCE)).toBe(2);
    expect(fake.property(0, DCAM_IDPROP.TRIGGERACTIVE)).toBe(2);
    expect(fake.property(0, DCAM_IDPROP.TRIGGERPOLARITY)).toBe(2);
    expect(fake.property(0, DCAM_IDPROP.TRIGGER_GLOBALEXPOSURE)).toBe(3);
    await camera.close();
    expect(fake.calls()).toEqual([
      'dcamapi_init',
      'dcamdev_open 0',
      'dcamprop_setvalue 0x00402150 1',
      'dcamprop_setvalue 0x00402110 128',
      'dcamprop_setvalue 0x00402120 64',
      'dcamprop_setvalue 0x00402130 256',
      'dcamprop_setvalue 0x00402140 32',
      'dcamprop_setvalue 0x00402150 2',
      'dcamprop_setvalue 0x00400110 1',
      'dcamprop_setvalue 0x00400210 18',
      'dcamprop_setvalue 0x00420270 2',
      'dcamprop_setvalue 0x001F0300 3',
      'dcamprop_setvalue 0x00100110 2',
      'dcamprop_setvalue 0x00100120 2',
      'dcamprop_setvalue 0x00100220 2',
      'dcamwait_open',
      'dcambuf_alloc 10',
      'dcambuf_release 0',
      'dcamwait_close',
      'dcamdev_close',
      'dcamapi_uninit',
    ]);
  });

  it('delivers each triggered frame as a uint16 image of the ROI, in order, labelled by picture', async () => {
    fake.setTriggers(2, 2, 3);
    const shot = await runShot();
    expect([...shot.data.keys()]).toEqual(['orca\\atoms', 'orca\\background']);
    expectPattern(shot.data.get('orca\\atoms') as NDArray, 1);
    expectPattern(shot.data.get('orca\\background') as NDArray, 2);
    expect(fake.calls().filter((c) => c.startsWith('dcamcap'))).toEqual([
      'dcamcap_start -1',
      'dcamcap_stop',
    ]);
    expect(shot.barrierCalls).toBe(1);
  });

  it('delivers the full 4096 x 2304 sensor', async () => {
    const { camera } = setup({ roi: { x: 0, y: 0, width: 4096, height: 2304 } });
    await camera.open();
    fake.setTriggers(1);
    const acquisition = await camera.acquire({
      shotIndex: 0,
      pictures: [{ name: 'full', exposure: 0.001, start: 0 }],
      timeout: 5,
      settings: null,
      signal: new AbortController().signal,
    });
    const images = [];
    for await (const image of acquisition) images.push(image);
    expect(images[0]!.shape).toEqual([2304, 4096]);
    const data = images[0]!.data as Uint16Array;
    expect(data[2303 * 4096 + 4095]).toBe(fakeDcamPixel(4095, 2303, 1));
  });

  it('times out with a CameraTimeoutError naming the picture the trigger never came for', async () => {
    fake.setTriggers(1);
    const error = await runShot().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CameraTimeoutError);
    expect((error as Error).message).toMatch(
      /camera "orca" got no picture "background" \(2 of 2\) within 0.504 s/,
    );
    expect(fake.calls()).toContain('dcamwait_abort');
    expect(fake.calls()).toContain('dcamcap_stop');
  });

  it('reports a camera lost in the middle of a shot as disconnected', async () => {
    fake.setTriggers(2, 2, 50);
    fake.loseAfter(1);
    const error = await runShot().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CameraDisconnectedError);
    expect((error as Error).message).toMatch(
      /camera "orca" stopped answering while trying to wait for picture "background" \(dcamwait_start returned NOCONNECTION\)/,
    );
  });

  it('turns a refused property into a DcamError naming the property, and releases everything', async () => {
    fake.refuseProperty(DCAM_IDPROP.SENSORMODE, DCAMERR.INVALIDPROPERTYID);
    const { camera } = setup();
    const error = (await camera.open().catch((e: unknown) => e)) as DcamError;
    expect(error).toBeInstanceOf(DcamError);
    expect(error.dcamCode).toBe(DCAMERR.INVALIDPROPERTYID);
    expect(error.dcamName).toBe('INVALIDPROPERTYID');
    expect(error.message).toBe(
      'camera "orca" could not set SENSORMODE to 1 (dcamprop_setvalue returned INVALIDPROPERTYID) ' +
        '(device "orca", resource "DCAM camera 0")',
    );
    await camera.close();
    expect(fake.calls().slice(-2)).toEqual(['dcamdev_close', 'dcamapi_uninit']);
  });

  it('stops waiting at once when the shot is aborted', async () => {
    fake.setTriggers(0);
    const { camera, parameters } = setup({ timeouts: { margin: 30 } });
    await camera.open();
    const shot = new RecordingShot({ deviceName: 'orca' });
    const run = extension.createController('orca').runShot(camera, parameters, shot);
    setTimeout(() => shot.abort(new Error('the sequencer failed')), 20);
    // Without the abort, the wait would end after the 30 s margin with a CameraTimeoutError.
    await expect(run).rejects.toThrow(/the shot was aborted/);
    expect(fake.calls()).toContain('dcamcap_stop');
  });

  it('refuses a camera number DCAM-API does not find, and a camera that is not an ORCA-Quest', async () => {
    const missing = setup({ cameraNumber: 1 }).camera;
    await expect(missing.open()).rejects.toThrow(
      /camera "orca" is DCAM camera number 1, but DCAM-API finds 1 camera\(s\)/,
    );
    await missing.close();
    fake.configure(1, 'C13440-20CU');
    const other = setup().camera;
    const error = await other.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect((error as Error).message).toMatch(/DCAM camera 0 is a C13440-20CU, not an ORCA-Quest/);
    await other.close();
  });

  it('refuses a missing DCAM-API, naming what to install', async () => {
    const { camera } = setup({ libraryPath: '/nonexistent/libdcamapi.so' });
    const error = await camera.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DcamApiNotAvailableError);
    expect((error as Error).message).toMatch(
      /cannot load DCAM-API \(\/nonexistent\/libdcamapi.so: .*\): install Hamamatsu DCAM-API for Linux/,
    );
    await camera.close();
  });

  it(`finds the library through ${DCAMAPI_LIBRARY_ENV}, and shares one initialisation between cameras`, async () => {
    const saved = process.env[DCAMAPI_LIBRARY_ENV];
    process.env[DCAMAPI_LIBRARY_ENV] = fake.path;
    fake.configure(2);
    try {
      const first = setup({ libraryPath: undefined }).camera;
      const second = setup({ libraryPath: undefined, cameraNumber: 1 }).camera;
      await first.open();
      await second.open();
      expect(fake.openCameras()).toBe(2);
      await first.close();
      expect(fake.initialized()).toBe(true);
      await second.close();
      expect(fake.calls().filter((c) => c.startsWith('dcamapi'))).toEqual([
        'dcamapi_init',
        'dcamapi_uninit',
      ]);
    } finally {
      if (saved === undefined) delete process.env[DCAMAPI_LIBRARY_ENV];
      else process.env[DCAMAPI_LIBRARY_ENV] = saved;
    }
  });
});
