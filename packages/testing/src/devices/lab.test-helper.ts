import {
  type DeviceConfiguration,
  type ShotlineEvent,
  type ShotlineEventBus,
} from '@shotline/core';
import { countingScan } from './counting-scan.js';
import { DataProducerDeviceExtension } from './data-producer-device.js';
import { DataWaiterDeviceExtension } from './data-waiter-device.js';
import { FailingDeviceExtension } from './failing-device.js';
import { LockMonitorDeviceExtension } from './lock-monitor-device.js';
import { SimulatedMotDeviceExtension } from './simulated-mot-device.js';
import { NoopDeviceExtension } from './noop-device.js';
import { SlowDeviceExtension } from './slow-device.js';

/** A sequence of `shots` shots (`i` from 0) of one step lasting `stepMs`. */
export const scan = countingScan;

/** Device configuration shorthands. */
export const device = {
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
  lockMonitor: (name: string, configuration: Record<string, unknown> = {}): DeviceConfiguration => ({
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

/** Collects every event of a bus. */
export function collectEvents(events: ShotlineEventBus): ShotlineEvent[] {
  const all: ShotlineEvent[] = [];
  events.onAny((e) => all.push(e));
  return all;
}
