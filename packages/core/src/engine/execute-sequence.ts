import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { summarizeError, ShotlineError } from '../errors/index.js';
import { ShotlineEventBus } from '../events/index.js';
import { ParameterNamespace } from '../parameters/index.js';
import { SequencePath } from '../path/index.js';
import type { ReloadedGlobals, SequenceState } from '../sequence/index.js';
import type { AnyDeviceExtension } from '../device/index.js';
import {
  SequenceStateError,
  parseDeviceConfiguration,
  type DeviceConfiguration,
  type ExperimentSession,
  type RunPlan,
  type SequencePathLike,
} from '../session/index.js';
import {
  deviceResource,
  sequenceResource,
  type HeldLocks,
  type JsonValue,
  type RunOwner,
} from '../storage/index.js';
import {
  compileSuspenders,
  suspenderSpecsSchema,
  type CompiledSuspender,
  type ConfiguredSuspender,
  type SuspenderDefinition,
  type SuspenderDevice,
  SuspenderConfigurationError,
} from '../suspenders/index.js';
import { recordSequenceEnd } from './internal/record-sequence-end.js';
import { planCompilation } from './internal/compile-plan.js';
import { CompileWorkerPool } from './internal/compile-worker-pool.js';
import {
  planContinuation,
  verifyStoredShots,
  type ContinuationPlan,
} from './internal/continuation.js';
import { combineErrors, DeviceSet } from './internal/device-set.js';
import { MainThreadCompiler } from './internal/main-thread-compiler.js';
import { RunGate, type GlobalsReload } from './internal/run-gate.js';
import {
  buildSequenceCompilation,
  initializationParameters,
  type SequenceCompilation,
} from './internal/sequence-compilation.js';
import { runShotPipeline, type ShotCompilerBackend } from './internal/shot-pipeline.js';
import { WalkedShots, type ShotSource } from './internal/shot-source.js';
import { SuspenderMonitor } from './internal/suspender-monitor.js';
import { ShotWriter } from './internal/shot-writer.js';
import {
  resolvePipelineOptions,
  type ResolvedPipelineOptions,
  type ShotPipelineOptions,
} from './pipeline-options.js';
import type { RunControl } from './run-control.js';

/** Options of {@link executeSequence}. */
export interface ExecuteSequenceOptions {
  readonly session: ExperimentSession;
  readonly path: SequencePathLike;
  /**
   * Who runs it (see `currentRunOwner`): recorded on the sequence at PREPARING and on the locks of
   * its devices.
   */
  readonly owner: RunOwner;
  /** Globals for this run; default: the session's current globals. Not for a continuation. */
  readonly globals?: ParameterNamespace;
  /** Device configurations for this run; default: the session's defaults. Not for a continuation. */
  readonly deviceConfigurations?: readonly DeviceConfiguration[];
  readonly pipeline?: ShotPipelineOptions;
  readonly events?: ShotlineEventBus;
  /** Interruption: the running shot finishes, nothing after it runs; the sequence ends INTERRUPTED. */
  readonly signal?: AbortSignal;
  /** Pause, resume and interrupt the run while it runs. */
  readonly control?: RunControl;
  /** The lab's suspenders (besides the sequence's own). */
  readonly labSuspenders?: readonly (SuspenderDefinition | ConfiguredSuspender['definition'])[];
  /** Suspenders of this run only (besides the lab's and the sequence's). */
  readonly suspenders?: readonly SuspenderDefinition[];
  /**
   * Continue an INTERRUPTED or CRASHED sequence instead of running a DRAFT: the shots already
   * stored are checked against the iteration and skipped, the others run with the sequence's
   * snapshots; `reason` is recorded with the continuation.
   */
  readonly continuation?: { readonly reason?: string };
}

/** How a sequence ended without an error. */
export interface SequenceOutcome {
  readonly state: 'finished' | 'interrupted';
  /** Shots run and stored (by this run, for a continuation). */
  readonly shots: number;
}

