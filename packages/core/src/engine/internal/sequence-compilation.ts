import {
  isDeviceNotUsed,
  type DeviceCompiler,
  type SequenceContext,
  type ShotContext,
} from '../../device/index.js';
import { ContractViolationError, InvalidValueError, withContext } from '../../errors/index.js';
import { IterationConfiguration } from '../../iteration/index.js';
import {
  ParameterNamespace,
  type ParameterSchema,
  type Parameters,
} from '../../parameters/index.js';
import type { DeviceRegistry } from '../../plugins/index.js';
import { parseDeviceConfiguration } from '../../session/device-configuration.js';
import type { JsonValue, StoredDeviceConfiguration } from '../../storage/index.js';
import { evaluateStepDurations, stepStartTimes } from '../../time/index.js';
import { TimeLanes, type TimeLane } from '../../time-lanes/index.js';
import { DeviceCompilationError, UnusedLaneError } from '../engine-errors.js';

/**
 * Everything needed to compile a sequence, as plain JSON: what the main thread snapshots at
 * PREPARING, and what every compile worker receives once to rebuild the compilers.
 */
export interface SequenceCompilationInput {
  readonly sequencePath: string;
  /** JSON of the global {@link ParameterNamespace}. */
  readonly globals: JsonValue;
  /** JSON of the {@link IterationConfiguration}. */
  readonly iteration: JsonValue;
  /** JSON of the {@link TimeLanes}. */
  readonly timeLanes: JsonValue;
  readonly deviceConfigurations: readonly StoredDeviceConfiguration[];
}

/** The compilers of a sequence and what they were built from. */
export interface SequenceCompilation {
  readonly context: SequenceContext;
  readonly constants: Parameters;
  readonly iteration: IterationConfiguration;
  readonly timeLanes: TimeLanes;
  /** Compilers of the devices in use, in configuration order. */
  readonly compilers: ReadonlyMap<string, DeviceCompiler>;
  /** Devices left out, with their compiler's reason. */
  readonly notUsed: readonly { device: string; reason: string }[];
}

class CompiledSequenceContext implements SequenceContext {
  readonly deviceConfigurations: ReadonlyMap<string, StoredDeviceConfiguration>;

  constructor(
    readonly sequencePath: string,
    readonly parameterSchema: ParameterSchema,
    readonly timeLanes: TimeLanes,
    configurations: Iterable<StoredDeviceConfiguration>,
  ) {
    this.deviceConfigurations = new Map([...configurations].map((c) => [c.name, c]));
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

  withDevices(names: ReadonlySet<string>): CompiledSequenceContext {
    return new CompiledSequenceContext(
      this.sequencePath,
      this.parameterSchema,
      this.timeLanes,
      [...this.deviceConfigurations.values()].filter((c) => names.has(c.name)),
    );
  }
}

/**
 * Builds the compilers of a sequence from its JSON inputs: evaluates the globals, computes the
 * parameter schema, loads the time lanes (with the registry's lane types), validates each device
 * configuration and creates its compiler, leaving out the devices whose compiler says "not used".
 * Runs once on the main thread and once in every compile worker; deterministic.
 */
export function buildSequenceCompilation(
  input: SequenceCompilationInput,
  registry: DeviceRegistry,
): SequenceCompilation {
  const sequence = input.sequencePath;
  const at = <T>(what: () => T): T => {
    try {
      return what();
    } catch (e) {
      throw withContext(e, { sequence });
    }
  };
  const constants = at(() => ParameterNamespace.fromJSON(input.globals).evaluate());
  const iteration = at(() => IterationConfiguration.fromJSON(input.iteration));
  const schema = at(() => iteration.parameterSchema(constants));
  const timeLanes = at(() => TimeLanes.fromJSON(input.timeLanes, registry.laneTypes));
  const full = new CompiledSequenceContext(sequence, schema, timeLanes, input.deviceConfigurations);
  const created: [string, DeviceCompiler][] = [];
  const notUsed: { device: string; reason: string }[] = [];
  for (const stored of input.deviceConfigurations) {
    const configuration = at(() => parseDeviceConfiguration(registry, stored));
    const extension = registry.extension(stored.type, { device: stored.name, sequence });
    let result: ReturnType<typeof extension.createCompiler>;
    try {
      result = extension.createCompiler(stored.name, configuration.configuration, full);
    } catch (e) {
      throw new DeviceCompilationError(stored.name, 'compiler', e, { location: { sequence } });
    }
    if (isDeviceNotUsed(result)) notUsed.push({ device: stored.name, reason: result.reason });
    else created.push([stored.name, result]);
  }
  const compilers = new Map(created);
  return {
    context: full.withDevices(new Set(compilers.keys())),
    constants,
    iteration,
    timeLanes,
    compilers,
    notUsed,
  };
}

/** Computes every device's initialization parameters (once per sequence, on the main thread). */
export function initializationParameters(compilation: SequenceCompilation): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, compiler] of compilation.compilers) {
    try {
      out.set(name, compiler.initializationParameters());
    } catch (e) {
      throw new DeviceCompilationError(name, 'initialization', e, {
        location: { sequence: compilation.context.sequencePath },
      });
    }
  }
  return out;
}

