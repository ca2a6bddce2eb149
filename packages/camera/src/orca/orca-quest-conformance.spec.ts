import { CameraTimeLane, InProcessTriggerBus, TakePicture, TimeLanes } from '@shotline/core';
import { describeDeviceExtension } from '@shotline/testing';
import { FakeDcam } from './fake-dcam.test-helper.js';
import { OrcaQuestExtension } from './orca-quest-extension.js';
import { SimulatedOrcaQuestExtension } from './simulated-orca-quest-extension.js';

// Both ORCA-Quest device types pass the conformance kit of @shotline/testing: the driver against
// the compiled fake DCAM-API, and the simulated camera on its own trigger.

const timeLanes = new TimeLanes({
  stepNames: ['wait', 'image', 'rest'],
  stepDurations: ['2 ms', '1 ms', '1 ms'],
  lanes: {
    dut: new CameraTimeLane([
      [null, 1],
      [new TakePicture('atoms'), 1],
      [null, 1],
    ]),
  },
});

const roi = { x: 64, y: 128, width: 32, height: 16 };

describeDeviceExtension(new OrcaQuestExtension(), {
  simulator: () => {
    const fake = new FakeDcam();
    fake.reset();
    return { configuration: { roi, libraryPath: fake.path }, stop: () => fake.reset() };
  },
  sequence: { timeLanes },
});

describeDeviceExtension(new SimulatedOrcaQuestExtension(new InProcessTriggerBus()), {
  simulator: () => ({ configuration: { roi, trigger: 'internal' }, stop: () => undefined }),
  sequence: { timeLanes },
});