/**
 * Runs a sequence on the setup (ARCHITECTURE §5): checks it (a DRAFT, valid configurations and
 * suspenders) and compiles it, locks the sequence and the devices it uses (refused, before anything
 * is written or opened, when another run holds one of them), prepares it (DRAFT -> PREPARING with
 * snapshots), opens the devices concurrently while the compile workers start, runs the shots,
 * stores them, closes every device whatever happened, ends FINISHED, INTERRUPTED or CRASHED and
 * releases the locks. While RUNNING it may be PAUSED at shot boundaries (by its `control`, by a
 * request stored by another process, or by a suspender) and resumed.
 *
 * With `continuation`, an INTERRUPTED or CRASHED sequence is continued instead: its stored shots are
 * verified against its iteration walked again (refused, naming the first mismatching shot, when it
 * changed), skipped, and the missing ones run on the same snapshots; the continuation is recorded on
 * the sequence (when, why, from which index). The seed's error rules hold within it.
 *
 * Resolves for FINISHED and INTERRUPTED; rejects with the sequence's error after storing it (the
 * summary names the shot and the device) when CRASHED, and without changing anything when the
 * sequence could not start (not a DRAFT, a device in use, a suspender refused...). When the storage
 * cannot be reached to record the end, it keeps trying (with a `log` event each time) and records
 * it as soon as the storage is back. The low-level entry point: labs use {@link ExperimentManager}.
 */
export async function executeSequence(options: ExecuteSequenceOptions): Promise<SequenceOutcome> {
  const { session } = options;
  const events = options.events ?? new ShotlineEventBus();
  const pipeline = resolvePipelineOptions(options.pipeline);
  const path = SequencePath.from(options.path);
  const sequence = path.toString();

  // Check and compile before anything is written or opened: the devices in use decide the locks.
  let continuation: ContinuationPlan | undefined;
  let plan: RunPlan;
  if (options.continuation) {
    if (options.globals || options.deviceConfigurations) {
      throw new SequenceStateError(
        `a continuation of ${sequence} uses the globals and device configurations of its snapshot; it takes no others`,
        { location: { sequence } },
      );
    }
    continuation = await planContinuation(session, path);
    plan = continuation.plan;
  } else {
    plan = await session.planRun(path, {
      ...(options.globals ? { globals: options.globals } : {}),
      ...(options.deviceConfigurations
        ? { deviceConfigurations: options.deviceConfigurations }
        : {}),
    });
  }
  const started = performance.now();
  let compilation: SequenceCompilation | Error;
  try {
    compilation = buildSequenceCompilation({ sequencePath: sequence, ...plan }, session.registry);
  } catch (e) {
    // Stored on the sequence (CRASHED), under its lock like any run.
    compilation = e instanceof Error ? e : new Error(String(e));
  }
  // Refused before anything is written: suspenders that cannot work, stored shots that changed.
  const configured = await configuredSuspenders(session, path, options);
  const suspenders =
    compilation instanceof Error ? [] : checkRunSuspenders(configured, compilation, plan, session);
  const fromIndex =
    continuation && !(compilation instanceof Error) ? verifyStoredShots(path, continuation) : 0;
  const devices = compilation instanceof Error ? [] : [...compilation.compilers.keys()];
  const locks = (
    await session.storage.acquireLocks({
      resources: [sequenceResource(path), ...devices.map(deviceResource)],
      holder: options.owner,
      sequence: path,
    })
  ).unwrap();
  try {
    // Requests stored before this run (an earlier run's) are not for it.
    const lastEventId = (await session.events(path)).reduce((max, e) => Math.max(max, e.id), 0);
    if (continuation) {
      await session.markContinuing(path, options.owner, {
        fromIndex,
        storedShots: continuation.stored.size,
        previousState: continuation.previousState,
        reason:
          options.continuation?.reason ??
          `continued after it was ${continuation.previousState.toUpperCase()}`,
        ...(continuation.previousError ? { error: continuation.previousError } : {}),
        by: options.owner.label || options.owner.id,
      });
    } else {
      await session.markPreparing(plan, options.owner);
    }
    if (configured.length > 0) {
      await session.recordEvent(path, 'suspenders', {
        suspenders: (suspenders.length > 0 ? suspenders : []).map((s) => s.record),
      });
    }
    return await runPrepared({
      ...options,
      path,
      events,
      pipeline,
      plan,
      compilation,
      compileStarted: started,
      locks,
      suspendersToRun: suspenders,
      continuationPlan: continuation,
      lastEventId,
    });
  } finally {
    await locks.release().catch((e: unknown) => {
      events.emit({
        type: 'log',
        level: 'warn',
        sequence,
        message: `could not release the locks of the run: ${e instanceof Error ? e.message : String(e)}`,
      });
    });
  }
}

