// Test support: real time lanes and parameters from core, a sequence context with device
// configurations, and a shot context that compiles other devices on demand (like the engine's).
import {
  type DeviceCompiler,
  type SequenceContext,
  type ShotContext,
  type StoredDeviceConfiguration,
  type TimeLane,
  type TimedInstruction,
  ContractViolationError,
  InvalidValueError,
  ParameterSchema,
  Parameters,
  TimeLanes,
  changeTable,
  evaluateStepDurations,
  stepStartTimes,
  toPattern,
} from '@shotline/core';
import type { ChannelConfiguration } from './configuration/channel-configuration.js';
import type { ChannelOutput } from './configuration/channel-output.js';

/** Time lanes with the given step durations (expressions) and lanes. */
export function timeLanes(
  durations: readonly string[],
  lanes: Readonly<Record<string, TimeLane>> = {},
): TimeLanes {
  return new TimeLanes({
    stepNames: durations.map((_, i) => `step ${i}`),
    stepDurations: durations,
    lanes,
  });
}

/** A sequence context over real time lanes, with the given device configurations. */
export function sequenceContext(
  lanes: TimeLanes,
  devices: readonly { name: string; type: string; configuration: unknown }[] = [],
): SequenceContext {
  const configurations = new Map(devices.map((d) => [d.name, d as StoredDeviceConfiguration]));
  return {
    sequencePath: '\\test',
    parameterSchema: ParameterSchema.empty,
    timeLanes: lanes,
    deviceConfigurations: configurations,
    deviceConfiguration(name: string): StoredDeviceConfiguration {
      const found = configurations.get(name);
      if (found === undefined) throw new InvalidValueError(`no device "${name}"`);
      return found;
    },
    findLane: (name) => lanes.findLane(name),
    lanesOfType: (type) => lanes.lanesOfType(type),
  };
}

/** A shot context with exact step timing, other devices' compilers, and memoised shot parameters. */
export class TestShotContext implements ShotContext {
  readonly stepNames: readonly string[];
  readonly stepDurations: readonly number[];
  readonly stepStartTimes: readonly number[];
  readonly shotDuration: number;
  readonly usedLanes = new Set<string>();
  private readonly results = new Map<string, unknown>();
  private readonly inProgress: string[] = [];

  constructor(
    readonly sequence: SequenceContext,
    readonly parameters: Parameters = Parameters.empty,
    readonly compilers: ReadonlyMap<string, DeviceCompiler> = new Map(),
    readonly index = 0,
  ) {
    const lanes = sequence.timeLanes;
    this.stepNames = lanes.stepNames;
    this.stepDurations = evaluateStepDurations(lanes, parameters);
    this.stepStartTimes = stepStartTimes(this.stepDurations);
    this.shotDuration = this.stepStartTimes[this.stepStartTimes.length - 1] ?? 0;
  }

  lane(name: string): TimeLane {
    const lane = this.findLane(name);
    if (lane === undefined) throw new InvalidValueError(`no lane "${name}"`);
    return lane;
  }

  findLane(name: string): TimeLane | undefined {
    const lane = this.sequence.timeLanes.findLane(name);
    if (lane !== undefined) this.usedLanes.add(name);
    return lane;
  }

  lanesOfType(type: string): ReadonlyMap<string, TimeLane> {
    return this.sequence.timeLanes.lanesOfType(type);
  }

  markLaneUsed(name: string): void {
    this.lane(name);
  }

  isDeviceUsed(name: string): boolean {
    return this.compilers.has(name);
  }

  deviceCompiler(name: string): DeviceCompiler {
    const compiler = this.compilers.get(name);
    if (compiler === undefined) throw new InvalidValueError(`device "${name}" is not used`);
    return compiler;
  }

  shotParametersOf(name: string): unknown {
    if (this.results.has(name)) return this.results.get(name);
    if (this.inProgress.includes(name)) {
      throw new ContractViolationError(`cycle: ${[...this.inProgress, name].join(' -> ')}`);
    }
    this.inProgress.push(name);
    try {
      const result = this.deviceCompiler(name).compileShot(this);
      this.results.set(name, result);
      return result;
    } finally {
      this.inProgress.pop();
    }
  }
}

/** A digital channel. */
export function digital(description: string, output: ChannelOutput): ChannelConfiguration {
  return { type: 'digital', description, output };
}

/** An analog channel. */
export function analog(
  description: string,
  outputUnit: string,
  output: ChannelOutput,
): ChannelConfiguration {
  return { type: 'analog', description, outputUnit, output };
}

/** A lane output. */
export function lane(name: string, fallback?: ChannelOutput): ChannelOutput {
  return fallback === undefined
    ? { type: 'LaneValues', lane: name }
    : { type: 'LaneValues', lane: name, default: fallback };
}

/** A constant output. */
export function constant(value: string): ChannelOutput {
  return { type: 'Constant', value };
}

/** The values of one channel tick by tick (booleans as 0/1). */
export function valuesOf(instruction: TimedInstruction, field: string | number = 0): number[] {
  return Array.from(toPattern(instruction).column(field));
}

/**
 * True if two instructions have the same values at every tick, compared through their change
 * tables (fast for long compressed instructions, unlike a tick-by-tick comparison).
 */
export function sameValues(a: TimedInstruction, b: TimedInstruction): boolean {
  if (a.length !== b.length || a.width !== b.width) return false;
  const x = changeTable(a);
  const y = changeTable(b);
  if (x.times.length !== y.times.length) return false;
  for (let i = 0; i < x.times.length; i++) if (x.times[i] !== y.times[i]) return false;
  return x.columns.every((column, f) => column.every((v, i) => v === y.columns[f]![i]));
}
