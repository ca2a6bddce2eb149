import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { NDArray } from '../../data/index.js';
import type { DeviceController, RunningShot, ShotTimer } from '../../device/index.js';
import { AbortedError, InvalidValueError, isRecoverable } from '../../errors/index.js';
import {
  ControllersDidNotStopError,
  DataNeverSignalledError,
  DeviceShotError,
  ShotTimeoutError,
} from '../engine-errors.js';
import { runShotAttempt, type ShotParticipant } from './shot-attempt.js';

const device = { open: async () => {}, close: async () => {} };
const limits = { index: 7, timeoutMs: 2_000, abortGraceMs: 200 };

function participant(
  deviceName: string,
  runShot: (shot: RunningShot) => Promise<void>,
): ShotParticipant {
  const controller: DeviceController = { runShot: (_d, _p, shot) => runShot(shot) };
  return { deviceName, device, parameters: {}, createController: () => controller };
}

const ready = (name: string): ShotParticipant =>
  participant(name, async (shot) => void (await shot.waitAllDevicesReady()));

describe('a shot attempt', () => {
  it('lets every controller through the barrier together, with one shared timer', async () => {
    const timers: ShotTimer[] = [];
    const passed: string[] = [];
    const result = await runShotAttempt(
      ['a', 'b', 'c'].map((name, i) =>
        participant(name, async (shot) => {
          await shot.sleep(5 * i);
          timers.push(await shot.waitAllDevicesReady());
          passed.push(name);
        }),
      ),
      limits,
    );
    expect(passed.sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(timers).size).toBe(1);
    for (const name of ['a', 'b', 'c']) {
      const t = result.devices[name]!;
      expect(t.outcome).toBe('ok');
      expect(t.barrierMs!).toBeGreaterThanOrEqual(result.barrierMs!);
      expect(t.readyMs!).toBeLessThanOrEqual(result.barrierMs!);
      expect(t.finishedMs!).toBeGreaterThanOrEqual(t.barrierMs!);
    }
    // c was ready last: the barrier passed when it called
    expect(result.devices.c!.readyMs).toBe(result.barrierMs);
  });

  it('exchanges data between controllers and records waits, signals and tracked calls', async () => {
    const image = NDArray.zeros('uint16', [4, 4]);
    let received: unknown;
    const result = await runShotAttempt(
      [
        participant('camera', async (shot) => {
          await shot.waitAllDevicesReady();
          await shot.track('read frame', () => shot.sleep(5));
          shot.signalData('camera\\picture', image);
        }),
        participant('analyser', async (shot) => {
          await shot.waitAllDevicesReady();
          received = await shot.waitData('camera\\picture');
          shot.signalData('analyser\\mean', 0);
        }),
      ],
      limits,
    );
    expect(received).toBe(image);
    expect(Object.keys(result.data).sort()).toEqual(['analyser\\mean', 'camera\\picture']);
    const wait = result.devices.analyser!.dataWaits[0]!;
    expect(wait.name).toBe('camera\\picture');
    expect(wait.endMs!).toBeGreaterThanOrEqual(result.devices.camera!.dataSignals[0]!.atMs);
    expect(result.devices.camera!.calls[0]!.name).toBe('read frame');
    expect(result.devices.camera!.calls[0]!.endMs).not.toBeNull();
    expect(JSON.parse(JSON.stringify(result.devices))).toEqual(result.devices);
  });

  it('aborts the other controllers at once when one fails, and names the device and shot', async () => {
    let failedAt = 0;
    const abortedAt: Record<string, number> = {};
    const waiter = (name: string): ShotParticipant =>
      participant(name, async (shot) => {
        shot.signal.addEventListener('abort', () => (abortedAt[name] = performance.now()));
        await shot.waitAllDevicesReady();
        await shot.sleep(10_000);
      });
    const error = await runShotAttempt(
      [
        waiter('a'),
        waiter('b'),
        participant('faulty', async (shot) => {
          await shot.waitAllDevicesReady();
          await shot.sleep(20);
          failedAt = performance.now();
          throw new InvalidValueError('laser unlocked');
        }),
      ],
      limits,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceShotError);
    expect((error as Error).message).toBe(
      'device "faulty" failed during the shot: laser unlocked (shot 7, device "faulty")',
    );
    expect(isRecoverable(error)).toBe(true);
    for (const name of ['a', 'b']) {
      expect(abortedAt[name]! - failedAt).toBeLessThan(50);
    }
  });

  it('fails a controller that calls waitAllDevicesReady twice, naming it', async () => {
    const error = await runShotAttempt(
      [
        ready('ok'),
        participant('twice', async (shot) => {
          await shot.waitAllDevicesReady();
          await shot.waitAllDevicesReady();
        }),
      ],
      limits,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /device "twice" failed during the shot: shot\.waitAllDevicesReady\(\) was called more than once/,
    );
  });

  it('fails a controller that never calls waitAllDevicesReady, without waiting for the timeout', async () => {
    const started = performance.now();
    const error = await runShotAttempt(
      [ready('ok'), participant('lazy', async () => {})],
      limits,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /device "lazy" failed during the shot: the controller returned without calling shot\.waitAllDevicesReady\(\)/,
    );
    expect(performance.now() - started).toBeLessThan(limits.timeoutMs);
  });

  it('rejects a data label signalled twice, naming both devices', async () => {
    const error = await runShotAttempt(
      ['first', 'second'].map((name, i) =>
        participant(name, async (shot) => {
          await shot.waitAllDevicesReady();
          await shot.sleep(i * 10);
          shot.signalData('shared', i);
        }),
      ),
      limits,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /device "second" failed during the shot: data "shared" was already signalled in this shot by device "first"/,
    );
  });

  it('rejects data that cannot be stored, naming the label', async () => {
    const error = await runShotAttempt(
      [
        participant('dev', async (shot) => {
          await shot.waitAllDevicesReady();
          shot.signalData('bad', { when: new Date() } as never);
        }),
      ],
      limits,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/data "bad"\.when cannot be stored/);
  });

  it('fails the shot when a label is still awaited when it ends', async () => {
    const error = await runShotAttempt(
      [
        participant('impatient', async (shot) => {
          await shot.waitAllDevicesReady();
          shot.waitData('never').catch(() => undefined);
        }),
      ],
      limits,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataNeverSignalledError);
    expect((error as Error).message).toMatch(/device "impatient" waited for "never".*shot 7/);
  });

  it('times out a shot, naming the devices still running and the data they wait for', async () => {
    const error = await runShotAttempt(
      [
        ready('quick'),
        participant('stuck', async (shot) => {
          await shot.waitAllDevicesReady();
          await shot.waitData('trigger\\seen');
        }),
      ],
      { ...limits, timeoutMs: 50 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShotTimeoutError);
    expect((error as Error).message).toMatch(
      /did not finish within 0\.050 s \(still running: "stuck" \(waiting for data "trigger\\seen"\)\)/,
    );
    expect(isRecoverable(error)).toBe(true);
  });

  it('times out a shot, naming the tracked call still in progress (a driver names its port there)', async () => {
    const error = await runShotAttempt(
      [
        participant('waveplate', async (shot) => {
          await shot.track('ell14 move on /dev/ttyUSB3', () => shot.sleep(60_000));
        }),
      ],
      { ...limits, timeoutMs: 50 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShotTimeoutError);
    expect((error as Error).message).toContain(
      'still running: "waveplate" (in "ell14 move on /dev/ttyUSB3")',
    );
  });

  it('gives up on controllers that ignore the abort after the grace time', async () => {
    const error = await runShotAttempt(
      [
        participant('deaf', async (shot) => {
          await shot.waitAllDevicesReady().catch(() => undefined);
          await new Promise((r) => setTimeout(r, 500));
        }),
        participant('faulty', async () => {
          throw new Error('boom');
        }),
      ],
      { ...limits, abortGraceMs: 30 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControllersDidNotStopError);
    expect((error as Error).message).toMatch(/"deaf" did not stop within 30 ms/);
  });

  it('hands aborted controllers an AbortedError whose cause is the failure', async () => {
    let reason: unknown;
    await runShotAttempt(
      [
        participant('waiting', async (shot) => {
          try {
            await shot.waitAllDevicesReady();
          } catch (e) {
            reason = e;
            throw e;
          }
        }),
        participant('faulty', async () => {
          throw new Error('power supply tripped');
        }),
      ],
      limits,
    ).catch(() => undefined);
    expect(reason).toBeInstanceOf(AbortedError);
    expect(((reason as Error).cause as Error).message).toMatch(/power supply tripped/);
  });

  it('shot timer: elapsed since the barrier, waitUntil returns the planned wait', async () => {
    await runShotAttempt(
      [
        participant('timed', async (shot) => {
          const timer = await shot.waitAllDevicesReady();
          expect(timer.elapsed()).toBeLessThan(0.05);
          const planned = await timer.waitUntil(0.02);
          expect(planned).toBeGreaterThan(0);
          expect(timer.elapsed()).toBeGreaterThanOrEqual(0.02);
          expect(await timer.waitUntil(0)).toBeLessThan(0);
          await expect(timer.waitUntil(-1)).rejects.toThrow(InvalidValueError);
        }),
      ],
      limits,
    );
  });
});