/** The suspenders of a run: the lab's, the sequence's own (stored with it), the run's. */
async function configuredSuspenders(
  session: ExperimentSession,
  path: SequencePath,
  options: ExecuteSequenceOptions,
): Promise<ConfiguredSuspender[]> {
  const record = (await session.storage.getSequence(path)).unwrap();
  const own = suspenderSpecsSchema.safeParse(record.suspenders);
  if (!own.success) {
    throw new SuspenderConfigurationError(
      `the stored suspenders of the sequence are malformed: ${own.error.issues[0]?.message ?? ''}`,
      { location: { sequence: path.toString() } },
    );
  }
  return [
    ...(options.labSuspenders ?? []).map((definition) => ({ definition, origin: 'lab' as const })),
    ...own.data.map((definition) => ({ definition, origin: 'sequence' as const })),
    ...(options.suspenders ?? []).map((definition) => ({ definition, origin: 'run' as const })),
  ];
}

/** Checks the suspenders against the devices (used or not, their labels) and globals of a run. */
function checkRunSuspenders(
  configured: readonly ConfiguredSuspender[],
  compilation: SequenceCompilation,
  plan: RunPlan,
  session: ExperimentSession,
): CompiledSuspender[] {
  if (configured.length === 0) return [];
  const devices = new Map<string, SuspenderDevice>();
  for (const stored of plan.deviceConfigurations) {
    const notUsed = compilation.notUsed.find((n) => n.device === stored.name);
    let labels: readonly string[] | undefined;
    if (!notUsed) {
      const extension = session.registry.extension(stored.type);
      const configuration = parseDeviceConfiguration(session.registry, stored).configuration;
      try {
        labels = extension.dataLabels?.(stored.name, configuration, compilation.context);
      } catch {
        labels = undefined;
      }
    }
    devices.set(stored.name, {
      used: notUsed === undefined,
      ...(notUsed ? { notUsedReason: notUsed.reason } : {}),
      labels,
    });
  }
  return compileSuspenders(configured, {
    sequence: plan.path.toString(),
    constants: compilation.constants,
    devices,
  });
}

interface PreparedRun extends ExecuteSequenceOptions {
  readonly path: SequencePath;
  readonly events: ShotlineEventBus;
  readonly pipeline: ResolvedPipelineOptions;
  readonly plan: RunPlan;
  readonly compilation: SequenceCompilation | Error;
  readonly compileStarted: number;
  readonly locks: HeldLocks;
  readonly suspendersToRun: readonly CompiledSuspender[];
  readonly continuationPlan: ContinuationPlan | undefined;
  readonly lastEventId: number;
}

