import { type ErrorSummary, withContext } from '../errors/index.js';
import { IterationConfiguration } from '../iteration/index.js';
import { ParameterNamespace, Parameters } from '../parameters/index.js';
import { SequencePath } from '../path/index.js';
import type { DeviceRegistry } from '../plugins/index.js';
import {
  type SequenceEvent,
  type SequenceEventData,
  type SequenceEventKind,
  type SequenceState,
  isSequenceEventKind,
  sequenceEventDataSchemas,
} from '../sequence/index.js';
import {
  InvalidStorageDataError,
  type JsonValue,
  type RunOwner,
  type SequenceEventRecord,
  type SessionStorage,
  type ShotRecord,
  type StoredDeviceConfiguration,
} from '../storage/index.js';
import { TimeLanes } from '../time-lanes/index.js';
import {
  SuspenderConfigurationError,
  suspenderSpecsSchema,
  type SuspenderSpec,
  type SuspenderSpecInput,
} from '../suspenders/index.js';
import {
  parseDeviceConfiguration,
  storedDeviceConfiguration,
  type DeviceConfiguration,
} from './device-configuration.js';
import {
  SequenceNotDraftError,
  SequenceStateError,
  WrongSequenceStateError,
} from './session-errors.js';

/** A sequence path or its text (`\lab\mot\scan 3`). */
export type SequencePathLike = SequencePath | string;

/** Everything stored about a sequence except its shots, as domain objects. */
export interface SequenceInfo {
  readonly path: SequencePath;
  readonly state: SequenceState;
  readonly createdAt: Date;
  readonly startTime: Date | null;
  readonly stopTime: Date | null;
  readonly completedShots: number;
  readonly expectedShots: number | null;
  readonly iteration: IterationConfiguration;
  readonly timeLanes: TimeLanes;
  /** The globals the run used (snapshot taken at PREPARING); null in DRAFT. */
  readonly globals: ParameterNamespace | null;
  /** Device configurations the run used, as stored (null in DRAFT). */
  readonly deviceConfigurations: readonly StoredDeviceConfiguration[] | null;
  /** The error summary of a CRASHED sequence. */
  readonly error: ErrorSummary | null;
  /** Who runs or ran it (host, pid, process start time); null in DRAFT. */
  readonly owner: RunOwner | null;
  /** Its own suspenders, as stored (see `suspenderSpecSchema`). */
  readonly suspenders: JsonValue;
}

/** A stored shot, with its parameters as {@link Parameters}. */
export interface ShotInfo {
  readonly index: number;
  readonly parameters: Parameters;
  readonly startTime: Date;
  readonly endTime: Date;
  /** Per-device timing (see ShotTiming). */
  readonly timing: JsonValue;
  readonly labels: readonly string[];
}

/** What the engine needs to run a sequence, in the JSON form compile workers receive. */
export interface PreparedSequence {
  readonly path: SequencePath;
  readonly globals: JsonValue;
  readonly iteration: JsonValue;
  readonly timeLanes: JsonValue;
  readonly deviceConfigurations: readonly StoredDeviceConfiguration[];
}

/** Options of {@link ExperimentSession.planRun}. */
export interface PlanRunOptions {
  /** Globals for this run; default: the session's current globals. */
  readonly globals?: ParameterNamespace;
  /** Device configurations for this run; default: the session's default configurations. */
  readonly deviceConfigurations?: readonly DeviceConfiguration[];
}

/** Options of {@link ExperimentSession.prepareSequence}. */
export interface PrepareSequenceOptions extends PlanRunOptions {
  /** Who runs it. */
  readonly owner: RunOwner;
}

/**
 * What a run of a DRAFT will use, read and checked but not written yet (see
 * {@link ExperimentSession.planRun}).
 */
export interface RunPlan extends PreparedSequence {
  /** The shot count with this run's globals (null when unknown before running). */
  readonly expectedShots: number | null;
  /** The shot count stored with the draft. */
  readonly storedExpectedShots: number | null;
}

