import { AbortedError, DuplicateDataLabelError, ReadinessBarrierError } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { RecordingShot } from './recording-shot.js';

describe('a recording shot', () => {
  it('records the barrier, the data and the tracked calls in order', async () => {
    const shot = new RecordingShot({ deviceName: 'cam', index: 4 });
    expect([shot.deviceName, shot.index]).toEqual(['cam', 4]);
    await shot.track('arm camera', async () => undefined);
    const timer = await shot.waitAllDevicesReady();
    shot.signalData('cam\\atoms', { mean: 3 });
    expect(shot.events).toEqual(['arm camera', 'barrier', 'data cam\\atoms']);
    expect(shot.barrierCalls).toBe(1);
    expect(shot.data).toEqual(new Map([['cam\\atoms', { mean: 3 }]]));
    expect(shot.timing.calls.map((c) => c.name)).toEqual(['arm camera']);
    expect(shot.timing.barrierMs).not.toBeNull();
    expect(timer.elapsed()).toBeGreaterThanOrEqual(0);
  });

  it("enforces the engine's rules: one barrier call, one signal per label", async () => {
    const shot = new RecordingShot();
    await shot.waitAllDevicesReady();
    await expect(shot.waitAllDevicesReady()).rejects.toThrow(ReadinessBarrierError);
    expect(shot.barrierCalls).toBe(2);
    expect(shot.signal.aborted).toBe(true);
    const fresh = new RecordingShot();
    fresh.signalData('dut\\x', { n: 1 });
    expect(() => fresh.signalData('dut\\x', { n: 2 })).toThrow(DuplicateDataLabelError);
    expect(fresh.events).toEqual(['data dut\\x']);
  });

  it('holds the barrier until the shot is aborted, then rejects with the reason', async () => {
    const shot = new RecordingShot({ barrier: 'hold' });
    const ready = shot.waitAllDevicesReady();
    shot.abort(new Error('another device failed'));
    await expect(ready).rejects.toThrow(AbortedError);
    await expect(ready).rejects.toThrow(/the shot was aborted: another device failed/);
    await expect(shot.sleep(10_000)).rejects.toThrow(AbortedError);
  });

  it("gives a controller the other devices' data, and waits for data nobody signals", async () => {
    const shot = new RecordingShot({ otherData: { 'cam\\atoms': { mean: 7 } } });
    expect(await shot.waitData('cam\\atoms')).toEqual({ mean: 7 });
    await shot.waitAllDevicesReady();
    const never = shot.waitData('cam\\background');
    shot.abort();
    await expect(never).rejects.toThrow(/the test aborted the shot/);
  });
});