/** The run of a PREPARING sequence, under its locks, to its end state. */
async function runPrepared(run: PreparedRun): Promise<SequenceOutcome> {
  const { session, events, pipeline, path, plan } = run;
  const signal = run.control?.signal ?? run.signal ?? new AbortController().signal;
  const interrupt = combineSignals([signal, run.signal]);
  const sequence = path.toString();
  let expectedShots: number | null = plan.expectedShots;
  let storedShots = run.continuationPlan?.stored.size ?? 0;
  let lastState: SequenceState = 'preparing';
  let writer: ShotWriter | undefined;
  const announce = (
    state: SequenceState,
    error?: Error,
    detail: {
      reason?: 'request' | 'suspender' | 'resumed' | 'continued';
      suspenders?: string[];
    } = {},
  ): void => {
    lastState = state;
    events.emit({
      type: 'sequence-state',
      sequence,
      state,
      time: new Date(),
      // While it runs (a pause, a resume), the shots stored so far.
      storedShots: writer ? (run.continuationPlan?.stored.size ?? 0) + writer.stored : storedShots,
      expectedShots,
      ...(error ? { error: summarizeError(error, { stack: false }) } : {}),
      ...(detail.reason ? { reason: detail.reason } : {}),
      ...(detail.suspenders ? { suspenders: detail.suspenders } : {}),
    });
  };
  announce('preparing', undefined, run.continuationPlan ? { reason: 'continued' } : {});

  let devices: DeviceSet | undefined;
  let compiler: ShotCompilerBackend | undefined;
  let monitor: SuspenderMonitor | undefined;
  let gate: RunGate | undefined;
  let failure: Error | undefined;
  let ending: SequenceOutcome = { state: 'interrupted', shots: 0 };

  try {
    if (run.compilation instanceof Error) throw run.compilation;
    let compilation = run.compilation;
    // Initialization parameters, shot count, where shots compile.
    const init = initializationParameters(compilation);
    if (!run.continuationPlan) {
      try {
        expectedShots = compilation.iteration.expectedShotCount(compilation.constants);
      } catch {
        expectedShots = null;
      }
    }
    const compilePlan = planCompilation(compilation, session.registry, pipeline.compileWorkers);
    if (compilePlan.kind === 'main' && compilePlan.reason) {
      events.emit({
        type: 'log',
        level: 'info',
        sequence,
        message: `compiling shots on the main thread: ${compilePlan.reason}`,
      });
    }
    events.emit({
      type: 'sequence-prepared',
      sequence,
      devices: [...compilation.compilers.keys()],
      notUsed: compilation.notUsed,
      compileWorkers: compilePlan.kind === 'workers' ? compilePlan.workers : 0,
      expectedShots,
      compileMs: performance.now() - run.compileStarted,
    });
    const extensionOf = (name: string): AnyDeviceExtension =>
      session.registry.extension(compilation.context.deviceConfiguration(name).type);

    if (!interrupt.aborted) {
      // Open the devices while the compile workers rebuild the compilers.
      const [opened, compiling] = await Promise.allSettled([
        DeviceSet.open(
          [...compilation.compilers.keys()].map((name) => ({
            name,
            extension: extensionOf(name),
            initParameters: init.get(name),
          })),
        ),
        startCompiler(compilation, compilePlan, plan, pipeline, events, sequence),
      ]);
      if (compiling.status === 'fulfilled') compiler = compiling.value;
      if (opened.status === 'fulfilled') devices = opened.value;
      if (opened.status === 'rejected') throw opened.reason as Error;
      if (compiling.status === 'rejected') throw compiling.reason as Error;
    }

    if (!interrupt.aborted) {
      const stored = run.continuationPlan?.stored;
      await session.markRunning(path, run.continuationPlan?.startTime ?? new Date());
      announce('running');
      writer = new ShotWriter(session.storage, path, {
        capacity: pipeline.storageBuffer,
        batchMax: pipeline.storageBatch,
        events,
        expectedShots,
        alreadyStored: stored?.size ?? 0,
      });
      const suspenderFailed = new AbortController();
      if (run.suspendersToRun.length > 0) {
        monitor = new SuspenderMonitor({
          suspenders: run.suspendersToRun,
          session,
          path,
          events,
          readGlobals: async () => (await session.globals()).evaluate(),
          onFailure: (error) => {
            if (!suspenderFailed.signal.aborted) suspenderFailed.abort(error);
            gate?.changed();
          },
          onChange: () => gate?.changed(),
        });
      }
      let globalsJson = plan.globals;
      const walkSource = (c: SequenceCompilation, skip?: (index: number) => boolean): ShotSource =>
        new WalkedShots(c.iteration.walk(c.constants)[Symbol.iterator](), skip);
      gate = new RunGate({
        session,
        path,
        events,
        monitor,
        controlPollMs: pipeline.controlPollMs,
        announce: (state, detail) => announce(state, undefined, detail),
        reloadGlobals: async (nextIndex) => {
          const reload = await reloadGlobals({
            session,
            sequence,
            plan,
            current: compilation,
            currentGlobals: globalsJson,
            expectedShots,
            pipeline,
            events,
            nextIndex,
            skip: (i) => i < nextIndex || (stored?.has(i) ?? false),
            walkSource,
          });
          if ('compilation' in reload) {
            compilation = reload.compilation;
            globalsJson = reload.globals.toJSON() as JsonValue;
            compiler = reload.compiler;
          }
          return reload;
        },
      });
      run.control?.attach(gate);
      monitor?.start();
      gate.startPolling(run.lastEventId);
      const outcome = await runShotPipeline({
        sequence: path,
        source: walkSource(compilation, stored ? (i) => stored.has(i) : undefined),
        compiler: compiler!,
        devices: [...devices!.devices].map(([name, device]) => ({
          name,
          device,
          extension: extensionOf(name),
        })),
        writer,
        options: pipeline,
        events,
        interrupt,
        lockLost: run.locks.lost,
        suspenderFailed: suspenderFailed.signal,
        gate,
        ...(monitor ? { suspenders: monitor } : {}),
      });
      if (outcome.kind === 'failed') failure = outcome.error;
      else
        ending = {
          state: outcome.kind === 'completed' ? 'finished' : 'interrupted',
          shots: outcome.shots,
        };
    }
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
  }

  // Whatever happened: stop watching and compiling, store what ran, close every device.
  const teardownErrors: Error[] = [];
  await monitor?.stop();
  gate?.end();
  await compiler?.close();
  if (writer) {
    try {
      await writer.flush();
    } catch (e) {
      // The storage failure, now naming exactly the shots stored and those not.
      const stored = writer.failureWithOutcome() ?? (e as Error);
      if (failure === undefined || failure === e) failure = stored;
      else if (!(failure instanceof AggregateError && failure.errors.includes(e))) {
        teardownErrors.push(stored);
      }
    }
    storedShots = (run.continuationPlan?.stored.size ?? 0) + writer.stored;
  }
  if (devices) teardownErrors.push(...(await devices.close()));

  if (failure && failure instanceof SequenceStateError) {
    run.control?.detach(lastState);
    throw failure;
  }
  if (failure || teardownErrors.length > 0) {
    const error = failure
      ? teardownErrors.length > 0
        ? combineErrors([failure, ...teardownErrors], failure.message)
        : failure
      : combineErrors(teardownErrors, 'the sequence could not end cleanly');
    if (error instanceof ShotlineError) error.addContext({ sequence });
    run.control?.detach('crashed');
    try {
      await recordSequenceEnd(events, sequence, 'CRASHED', () =>
        session.markCrashed(path, summarizeError(error), new Date()),
      );
    } catch (e) {
      throw new AggregateError([error, e], `${error.message}; and the crash could not be stored`, {
        cause: e,
      });
    }
    announce('crashed', error);
    throw error;
  }
  run.control?.detach(ending.state);
  if (ending.state === 'finished') {
    await recordSequenceEnd(events, sequence, 'FINISHED', () =>
      session.markFinished(path, new Date()),
    );
  } else {
    await recordSequenceEnd(events, sequence, 'INTERRUPTED', () =>
      session.markInterrupted(path, new Date()),
    );
  }
  announce(ending.state);
  return ending;
}