/**
 * The typed face of a {@link SessionStorage}: domain objects in and out (ParameterNamespace,
 * IterationConfiguration, TimeLanes, Parameters, validated device configurations), JSON to storage.
 * The CLI and the engine both go through it, so JSON conversion lives here only.
 *
 * Storage `Result` errors are thrown (they are typed {@link ShotlineError}s naming the path).
 * Device configurations are validated by their extension's zod schema when written and when read;
 * a configuration whose plugin is not loaded is an error naming the device and its type.
 */
export class ExperimentSession {
  constructor(
    readonly storage: SessionStorage,
    readonly registry: DeviceRegistry,
  ) {}

  // ---- globals ---------------------------------------------------------------------------------

  /** The current global parameters. */
  async globals(): Promise<ParameterNamespace> {
    return ParameterNamespace.fromJSON(await this.storage.getGlobals());
  }

  /** Replaces the global parameters. */
  async setGlobals(globals: ParameterNamespace): Promise<void> {
    (await this.storage.setGlobals(globals.toJSON() as JsonValue)).unwrap();
  }

  // ---- device configurations -------------------------------------------------------------------

  /** The default device configurations, validated, sorted by name. */
  async deviceConfigurations(): Promise<DeviceConfiguration[]> {
    const stored = await this.storage.listDeviceConfigurations();
    return stored.map((s) => parseDeviceConfiguration(this.registry, s));
  }

  /** One default device configuration, validated. */
  async deviceConfiguration(name: string): Promise<DeviceConfiguration> {
    const stored = (await this.storage.getDeviceConfiguration(name)).unwrap();
    return parseDeviceConfiguration(this.registry, stored);
  }

  /** Adds or replaces a default device configuration after validating it. */
  async setDeviceConfiguration(configuration: DeviceConfiguration): Promise<void> {
    const stored = storedDeviceConfiguration(this.registry, configuration);
    (await this.storage.setDeviceConfiguration(stored)).unwrap();
  }

  /** A new device of a type with the extension's default configuration. */
  async addDevice(name: string, type: string): Promise<DeviceConfiguration> {
    const extension = this.registry.extension(type, { device: name });
    const configuration: DeviceConfiguration = {
      name,
      type,
      configuration: extension.defaultConfiguration() as unknown,
    };
    await this.setDeviceConfiguration(configuration);
    return configuration;
  }

  /** Removes a default device configuration. */
  async deleteDeviceConfiguration(name: string): Promise<void> {
    (await this.storage.deleteDeviceConfiguration(name)).unwrap();
  }

  // ---- sequences -------------------------------------------------------------------------------

  /**
   * Creates a DRAFT sequence (and its missing folders). The expected shot count is computed with the
   * current globals (null when it cannot be known yet). The iteration and time lanes are checked
   * first ({@link ExperimentSession.setIteration}, {@link ExperimentSession.setTimeLanes}): on an
   * error nothing is written.
   */
  async createSequence(
    path: SequencePathLike,
    draft: {
      iteration: IterationConfiguration;
      timeLanes: TimeLanes;
      suspenders?: readonly SuspenderSpecInput[];
    },
  ): Promise<SequencePath> {
    const p = SequencePath.from(path);
    const iteration = this.iterationJson(p, draft.iteration);
    const timeLanes = this.timeLanesJson(p, draft.timeLanes);
    const suspenders = this.suspendersJson(p, draft.suspenders ?? []);
    const expectedShots = await this.expectedShots(draft.iteration);
    (
      await this.storage.createSequence(p, { iteration, timeLanes, expectedShots, suspenders })
    ).unwrap();
    return p;
  }

  /** The suspenders of a sequence (its own, stored with it). */
  async suspenders(path: SequencePathLike): Promise<SuspenderSpec[]> {
    const p = SequencePath.from(path);
    const record = (await this.storage.getSequence(p)).unwrap();
    const parsed = suspenderSpecsSchema.safeParse(record.suspenders);
    if (!parsed.success) {
      throw new InvalidStorageDataError(
        `the stored suspenders are malformed: ${parsed.error.issues[0]?.message ?? ''}`,
        { location: { sequence: p.toString() } },
      );
    }
    return parsed.data;
  }

