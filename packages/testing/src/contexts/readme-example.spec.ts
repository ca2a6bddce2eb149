// The unit-test example of README.md, as written there.
import { DigitalTimeLane, type DeviceController, type ShotContext } from '@shotline/core';
import {
  RecordingShot,
  stepTimeLanes,
  testSequenceContext,
  testShotContext,
} from '@shotline/testing';
import { expect, it } from 'vitest';

// --- README example ---------------------------------------------------------------------------
// A compiler under test: when the shutter opens (ps since the shot started) and the shot's power.
const compileShot = (shot: ShotContext) => ({
  openAt: shot.stepStartTimes[shot.lane('shutter').blocks.find((b) => b.value === true)!.start],
  power: shot.parameters.get('power'),
});

it('opens the shutter at the start of its first high block', () => {
  const lanes = stepTimeLanes(['10 ms', '5 ms'], {
    shutter: new DigitalTimeLane([
      [false, 1],
      [true, 1],
    ]),
  });
  const shot = testShotContext(testSequenceContext(lanes), { parameters: { power: 2 } });
  expect(compileShot(shot)).toEqual({ openAt: 10_000_000_000, power: 2 });
  expect(shot.unusedLanes()).toEqual([]);
});

// A controller under test: arms, waits at the barrier, then signals its reading.
const controller: DeviceController = {
  async runShot(_device, _parameters, shot) {
    await shot.track('arm', () => Promise.resolve());
    await shot.waitAllDevicesReady();
    shot.signalData('meter\\power', { watts: 0.002 });
  },
};

it('arms before the barrier, then signals its reading', async () => {
  const shot = new RecordingShot({ deviceName: 'meter' });
  await controller.runShot({ open: async () => {}, close: async () => {} }, {}, shot);
  expect(shot.events).toEqual(['arm', 'barrier', 'data meter\\power']);
  expect(shot.barrierCalls).toBe(1);
});
// --- end of README example ---------------------------------------------------------------------
