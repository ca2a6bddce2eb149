// Test support: real time lanes and parameters from core, with minimal compilation contexts and a
// running shot that records what a controller does (the engine's own are internal to core).
import {
  CameraTimeLane,
  DigitalTimeLane,
  InvalidValueError,
  ParameterSchema,
  Parameters,
  TakePicture,
  TimeLanes,
  evaluateStepDurations,
  stepStartTimes,
  type DataLabel,
  type DataValue,
  type DeviceCompiler,
  type RunningShot,
  type SequenceContext,
  type ShotContext,
  type ShotTimer,
  type StoredDeviceConfiguration,
  type TimeLane,
} from '@shotline/core';

/** `[picture name or null, span]` blocks of a camera lane. */
export type CameraSpans = readonly (readonly [string | null, number])[];

/** A camera lane from `[picture or null, span]` blocks. */
export function cameraLane(spans: CameraSpans): CameraTimeLane {
  return new CameraTimeLane(
    spans.map(([name, span]) => [name === null ? null : new TakePicture(name), span] as const),
  );
}

/** A digital lane of `steps` low steps (a lane that is not a camera lane). */
export function digitalLane(steps: number): TimeLane {
  return new DigitalTimeLane([[false, steps]]);
}

/** Time lanes with the given step durations (expressions) and lanes. */
export function timeLanes(
  durations: readonly string[],
  lanes: Readonly<Record<string, TimeLane>>,
): TimeLanes {
  return new TimeLanes({
    stepNames: durations.map((_, i) => `step ${i}`),
    stepDurations: durations,
    lanes,
  });
}

/** A sequence context over real time lanes. */
export function sequenceContext(lanes: TimeLanes): SequenceContext {
  return {
    sequencePath: '\\test',
    parameterSchema: ParameterSchema.empty,
    timeLanes: lanes,
    deviceConfigurations: new Map<string, StoredDeviceConfiguration>(),
    deviceConfiguration(name: string): StoredDeviceConfiguration {
      throw new InvalidValueError(`no device "${name}"`);
    },
    findLane: (name) => lanes.findLane(name),
    lanesOfType: (type) => lanes.lanesOfType(type),
  };
}

/** A shot context with exact step timing, recording which lanes were read. */
export class TestShotContext implements ShotContext {
  readonly stepNames: readonly string[];
  readonly stepDurations: readonly number[];
  readonly stepStartTimes: readonly number[];
  readonly shotDuration: number;
  readonly usedLanes = new Set<string>();

  constructor(
    readonly sequence: SequenceContext,
    readonly parameters: Parameters = Parameters.empty,
    readonly index = 0,
  ) {
    const lanes = sequence.timeLanes;
    this.stepNames = lanes.stepNames;
    this.stepDurations = evaluateStepDurations(lanes, parameters);
    this.stepStartTimes = stepStartTimes(this.stepDurations);
    this.shotDuration = this.stepStartTimes[this.stepStartTimes.length - 1] ?? 0;
  }

  lane(name: string): TimeLane {
    const lane = this.sequence.timeLanes.lane(name);
    this.usedLanes.add(name);
    return lane;
  }

  findLane(name: string): TimeLane | undefined {
    const lane = this.sequence.findLane(name);
    if (lane !== undefined) this.usedLanes.add(name);
    return lane;
  }

  lanesOfType(type: string): ReadonlyMap<string, TimeLane> {
    return this.sequence.lanesOfType(type);
  }

  markLaneUsed(name: string): void {
    this.lane(name);
  }

  isDeviceUsed(): boolean {
    return false;
  }

  deviceCompiler(name: string): DeviceCompiler {
    throw new InvalidValueError(`device "${name}" is not used`);
  }

  shotParametersOf(name: string): unknown {
    throw new InvalidValueError(`device "${name}" is not used`);
  }
}

/** A running shot with a one-device barrier that records what the controller does, in order. */
export class TestRunningShot implements RunningShot {
  readonly events: string[] = [];
  readonly data = new Map<DataLabel, DataValue>();
  readonly controller = new AbortController();
  private readonly started = performance.now();

  constructor(
    readonly index = 0,
    readonly deviceName = 'cam',
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  waitAllDevicesReady(): Promise<ShotTimer> {
    this.events.push('barrier');
    const started = this.started;
    return Promise.resolve({
      elapsed: () => (performance.now() - started) / 1000,
      waitUntil: () => Promise.resolve(0),
    });
  }

  signalData(label: DataLabel, data: DataValue): void {
    if (this.data.has(label)) throw new Error(`duplicate label ${label}`);
    this.events.push(`data ${label}`);
    this.data.set(label, data);
  }

  waitData(label: DataLabel): Promise<DataValue> {
    return Promise.reject(new Error(`no data ${label}`));
  }

  sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, milliseconds));
  }

  async track<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.events.push(name);
    return work();
  }
}
