import { isDeviceNotUsed, type DeviceCompiler, type SequenceContext } from '../../device/index.js';
import { withContext } from '../../errors/index.js';
import { IterationConfiguration } from '../../iteration/index.js';
import { ParameterNamespace, type Parameters } from '../../parameters/index.js';
import type { DeviceRegistry } from '../../plugins/index.js';
import { parseDeviceConfiguration } from '../../session/device-configuration.js';
import type { JsonValue, StoredDeviceConfiguration } from '../../storage/index.js';
import { TimeLanes } from '../../time-lanes/index.js';
import { DeviceCompilationError, UnusedLaneError } from '../engine-errors.js';
import { createSequenceContext } from '../sequence-context.js';
import { createShotContext } from '../shot-context.js';

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
  const full = createSequenceContext({
    sequencePath: sequence,
    parameterSchema: schema,
    timeLanes,
    deviceConfigurations: input.deviceConfigurations,
  });
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
    context: createSequenceContext({
      sequencePath: sequence,
      parameterSchema: schema,
      timeLanes,
      deviceConfigurations: input.deviceConfigurations.filter((c) => compilers.has(c.name)),
    }),
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

/** The result of compiling one shot. */
export interface ShotCompilationResult {
  readonly deviceParameters: ReadonlyMap<string, unknown>;
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
  const shot = createShotContext(compilation.context, {
    index,
    parameters,
    compilers: compilation.compilers,
  });
  for (const name of compilation.compilers.keys()) shot.shotParametersOf(name);
  const unused = shot.unusedLanes();
  if (unused.length > 0) {
    throw new UnusedLaneError(unused, {
      location: { sequence: compilation.context.sequencePath, shot: index },
    });
  }
  return { deviceParameters: shot.shotParameters, durationSeconds: shot.shotDuration / 1e12 };
}
