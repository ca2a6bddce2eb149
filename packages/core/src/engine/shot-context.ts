import type { DeviceCompiler, SequenceContext, ShotContext } from '../device/index.js';
import { ContractViolationError, InvalidValueError, withContext } from '../errors/index.js';
import { Parameters } from '../parameters/index.js';
import { evaluateStepDurations, stepStartTimes } from '../time/index.js';
import type { TimeLane } from '../time-lanes/index.js';
import { DeviceCompilationError } from './engine-errors.js';

/** What a {@link CompilingShotContext} is built from, besides its sequence. */
export interface ShotContextOptions {
  /** Index of the shot in the sequence. Default 0. */
  readonly index?: number;
  /** All parameters of the shot (constants and scanned values). Default: none. */
  readonly parameters?: Parameters;
  /**
   * The compilers of the devices in use in this shot, by name: what `deviceCompiler`,
   * `isDeviceUsed` and `shotParametersOf` see. Default: none.
   */
  readonly compilers?: ReadonlyMap<string, DeviceCompiler>;
}

/**
 * The engine's {@link ShotContext}, with what it reads back after the compilers ran: the lanes they
 * used and the shot parameters compiled so far.
 */
export interface CompilingShotContext extends ShotContext {
  /** Names of the lanes read (or marked used) so far. */
  readonly usedLanes: ReadonlySet<string>;
  /** Names of the sequence's lanes no compiler used so far, in lane order. */
  unusedLanes(): string[];
  /** Shot parameters compiled so far (by `shotParametersOf`), by device name. */
  readonly shotParameters: ReadonlyMap<string, unknown>;
}

class CompilingShot implements CompilingShotContext {
  readonly stepNames: readonly string[];
  readonly stepDurations: readonly number[];
  readonly stepStartTimes: readonly number[];
  readonly shotDuration: number;
  readonly shotParameters = new Map<string, unknown>();
  readonly usedLanes = new Set<string>();
  private readonly inProgress: string[] = [];

  constructor(
    readonly sequence: SequenceContext,
    readonly index: number,
    readonly parameters: Parameters,
    private readonly compilers: ReadonlyMap<string, DeviceCompiler>,
  ) {
    const timeLanes = sequence.timeLanes;
    this.stepNames = timeLanes.stepNames;
    this.stepDurations = evaluateStepDurations(timeLanes, parameters);
    this.stepStartTimes = stepStartTimes(this.stepDurations);
    this.shotDuration = this.stepStartTimes[this.stepStartTimes.length - 1] ?? 0;
  }

  lane(name: string): TimeLane {
    const lane = this.sequence.timeLanes.findLane(name);
    if (!lane) {
      throw new InvalidValueError(`there is no time lane "${name}" in this sequence`, {
        location: { lane: name },
      });
    }
    this.usedLanes.add(name);
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
    if (this.shotParameters.has(deviceName)) return this.shotParameters.get(deviceName);
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
    this.shotParameters.set(deviceName, result);
    return result;
  }

  unusedLanes(): string[] {
    return [...this.sequence.timeLanes.lanes.keys()].filter((name) => !this.usedLanes.has(name));
  }
}

/**
 * The {@link ShotContext} the engine compiles a shot in: exact step timing in integer picoseconds,
 * lanes marked used as compilers read them, other devices' shot parameters compiled on demand and
 * memoised, errors naming the lane, device, sequence and shot. The engine builds one per shot; a
 * compiler's unit test builds one to call `compileShot` with.
 *
 * Throws, naming the sequence and shot, when a step duration does not evaluate.
 */
export function createShotContext(
  sequence: SequenceContext,
  options: ShotContextOptions = {},
): CompilingShotContext {
  const index = options.index ?? 0;
  try {
    return new CompilingShot(
      sequence,
      index,
      options.parameters ?? Parameters.empty,
      options.compilers ?? new Map(),
    );
  } catch (e) {
    throw withContext(e, { sequence: sequence.sequencePath, shot: index });
  }
}