  /**
   * Replaces the suspenders of a DRAFT. Their shape is checked here (names, conditions, times);
   * what they watch is checked against the devices and globals when the sequence runs.
   */
  async setSuspenders(
    path: SequencePathLike,
    suspenders: readonly SuspenderSpecInput[],
  ): Promise<void> {
    const p = SequencePath.from(path);
    (await this.storage.setSuspenders(p, this.suspendersJson(p, suspenders))).unwrap();
  }

  /** Everything stored about a sequence except its shots. */
  async sequence(path: SequencePathLike): Promise<SequenceInfo> {
    const record = (await this.storage.getSequence(SequencePath.from(path))).unwrap();
    return {
      path: record.path,
      state: record.state,
      createdAt: record.createdAt,
      startTime: record.startTime,
      stopTime: record.stopTime,
      completedShots: record.completedShots,
      expectedShots: record.expectedShots,
      iteration: IterationConfiguration.fromJSON(record.iteration),
      timeLanes: TimeLanes.fromJSON(record.timeLanes, this.registry.laneTypes),
      globals: record.globals === null ? null : ParameterNamespace.fromJSON(record.globals),
      deviceConfigurations: record.deviceConfigurations,
      error: record.error,
      owner: record.owner,
      suspenders: record.suspenders,
    };
  }

  /** The state of a sequence. */
  async state(path: SequencePathLike): Promise<SequenceState> {
    return (await this.storage.getStats(SequencePath.from(path))).unwrap().state;
  }

  /** The iteration of a sequence. */
  async iteration(path: SequencePathLike): Promise<IterationConfiguration> {
    return (await this.sequence(path)).iteration;
  }

  /**
   * Replaces the iteration of a DRAFT (and its expected shot count). It is checked first: its JSON
   * must load back, every expression parsing (syntax, units); an error names the sequence and the
   * step, and nothing is written.
   */
  async setIteration(path: SequencePathLike, iteration: IterationConfiguration): Promise<void> {
    const p = SequencePath.from(path);
    const json = this.iterationJson(p, iteration);
    const expected = await this.expectedShots(iteration);
    (await this.storage.setIteration(p, json, expected)).unwrap();
  }

  /** The time lanes of a sequence. */
  async timeLanes(path: SequencePathLike): Promise<TimeLanes> {
    return (await this.sequence(path)).timeLanes;
  }

  /**
   * Replaces the time lanes of a DRAFT. They are checked first: their JSON must load back with this
   * session's lane types (a plugin's lane type must be registered), every expression parsing
   * (syntax, units); an error names the sequence and the step or lane and block, and nothing is
   * written.
   */
  async setTimeLanes(path: SequencePathLike, timeLanes: TimeLanes): Promise<void> {
    const p = SequencePath.from(path);
    (await this.storage.setTimeLanes(p, this.timeLanesJson(p, timeLanes))).unwrap();
  }

  /** FINISHED | INTERRUPTED | CRASHED -> DRAFT, erasing its shots. */
  async resetToDraft(path: SequencePathLike): Promise<void> {
    (await this.storage.resetToDraft(SequencePath.from(path))).unwrap();
  }

  /** Indices of the stored shots. */
  async shotIndices(path: SequencePathLike): Promise<number[]> {
    return (await this.storage.shotIndices(SequencePath.from(path))).unwrap();
  }

  /** A stored shot with its parameters as {@link Parameters}. */
  async shot(path: SequencePathLike, index: number): Promise<ShotInfo> {
    const record: ShotRecord = (
      await this.storage.getShot(SequencePath.from(path), index)
    ).unwrap();
    return {
      index: record.index,
      parameters: Parameters.fromJSON(record.parameters),
      startTime: record.startTime,
      endTime: record.endTime,
      timing: record.timing,
      labels: record.labels,
    };
  }