/** One signal aborted when any of `signals` is. */
function combineSignals(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const present = [...new Set(signals.filter((s): s is AbortSignal => s !== undefined))];
  if (present.length === 1) return present[0]!;
  const combined = new AbortController();
  for (const s of present) {
    if (s.aborted) combined.abort(s.reason);
    else s.addEventListener('abort', () => combined.abort(s.reason), { once: true });
  }
  return combined.signal;
}

interface ReloadRequest {
  readonly session: ExperimentSession;
  readonly sequence: string;
  readonly plan: RunPlan;
  readonly current: SequenceCompilation;
  readonly currentGlobals: JsonValue;
  readonly expectedShots: number | null;
  readonly pipeline: ResolvedPipelineOptions;
  readonly events: ShotlineEventBus;
  readonly nextIndex: number;
  readonly skip: (index: number) => boolean;
  readonly walkSource: (c: SequenceCompilation, skip?: (index: number) => boolean) => ShotSource;
}

/** Names whose value differs between two evaluated globals. */
function changedNames(before: JsonValue, after: JsonValue): string[] {
  const a = ParameterNamespace.fromJSON(before).evaluate().toJSON() as Record<string, unknown>;
  const b = ParameterNamespace.fromJSON(after).evaluate().toJSON() as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((name) => !isDeepStrictEqual(a[name], b[name]))
    .sort();
}

