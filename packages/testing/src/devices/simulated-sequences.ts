import {
  ArangeLoop,
  ExecuteShot,
  IterationConfiguration,
  TimeLanes,
  type DeviceConfiguration,
  type ShotlineEvent,
  type ShotlineEventBus,
} from '@shotline/core';
import { DataProducerDeviceExtension } from './data-producer-device.js';
import { DataWaiterDeviceExtension } from './data-waiter-device.js';
import { FailingDeviceExtension } from './failing-device.js';
import { NoopDeviceExtension } from './noop-device.js';
import { SlowDeviceExtension } from './slow-device.js';

/** A sequence of `shots` shots (`i` from 0) of one step lasting `stepMs`. */
export function simulatedScan(
  shots: number,
  stepMs = 1,
): { iteration: IterationConfiguration; timeLanes: TimeLanes } {
  return {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: String(shots),
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({ stepNames: ['run'], stepDurations: [`${stepMs} ms`] }),
  };
}

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
};

/** Collects every event of a bus. */
export function collectEvents(events: ShotlineEventBus): ShotlineEvent[] {
  const all: ShotlineEvent[] = [];
  events.onAny((e) => all.push(e));
  return all;
}