  // ---- used by the engine ----------------------------------------------------------------------

  /**
   * Reads and checks what a run of a sequence will use, writing nothing: the sequence must exist
   * and be a DRAFT (else {@link SequenceNotDraftError}), every device configuration must be valid
   * and its plugin loaded; the globals default to the current ones, the configurations to the
   * defaults. Then {@link markPreparing} starts the run.
   */
  async planRun(path: SequencePathLike, options: PlanRunOptions = {}): Promise<RunPlan> {
    const p = SequencePath.from(path);
    const record = (await this.storage.getSequence(p)).unwrap();
    if (record.state !== 'draft') {
      throw new SequenceNotDraftError(
        `sequence "${p.toString()}" is ${record.state.toUpperCase()}; only a DRAFT can be run ` +
          `(reset it to DRAFT first, which erases its shots)`,
        { location: { sequence: p.toString() } },
      );
    }
    const globals = options.globals ?? (await this.globals());
    const configurations = options.deviceConfigurations
      ? options.deviceConfigurations.map((c) => storedDeviceConfiguration(this.registry, c))
      : (await this.storage.listDeviceConfigurations()).map((s) =>
          storedDeviceConfiguration(this.registry, s),
        );
    return {
      path: p,
      globals: globals.toJSON() as JsonValue,
      iteration: record.iteration,
      timeLanes: record.timeLanes,
      deviceConfigurations: configurations,
      expectedShots: this.countShots(IterationConfiguration.fromJSON(record.iteration), globals),
      storedExpectedShots: record.expectedShots,
    };
  }

  /**
   * DRAFT -> PREPARING for a planned run, snapshotting its globals and device configurations and
   * recording who runs it. The state change is a compare-and-set, so two managers can never both
   * start it.
   */
  async markPreparing(plan: RunPlan, owner: RunOwner): Promise<void> {
    // The shot count stored with the draft was computed with the globals of that time; storage
    // refuses shot indices beyond it, so recount with this run's globals while still a DRAFT.
    if (plan.expectedShots !== plan.storedExpectedShots) {
      (await this.storage.setIteration(plan.path, plan.iteration, plan.expectedShots)).unwrap();
    }
    (
      await this.storage.setPreparing(plan.path, {
        globals: plan.globals,
        deviceConfigurations: [...plan.deviceConfigurations],
        owner,
      })
    ).unwrap();
  }

  /** {@link planRun} then {@link markPreparing}: DRAFT -> PREPARING for a run. */
  async prepareSequence(
    path: SequencePathLike,
    options: PrepareSequenceOptions,
  ): Promise<PreparedSequence> {
    const plan = await this.planRun(path, options);
    await this.markPreparing(plan, options.owner);
    return plan;
  }

  /** PREPARING -> RUNNING. */
  async markRunning(path: SequencePath, time: Date): Promise<void> {
    this.checkState(path, 'RUNNING', await this.storage.setRunning(path, time));
  }

  /** RUNNING -> PAUSED with its `paused` event. */
  async markPaused(path: SequencePath, data: SequenceEventData<'paused'>): Promise<void> {
    const event = this.eventInput(path, 'paused', data, new Date());
    this.checkState(path, 'PAUSED', await this.storage.setPaused(path, event));
  }

  /**
   * PAUSED -> RUNNING with its `resumed` event; `globals` replaces the globals snapshot when the
   * run reloaded them.
   */
  async markResumed(
    path: SequencePath,
    data: SequenceEventData<'resumed'>,
    globals?: ParameterNamespace,
  ): Promise<void> {
    const event = this.eventInput(path, 'resumed', data, new Date());
    this.checkState(
      path,
      'RUNNING',
      await this.storage.setResumed(
        path,
        event,
        globals ? { globals: globals.toJSON() as JsonValue } : {},
      ),
    );
  }

