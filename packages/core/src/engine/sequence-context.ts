import type { SequenceContext } from '../device/index.js';
import { InvalidValueError } from '../errors/index.js';
import { ParameterSchema } from '../parameters/index.js';
import type { StoredDeviceConfiguration } from '../storage/index.js';
import type { TimeLane, TimeLanes } from '../time-lanes/index.js';

/** What a {@link SequenceContext} is built from. */
export interface SequenceContextOptions {
  /** Path of the sequence, for messages. Default `\test`. */
  readonly sequencePath?: string;
  readonly timeLanes: TimeLanes;
  /** Constants and scanned parameter types. Default: none. */
  readonly parameterSchema?: ParameterSchema;
  /** Configurations of the devices in use, in order. Default: none. */
  readonly deviceConfigurations?: Iterable<StoredDeviceConfiguration>;
}

class EngineSequenceContext implements SequenceContext {
  readonly sequencePath: string;
  readonly parameterSchema: ParameterSchema;
  readonly timeLanes: TimeLanes;
  readonly deviceConfigurations: ReadonlyMap<string, StoredDeviceConfiguration>;

  constructor(options: SequenceContextOptions) {
    this.sequencePath = options.sequencePath ?? '\\test';
    this.parameterSchema = options.parameterSchema ?? ParameterSchema.empty;
    this.timeLanes = options.timeLanes;
    this.deviceConfigurations = new Map(
      [...(options.deviceConfigurations ?? [])].map((c) => [c.name, c]),
    );
  }

  deviceConfiguration(deviceName: string): StoredDeviceConfiguration {
    const configuration = this.deviceConfigurations.get(deviceName);
    if (!configuration) {
      throw new InvalidValueError(`device "${deviceName}" is not used in this sequence`, {
        location: { device: deviceName, sequence: this.sequencePath },
      });
    }
    return configuration;
  }

  findLane(name: string): TimeLane | undefined {
    return this.timeLanes.findLane(name);
  }

  lanesOfType(type: string): ReadonlyMap<string, TimeLane> {
    return this.timeLanes.lanesOfType(type);
  }
}

/**
 * The {@link SequenceContext} the engine gives device compilers, from its parts: the one every
 * compiler of a running sequence sees, and what a compiler's unit test builds its compiler with.
 */
export function createSequenceContext(options: SequenceContextOptions): SequenceContext {
  return new EngineSequenceContext(options);
}
