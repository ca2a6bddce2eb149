import {
  createSequenceContext,
  type JsonValue,
  type ParameterSchema,
  type SequenceContext,
  type TimeLanes,
} from '@shotline/core';
import { stepTimeLanes } from './step-time-lanes.js';

/** A device of a {@link testSequenceContext}: its name, type tag and configuration (plain JSON). */
export interface TestDeviceConfiguration {
  readonly name: string;
  readonly type: string;
  readonly configuration: unknown;
}

/** Options of {@link testSequenceContext}. */
export interface TestSequenceOptions {
  /** The devices in use, whose configurations compilers may read. Default: none. */
  readonly devices?: Iterable<TestDeviceConfiguration>;
  /** Default `\test`. */
  readonly sequencePath?: string;
  /** Constants and scanned parameter types. Default: none. */
  readonly parameterSchema?: ParameterSchema;
}

/**
 * The engine's {@link SequenceContext} over `timeLanes` (default: no steps, no lanes), to build a
 * compiler in a unit test. Device configurations go through JSON, as the engine stores them.
 */
export function testSequenceContext(
  timeLanes: TimeLanes = stepTimeLanes(),
  options: TestSequenceOptions = {},
): SequenceContext {
  return createSequenceContext({
    timeLanes,
    sequencePath: options.sequencePath,
    parameterSchema: options.parameterSchema,
    deviceConfigurations: [...(options.devices ?? [])].map((device) => ({
      name: device.name,
      type: device.type,
      configuration: JSON.parse(JSON.stringify(device.configuration)) as JsonValue,
    })),
  });
}