  /** INTERRUPTED | CRASHED -> PREPARING for a continuation, with its `continued` event. */
  async markContinuing(
    path: SequencePath,
    owner: RunOwner,
    data: SequenceEventData<'continued'>,
  ): Promise<void> {
    const event = this.eventInput(path, 'continued', data, new Date());
    const result = await this.storage.setContinuing(path, { owner, event });
    if (!result.ok && result.error.code === 'INVALID_STATE_TRANSITION') {
      // Someone changed it since it was checked (another continuation, a reset).
      const state = await this.state(path);
      throw new WrongSequenceStateError('continue', path.toString(), state, [
        'interrupted',
        'crashed',
      ]);
    }
    this.checkState(path, 'PREPARING', result);
  }

  // ---- events of a run -------------------------------------------------------------------------

  /**
   * The events of a run (pauses, resumes, suspender trips, continuations, requests) in the order
   * they were stored, after the event `afterId`.
   */
  async events(
    path: SequencePathLike,
    options: { afterId?: number } = {},
  ): Promise<SequenceEvent[]> {
    const p = SequencePath.from(path);
    const records = (await this.storage.sequenceEvents(p, options)).unwrap();
    return records.map((record) => decodeSequenceEvent(p, record));
  }

  /** Stores an event of a launched sequence, checked against its kind's schema; returns its id. */
  async recordEvent<K extends SequenceEventKind>(
    path: SequencePathLike,
    kind: K,
    data: SequenceEventData<K>,
    time = new Date(),
  ): Promise<number> {
    const p = SequencePath.from(path);
    return (await this.storage.addSequenceEvent(p, this.eventInput(p, kind, data, time))).unwrap();
  }

  /**
   * Asks the process that runs a sequence to pause it at the next shot boundary, by storing a
   * `pause-requested` event that the run reads (so it works from another terminal or another PC
   * sharing the database). Refused unless the sequence is PREPARING or RUNNING.
   */
  async requestPause(path: SequencePathLike, by: string): Promise<void> {
    const p = SequencePath.from(path);
    const state = await this.state(p);
    if (state !== 'running' && state !== 'preparing') {
      throw new WrongSequenceStateError(
        'pause',
        p.toString(),
        state,
        ['running', 'preparing'],
        state === 'paused' ? 'resume it with "shotline seq resume"' : undefined,
      );
    }
    await this.recordEvent(p, 'pause-requested', { by });
  }

  /**
   * Asks the process that runs a PAUSED sequence to resume it (reloading the globals if asked),
   * by storing a `resume-requested` event that the run reads.
   */
  async requestResume(
    path: SequencePathLike,
    by: string,
    options: { reloadGlobals?: boolean } = {},
  ): Promise<void> {
    const p = SequencePath.from(path);
    const state = await this.state(p);
    if (state !== 'paused') {
      throw new WrongSequenceStateError('resume', p.toString(), state, ['paused']);
    }
    await this.recordEvent(p, 'resume-requested', {
      by,
      reloadGlobals: options.reloadGlobals === true,
    });
  }

  private eventInput<K extends SequenceEventKind>(
    path: SequencePath,
    kind: K,
    data: SequenceEventData<K>,
    time: Date,
  ): { kind: K; time: Date; data: JsonValue } {
    const parsed = sequenceEventDataSchemas[kind].safeParse(data);
    if (!parsed.success) {
      throw new InvalidStorageDataError(
        `the "${kind}" event is malformed: ${parsed.error.issues[0]?.message ?? ''}`,
        { location: { sequence: path.toString() } },
      );
    }
    return { kind, time, data: parsed.data as JsonValue };
  }

  /** RUNNING -> FINISHED. */
  async markFinished(path: SequencePath, time: Date): Promise<void> {
    this.checkState(path, 'FINISHED', await this.storage.setFinished(path, time));
  }

  /** PREPARING | RUNNING -> INTERRUPTED. */
  async markInterrupted(path: SequencePath, time: Date): Promise<void> {
    this.checkState(path, 'INTERRUPTED', await this.storage.setInterrupted(path, time));
  }