class CompilingShot implements ShotContext {
  readonly stepNames: readonly string[];
  readonly stepDurations: readonly number[];
  readonly stepStartTimes: readonly number[];
  readonly shotDuration: number;
  readonly results = new Map<string, unknown>();
  private readonly inProgress: string[] = [];
  private readonly usedLanes = new Set<string>();

  constructor(
    readonly sequence: SequenceContext,
    readonly index: number,
    readonly parameters: Parameters,
    private readonly timeLanes: TimeLanes,
    private readonly compilers: ReadonlyMap<string, DeviceCompiler>,
  ) {
    this.stepNames = timeLanes.stepNames;
    this.stepDurations = evaluateStepDurations(timeLanes, parameters);
    this.stepStartTimes = stepStartTimes(this.stepDurations);
    this.shotDuration = this.stepStartTimes[this.stepStartTimes.length - 1] ?? 0;
  }

  lane(name: string): TimeLane {
    const lane = this.timeLanes.findLane(name);
    if (!lane) {
      throw new InvalidValueError(`there is no time lane "${name}" in this sequence`, {
        location: { lane: name },
      });
    }
    this.usedLanes.add(name);
    return lane;
  }

  findLane(name: string): TimeLane | undefined {
    const lane = this.timeLanes.findLane(name);
    if (lane) this.usedLanes.add(name);
    return lane;
  }

  lanesOfType(type: string): ReadonlyMap<string, TimeLane> {
    return this.timeLanes.lanesOfType(type);
  }

  markLaneUsed(name: string): void {
    this.lane(name);
  }

  isDeviceUsed(deviceName: string): boolean {
    return this.compilers.has(deviceName);
  }

  deviceCompiler(deviceName: string): DeviceCompiler {
    const compiler = this.compilers.get(deviceName);
    if (!compiler) {
      throw new InvalidValueError(`device "${deviceName}" is not used in this sequence`, {
        location: { device: deviceName },
      });
    }
    return compiler;
  }

  shotParametersOf(deviceName: string): unknown {
    if (this.results.has(deviceName)) return this.results.get(deviceName);
    const compiler = this.deviceCompiler(deviceName);
    if (this.inProgress.includes(deviceName)) {
      throw new ContractViolationError(
        `device compilers ask for each other's shot parameters in a cycle: ` +
          `${[...this.inProgress, deviceName].join(' -> ')}`,
        { location: { device: deviceName } },
      );
    }
    this.inProgress.push(deviceName);
    let result: unknown;
    try {
      result = compiler.compileShot(this);
    } catch (e) {
      if (e instanceof DeviceCompilationError) throw e;
      throw new DeviceCompilationError(deviceName, 'shot', e, {
        location: { sequence: this.sequence.sequencePath, shot: this.index },
      });
    } finally {
      this.inProgress.pop();
    }
    this.results.set(deviceName, result);
    return result;
  }

  unusedLanes(): string[] {
    return [...this.timeLanes.lanes.keys()].filter((name) => !this.usedLanes.has(name));
  }
}

/** The result of compiling one shot. */
export interface ShotCompilationResult {
  readonly deviceParameters: Map<string, unknown>;
  readonly durationSeconds: number;
}

/**
 * Compiles one shot: every device's shot parameters (memoised, so compilers may read each other's),
 * then checks that every time lane was used by some device. Errors name the sequence, shot and device
 * (or the unused lanes).
 */
export function compileShotParameters(
  compilation: SequenceCompilation,
  index: number,
  parameters: Parameters,
): ShotCompilationResult {
  const location = { sequence: compilation.context.sequencePath, shot: index };
  let shot: CompilingShot;
  try {
    shot = new CompilingShot(
      compilation.context,
      index,
      parameters,
      compilation.timeLanes,
      compilation.compilers,
    );
  } catch (e) {
    throw withContext(e, location);
  }
  for (const name of compilation.compilers.keys()) shot.shotParametersOf(name);
  const unused = shot.unusedLanes();
  if (unused.length > 0) throw new UnusedLaneError(unused, { location });
  return { deviceParameters: shot.results, durationSeconds: shot.shotDuration / 1e12 };
}
