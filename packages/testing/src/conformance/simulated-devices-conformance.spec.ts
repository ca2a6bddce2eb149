import {
  DataProducerDeviceExtension,
  SlowDeviceExtension,
  testingPlugin,
} from '../devices/index.js';
import { describeDeviceExtension } from './describe-device-extension.js';

// The kit runs on the testing package's own simulated devices: one that signals data, one that
// takes time (and must stop promptly when aborted).
describeDeviceExtension(new DataProducerDeviceExtension(), {
  simulator: () => ({
    configuration: { label: 'image', kind: 'image', width: 4, height: 3, shotMs: 0 },
    stop: () => undefined,
  }),
  plugin: testingPlugin,
});

describeDeviceExtension(new SlowDeviceExtension(), {
  simulator: () => ({
    configuration: { openMs: 1, shotMs: 5, compileMs: 0 },
    stop: () => undefined,
  }),
});