  /** PREPARING | RUNNING -> CRASHED with an error summary. */
  async markCrashed(path: SequencePath, error: ErrorSummary, time: Date): Promise<void> {
    this.checkState(path, 'CRASHED', await this.storage.setCrashed(path, error, time));
  }

  /** Sequences in PREPARING, RUNNING or PAUSED, with who runs them. */
  async activeSequences(): Promise<
    { path: SequencePath; state: SequenceState; owner: RunOwner | null }[]
  > {
    const out: { path: SequencePath; state: SequenceState; owner: RunOwner | null }[] = [];
    for (const state of ['preparing', 'running', 'paused'] as const) {
      for (const path of await this.storage.sequencesInState(state)) {
        const record = await this.storage.getSequence(path);
        if (record.ok) out.push({ path, state: record.value.state, owner: record.value.owner });
      }
    }
    return out;
  }

  private checkState(
    path: SequencePath,
    target: string,
    result: { ok: true } | { ok: false; error: Error },
  ): void {
    if (!result.ok) {
      throw new SequenceStateError(
        `could not mark sequence "${path.toString()}" ${target}: ${result.error.message}`,
        { cause: result.error, location: { sequence: path.toString() } },
      );
    }
  }

  /** The stored form of an iteration, checked to load back (see {@link setIteration}). */
  private iterationJson(path: SequencePath, iteration: IterationConfiguration): JsonValue {
    const json = iteration.toJSON() as JsonValue;
    try {
      IterationConfiguration.fromJSON(json);
    } catch (e) {
      throw withContext(e, { sequence: path.toString() });
    }
    return json;
  }

  /** The stored form of suspenders, checked by their schema. */
  private suspendersJson(path: SequencePath, suspenders: readonly SuspenderSpecInput[]): JsonValue {
    const parsed = suspenderSpecsSchema.safeParse(suspenders);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const index = typeof issue?.path[0] === 'number' ? issue.path[0] : undefined;
      const name = index === undefined ? undefined : suspenders[index]?.name;
      throw new SuspenderConfigurationError(
        `suspenders${issue?.path.length ? `[${issue.path.join('.')}]` : ''}: ${issue?.message ?? 'invalid'}`,
        {
          location: {
            sequence: path.toString(),
            ...(typeof name === 'string' ? { suspender: name } : {}),
          },
        },
      );
    }
    return parsed.data as unknown as JsonValue;
  }

  /** The stored form of time lanes, checked to load back (see {@link setTimeLanes}). */
  private timeLanesJson(path: SequencePath, timeLanes: TimeLanes): JsonValue {
    const json = timeLanes.toJSON() as unknown as JsonValue;
    try {
      TimeLanes.fromJSON(json, this.registry.laneTypes);
    } catch (e) {
      throw withContext(e, { sequence: path.toString() });
    }
    return json;
  }

  private async expectedShots(iteration: IterationConfiguration): Promise<number | null> {
    return this.countShots(iteration, await this.globals());
  }

  /** The shot count with these globals; null when it cannot be known before running. */
  private countShots(
    iteration: IterationConfiguration,
    globals: ParameterNamespace,
  ): number | null {
    try {
      return iteration.expectedShotCount(globals.evaluate());
    } catch {
      return null;
    }
  }
}

/** A stored event as a typed {@link SequenceEvent}; a malformed one of a known kind throws. */
export function decodeSequenceEvent(
  path: SequencePath,
  record: SequenceEventRecord,
): SequenceEvent {
  if (!isSequenceEventKind(record.kind)) {
    return {
      id: record.id,
      kind: record.kind,
      time: record.time,
      data: record.data,
      unknown: true,
    };
  }
  const parsed = sequenceEventDataSchemas[record.kind].safeParse(record.data);
  if (!parsed.success) {
    throw new InvalidStorageDataError(
      `stored "${record.kind}" event ${record.id} is malformed: ${parsed.error.issues[0]?.message ?? ''}`,
      { location: { sequence: path.toString() } },
    );
  }
  return {
    id: record.id,
    kind: record.kind,
    time: record.time,
    data: parsed.data,
  } as SequenceEvent;
}
