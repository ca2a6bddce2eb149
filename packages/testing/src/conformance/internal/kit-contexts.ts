import {
  InvalidValueError,
  evaluateStepDurations,
  stepStartTimes,
  type DeviceCompiler,
  type IterationConfiguration,
  type ParameterSchema,
  type Parameters,
  type SequenceContext,
  type ShotContext,
  type StoredDeviceConfiguration,
  type TimeLane,
  type TimeLanes,
} from '@shotline/core';

/**
 * The sequence context the conformance kit compiles in: one device, the kit's time lanes and the
 * parameter schema of its iteration. Built like the engine builds it, from plain inputs.
 */
export class KitSequenceContext implements SequenceContext {
  readonly deviceConfigurations: ReadonlyMap<string, StoredDeviceConfiguration>;

  constructor(
    readonly sequencePath: string,
    readonly parameterSchema: ParameterSchema,
    readonly timeLanes: TimeLanes,
    configuration: StoredDeviceConfiguration,
  ) {
    this.deviceConfigurations = new Map([[configuration.name, configuration]]);
  }

  deviceConfiguration(deviceName: string): StoredDeviceConfiguration {
    const found = this.deviceConfigurations.get(deviceName);
    if (!found) {
      throw new InvalidValueError(`device "${deviceName}" is not used in this sequence`, {
        location: { device: deviceName },
      });
    }
    return found;
  }

  findLane(name: string): TimeLane | undefined {
    return this.timeLanes.findLane(name);
  }

  lanesOfType(type: string): ReadonlyMap<string, TimeLane> {
    return this.timeLanes.lanesOfType(type);
  }
}

/** The shot context of one shot of the kit's sequence; it records the lanes the compiler read. */
export class KitShotContext implements ShotContext {
  readonly stepNames: readonly string[];
  readonly stepDurations: readonly number[];
  readonly stepStartTimes: readonly number[];
  readonly shotDuration: number;
  readonly usedLanes = new Set<string>();
  private memo: unknown;
  private compiled = false;

  constructor(
    readonly sequence: KitSequenceContext,
    readonly index: number,
    readonly parameters: Parameters,
    private readonly deviceName: string,
    private readonly compiler: DeviceCompiler,
  ) {
    this.stepNames = sequence.timeLanes.stepNames;
    this.stepDurations = evaluateStepDurations(sequence.timeLanes, parameters);
    this.stepStartTimes = stepStartTimes(this.stepDurations);
    this.shotDuration = this.stepStartTimes[this.stepStartTimes.length - 1]!;
  }

  lane(name: string): TimeLane {
    const lane = this.findLane(name);
    if (!lane) throw new InvalidValueError('there is no such lane', { location: { lane: name } });
    return lane;
  }

  findLane(name: string): TimeLane | undefined {
    const lane = this.sequence.timeLanes.findLane(name);
    if (lane) this.usedLanes.add(name);
    return lane;
  }

  lanesOfType(type: string): ReadonlyMap<string, TimeLane> {
    return this.sequence.timeLanes.lanesOfType(type);
  }

  markLaneUsed(name: string): void {
    this.usedLanes.add(name);
  }

  isDeviceUsed(deviceName: string): boolean {
    return deviceName === this.deviceName;
  }

  deviceCompiler(deviceName: string): DeviceCompiler {
    if (deviceName !== this.deviceName) {
      throw new InvalidValueError('the conformance kit runs one device only', {
        location: { device: deviceName },
      });
    }
    return this.compiler;
  }

  shotParametersOf(deviceName: string): unknown {
    this.deviceCompiler(deviceName);
    if (!this.compiled) {
      this.memo = this.compiler.compileShot(this);
      this.compiled = true;
    }
    return this.memo;
  }
}

/** The parameters of every shot of an iteration, with the constants. */
export function kitShots(iteration: IterationConfiguration, constants: Parameters): Parameters[] {
  return [...iteration.walk(constants)];
}
