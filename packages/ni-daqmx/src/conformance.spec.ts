import { AnalogRamp, AnalogTimeLane, InProcessTriggerBus, TimeLanes } from '@shotline/core';
import { describeDeviceExtension } from '@shotline/testing';
import { FakeDaqmx } from './fake-daqmx.test-helper.js';
import { Ni6738Extension } from './ni6738-extension.js';
import { paddedNi6738Channels } from './ni6738-configuration.js';
import { SimulatedNi6738Extension } from './simulated/simulated-ni6738-extension.js';
import { constant, lane, volts } from './ni6738.test-helper.js';

// Both NI 6738 device types pass the conformance kit of @shotline/testing: the driver against the
// compiled fake NI-DAQmx, and the simulated card on its own clock.

const timeLanes = new TimeLanes({
  stepNames: ['hold', 'ramp', 'rest'],
  stepDurations: ['1 ms', '2 ms', '1 ms'],
  lanes: {
    coil: new AnalogTimeLane([
      ['1 V + i * 0.5 V', 1],
      [new AnalogRamp(), 1],
      ['-2 V', 1],
    ]),
  },
});

const channels = paddedNi6738Channels([
  volts('coil', lane('coil')),
  volts('bias', constant('0.25 V')),
]);

describeDeviceExtension(new Ni6738Extension(), {
  simulator: () => {
    const fake = new FakeDaqmx();
    fake.reset();
    return { configuration: { libraryPath: fake.path, channels }, stop: () => fake.reset() };
  },
  sequence: { timeLanes },
});

describeDeviceExtension(new SimulatedNi6738Extension(new InProcessTriggerBus()), {
  simulator: () => ({ configuration: { clock: 'internal', channels }, stop: () => undefined }),
  sequence: { timeLanes },
});
