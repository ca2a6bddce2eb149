import { describe, expect, it } from 'vitest';
import { AbortedError, ContractViolationError, InvalidValueError } from '../errors/index.js';
import { DuplicateDataLabelError, ReadinessBarrierError } from './engine-errors.js';
import { SharedShot } from './shared-shot.js';

/** Settles `promise` into a value to compare: `'pending'` if it has not settled after a tick. */
async function state(promise: Promise<unknown>): Promise<unknown> {
  const pending = Symbol('pending');
  const settled = await Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise((resolve) => setTimeout(() => resolve(pending), 5)),
  ]);
  return settled === pending ? 'pending' : settled;
}

describe('a shared shot', () => {
  it('opens the barrier when every device of the shot is ready, with one timer', async () => {
    const shot = new SharedShot({ index: 1, devices: ['camera', 'sequencer'] });
    const camera = shot.runningShot('camera');
    const sequencer = shot.runningShot('sequencer');
    const cameraReady = camera.waitAllDevicesReady();
    expect(await state(cameraReady)).toBe('pending');
    expect(shot.barrierMs).toBeNull();
    const timer = await sequencer.waitAllDevicesReady();
    expect(await cameraReady).toBe(timer);
    expect(shot.barrierMs).toBe(shot.timings.sequencer!.readyMs);
    expect(shot.timings.camera!.barrierMs).not.toBeNull();
  });

  it('lets a device alone in the shot through at once', async () => {
    const shot = new SharedShot({ index: 0, devices: ['laser'] });
    const timer = await shot.runningShot('laser').waitAllDevicesReady();
    expect(timer.elapsed()).toBeGreaterThanOrEqual(0);
    await expect(timer.waitUntil(-1)).rejects.toThrow(InvalidValueError);
  });

  it('gives each device of the shot one running shot', () => {
    const shot = new SharedShot({ index: 2, devices: ['camera'] });
    expect(shot.runningShot('camera').deviceName).toBe('camera');
    expect(() => shot.runningShot('camera')).toThrow(ContractViolationError);
    expect(() => shot.runningShot('laser')).toThrow(/device "laser" does not take part/);
  });

  it('fails the shot when a device calls the barrier twice, naming it', async () => {
    const shot = new SharedShot({ index: 5, devices: ['camera', 'sequencer'] });
    const camera = shot.runningShot('camera');
    const first = camera.waitAllDevicesReady();
    await expect(camera.waitAllDevicesReady()).rejects.toThrow(ReadinessBarrierError);
    expect(shot.failure?.message).toMatch(/"camera".*shot 5/);
    await expect(first).rejects.toThrow(AbortedError);
  });

  it('hands data from one device to another and records the wait and the signal', async () => {
    const shot = new SharedShot({ index: 0, devices: ['camera', 'analysis'] });
    const camera = shot.runningShot('camera');
    const analysis = shot.runningShot('analysis');
    const waiting = analysis.waitData('cam\\atoms');
    camera.signalData('cam\\atoms', { count: 3 });
    expect(await waiting).toEqual({ count: 3 });
    expect(await analysis.waitData('cam\\atoms')).toEqual({ count: 3 });
    expect(shot.data).toEqual({ 'cam\\atoms': { count: 3 } });
    expect(shot.timings.camera!.dataSignals.map((s) => s.name)).toEqual(['cam\\atoms']);
    expect(shot.timings.analysis!.dataWaits.every((w) => w.endMs !== null)).toBe(true);
    expect(() => analysis.signalData('cam\\atoms', { count: 4 })).toThrow(DuplicateDataLabelError);
    expect(() => analysis.signalData('cam\\atoms', { count: 4 })).toThrow(/by device "camera"/);
  });

  it('on abort, fires the signal and rejects the barrier and the data waits with the cause', async () => {
    const shot = new SharedShot({ index: 3, devices: ['camera', 'sequencer'] });
    const camera = shot.runningShot('camera');
    const ready = camera.waitAllDevicesReady();
    const waiting = camera.waitData('never');
    shot.abort(new Error('the sequencer failed'));
    shot.abort(new Error('a consequence'));
    expect(camera.signal.aborted).toBe(true);
    expect(camera.signal.reason).toBeInstanceOf(AbortedError);
    expect(shot.failure?.message).toBe('the sequencer failed');
    await expect(ready).rejects.toThrow(/the shot was aborted: the sequencer failed/);
    await expect(waiting).rejects.toThrow(AbortedError);
    await expect(camera.sleep(10_000)).rejects.toThrow(AbortedError);
  });

  it('records tracked calls in the device timing', async () => {
    const shot = new SharedShot({ index: 0, devices: ['camera'] });
    const camera = shot.runningShot('camera');
    expect(await camera.track('arm', async () => 42)).toBe(42);
    expect(shot.timings.camera!.calls).toEqual([
      expect.objectContaining({ name: 'arm', endMs: expect.any(Number) as unknown }),
    ]);
  });
});
