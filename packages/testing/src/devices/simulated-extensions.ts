import { DataProducerDeviceExtension } from './data-producer-device.js';
import { DataWaiterDeviceExtension } from './data-waiter-device.js';
import { FailingDeviceExtension } from './failing-device.js';
import { LockMonitorDeviceExtension } from './lock-monitor-device.js';
import { SimulatedMotDeviceExtension } from './simulated-mot-device.js';
import { NoopDeviceExtension } from './noop-device.js';
import { SlowDeviceExtension } from './slow-device.js';

/** The simulated device extensions (injectable classes), as the testing plugin registers them. */
export const SIMULATED_DEVICE_EXTENSIONS = [
  NoopDeviceExtension,
  SlowDeviceExtension,
  FailingDeviceExtension,
  DataProducerDeviceExtension,
  DataWaiterDeviceExtension,
  LockMonitorDeviceExtension,
  SimulatedMotDeviceExtension,
] as const;