/**
 * Applies the lab's current globals to the shots from `nextIndex` on, with the devices still open:
 * refused (naming why) when the new globals cannot be evaluated, change which devices are used or
 * how one is initialized (it is open with the old parameters), or change the number of shots.
 */
async function reloadGlobals(
  request: ReloadRequest,
): Promise<
  (GlobalsReload & { compilation: SequenceCompilation }) | { unchanged: ReloadedGlobals }
> {
  const { session, sequence, plan, current } = request;
  const globals = await session.globals();
  const json = globals.toJSON() as JsonValue;
  if (isDeepStrictEqual(json, request.currentGlobals)) {
    return { unchanged: { previous: request.currentGlobals, globals: json, changed: [] } };
  }
  const refuse = (why: string): never => {
    throw new SequenceStateError(
      `cannot resume ${sequence} with the new globals: ${why}; it stays PAUSED (resume without reloading the globals, or interrupt it)`,
      { location: { sequence } },
    );
  };
  let next: SequenceCompilation;
  try {
    next = buildSequenceCompilation(
      { sequencePath: sequence, ...plan, globals: json },
      session.registry,
    );
  } catch (e) {
    return refuse(e instanceof Error ? e.message : String(e));
  }
  const before = [...current.compilers.keys()];
  const after = [...next.compilers.keys()];
  if (!isDeepStrictEqual(before, after)) {
    refuse(`they change the devices in use (${before.join(', ')} -> ${after.join(', ')})`);
  }
  const oldInit = initializationParameters(current);
  const newInit = initializationParameters(next);
  for (const name of after) {
    if (!isDeepStrictEqual(oldInit.get(name), newInit.get(name))) {
      refuse(`they change how device "${name}" is initialized, and it is open`);
    }
  }
  let count: number | null;
  try {
    count = next.iteration.expectedShotCount(next.constants);
  } catch (e) {
    count = refuse(e instanceof Error ? e.message : String(e));
  }
  if (count !== request.expectedShots) {
    refuse(
      `they change the number of shots from ${request.expectedShots ?? '?'} to ${count ?? '?'}`,
    );
  }
  const compilePlan = planCompilation(next, session.registry, request.pipeline.compileWorkers);
  const compiler = await startCompiler(
    next,
    compilePlan,
    { ...plan, globals: json },
    request.pipeline,
    request.events,
    sequence,
  );
  return {
    compilation: next,
    compiler,
    source: request.walkSource(next, request.skip),
    globals,
    reloaded: {
      previous: request.currentGlobals,
      globals: json,
      changed: changedNames(request.currentGlobals, json),
    },
  };
}

async function startCompiler(
  compilation: SequenceCompilation,
  plan: ReturnType<typeof planCompilation>,
  prepared: RunPlan,
  pipeline: ResolvedPipelineOptions,
  events: ShotlineEventBus,
  sequence: string,
): Promise<ShotCompilerBackend> {
  if (plan.kind === 'main') return new MainThreadCompiler(compilation);
  try {
    return await CompileWorkerPool.start({
      size: plan.workers,
      workerUrl: plan.workerUrl,
      deadlineMs: pipeline.compileDeadlineMs,
      setup: {
        plugins: plan.plugins,
        sequence: {
          sequencePath: sequence,
          globals: prepared.globals,
          iteration: prepared.iteration,
          timeLanes: prepared.timeLanes,
          deviceConfigurations: prepared.deviceConfigurations,
        },
      },
    });
  } catch (e) {
    events.emit({
      type: 'log',
      level: 'warn',
      sequence,
      message: `compiling shots on the main thread: ${e instanceof Error ? e.message : String(e)}`,
    });
    return new MainThreadCompiler(compilation);
  }
}
