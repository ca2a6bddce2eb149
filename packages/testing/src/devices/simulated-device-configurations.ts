import type { DeviceConfiguration } from '@shotline/core';
import { DataProducerDeviceExtension } from './data-producer-device.js';
import { DataWaiterDeviceExtension } from './data-waiter-device.js';
import { FailingDeviceExtension } from './failing-device.js';
import { LockMonitorDeviceExtension } from './lock-monitor-device.js';
import { SimulatedMotDeviceExtension } from './simulated-mot-device.js';
import { NoopDeviceExtension } from './noop-device.js';
import { SlowDeviceExtension } from './slow-device.js';

/** Device configuration shorthands for the simulated devices of this package. */
export const simulatedDevice = {
  noop: (name: string, configuration: Record<string, unknown> = {}): DeviceConfiguration => ({
    name,
    type: NoopDeviceExtension.type,
    configuration,
  }),
  slow: (name: string, configuration: Record<string, unknown> = {}): DeviceConfiguration => ({
    name,
    type: SlowDeviceExtension.type,
    configuration,
  }),
  failing: (name: string, configuration: Record<string, unknown>): DeviceConfiguration => ({
    name,
    type: FailingDeviceExtension.type,
    configuration,
  }),
  producer: (name: string, configuration: Record<string, unknown> = {}): DeviceConfiguration => ({
    name,
    type: DataProducerDeviceExtension.type,
    configuration,
  }),
  waiter: (name: string, configuration: Record<string, unknown>): DeviceConfiguration => ({
    name,
    type: DataWaiterDeviceExtension.type,
    configuration,
  }),
  lockMonitor: (
    name: string,
    configuration: Record<string, unknown> = {},
  ): DeviceConfiguration => ({
    name,
    type: LockMonitorDeviceExtension.type,
    configuration,
  }),
  mot: (name: string, configuration: Record<string, unknown> = {}): DeviceConfiguration => ({
    name,
    type: SimulatedMotDeviceExtension.type,
    configuration,
  }),
};
