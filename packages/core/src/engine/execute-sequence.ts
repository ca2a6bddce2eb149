import { performance } from 'node:perf_hooks';
import { summarizeError, ShotlineError } from '../errors/index.js';
import { ShotlineEventBus } from '../events/index.js';
import type { ParameterNamespace } from '../parameters/index.js';
import { SequencePath } from '../path/index.js';
import type { SequenceState } from '../sequence/index.js';
import type { AnyDeviceExtension } from '../device/index.js';
import {
  SequenceStateError,
  type DeviceConfiguration,
  type ExperimentSession,
  type RunPlan,
  type SequencePathLike,
} from '../session/index.js';
import {
  deviceResource,
  sequenceResource,
  type HeldLocks,
  type RunOwner,
} from '../storage/index.js';
import { recordSequenceEnd } from './internal/record-sequence-end.js';
import { planCompilation } from './internal/compile-plan.js';
import { CompileWorkerPool } from './internal/compile-worker-pool.js';
import { combineErrors, DeviceSet } from './internal/device-set.js';
import { MainThreadCompiler } from './internal/main-thread-compiler.js';
import {
  buildSequenceCompilation,
  initializationParameters,
  type SequenceCompilation,
} from './internal/sequence-compilation.js';
import { runShotPipeline, type ShotCompilerBackend } from './internal/shot-pipeline.js';
import { ShotWriter } from './internal/shot-writer.js';
import {
  resolvePipelineOptions,
  type ResolvedPipelineOptions,
  type ShotPipelineOptions,
} from './pipeline-options.js';

/** Options of {@link executeSequence}. */
export interface ExecuteSequenceOptions {
  readonly session: ExperimentSession;
  readonly path: SequencePathLike;
  /**
   * Who runs it (see `currentRunOwner`): recorded on the sequence at PREPARING and on the locks of
   * its devices.
   */
  readonly owner: RunOwner;
  /** Globals for this run; default: the session's current globals. */
  readonly globals?: ParameterNamespace;
  /** Device configurations for this run; default: the session's defaults. */
  readonly deviceConfigurations?: readonly DeviceConfiguration[];
  readonly pipeline?: ShotPipelineOptions;
  readonly events?: ShotlineEventBus;
  /** Interruption: the running shot finishes, nothing after it runs; the sequence ends INTERRUPTED. */
  readonly signal?: AbortSignal;
}

/** How a sequence ended without an error. */
export interface SequenceOutcome {
  readonly state: 'finished' | 'interrupted';
  /** Shots run and stored. */
  readonly shots: number;
}

/**
 * Runs a sequence on the setup (ARCHITECTURE §5): checks it (a DRAFT, valid configurations) and
 * compiles it, locks the sequence and the devices it uses (refused, before anything is written or
 * opened, when another run holds one of them), prepares it (DRAFT -> PREPARING with snapshots),
 * opens the devices concurrently while the compile workers start, runs the shots, stores them,
 * closes every device whatever happened, ends FINISHED, INTERRUPTED or CRASHED and releases the
 * locks.
 *
 * Resolves for FINISHED and INTERRUPTED; rejects with the sequence's error after storing it (the
 * summary names the shot and the device) when CRASHED, and without changing anything when the
 * sequence could not start (not a DRAFT, a device in use...). When the storage cannot be reached to
 * record the end, it keeps trying (with a `log` event each time) and records it as soon as the
 * storage is back. The low-level entry point: labs use {@link ExperimentManager}.
 */
export async function executeSequence(options: ExecuteSequenceOptions): Promise<SequenceOutcome> {
  const { session } = options;
  const events = options.events ?? new ShotlineEventBus();
  const pipeline = resolvePipelineOptions(options.pipeline);
  const path = SequencePath.from(options.path);

  // Check and compile before anything is written or opened: the devices in use decide the locks.
  const plan = await session.planRun(path, {
    ...(options.globals ? { globals: options.globals } : {}),
    ...(options.deviceConfigurations ? { deviceConfigurations: options.deviceConfigurations } : {}),
  });
  const started = performance.now();
  let compilation: SequenceCompilation | Error;
  try {
    compilation = buildSequenceCompilation(
      { sequencePath: path.toString(), ...plan },
      session.registry,
    );
  } catch (e) {
    // Stored on the sequence (CRASHED), under its lock like any run.
    compilation = e instanceof Error ? e : new Error(String(e));
  }
  const devices = compilation instanceof Error ? [] : [...compilation.compilers.keys()];
  const locks = (
    await session.storage.acquireLocks({
      resources: [sequenceResource(path), ...devices.map(deviceResource)],
      holder: options.owner,
      sequence: path,
    })
  ).unwrap();
  try {
    await session.markPreparing(plan, options.owner);
    return await runPrepared({
      ...options,
      path,
      events,
      pipeline,
      plan,
      compilation,
      compileStarted: started,
      locks,
    });
  } finally {
    await locks.release().catch((e: unknown) => {
      events.emit({
        type: 'log',
        level: 'warn',
        sequence: path.toString(),
        message: `could not release the locks of the run: ${e instanceof Error ? e.message : String(e)}`,
      });
    });
  }
}

interface PreparedRun extends ExecuteSequenceOptions {
  readonly path: SequencePath;
  readonly events: ShotlineEventBus;
  readonly pipeline: ResolvedPipelineOptions;
  readonly plan: RunPlan;
  readonly compilation: SequenceCompilation | Error;
  readonly compileStarted: number;
  readonly locks: HeldLocks;
}

/** The run of a PREPARING sequence, under its locks, to its end state. */
async function runPrepared(run: PreparedRun): Promise<SequenceOutcome> {
  const { session, events, pipeline, path, plan } = run;
  const signal = run.signal ?? new AbortController().signal;
  const sequence = path.toString();
  let expectedShots: number | null = plan.expectedShots;
  let storedShots = 0;
  const announce = (state: SequenceState, error?: Error): void => {
    events.emit({
      type: 'sequence-state',
      sequence,
      state,
      time: new Date(),
      storedShots,
      expectedShots,
      ...(error ? { error: summarizeError(error, { stack: false }) } : {}),
    });
  };
  announce('preparing');

  let devices: DeviceSet | undefined;
  let compiler: ShotCompilerBackend | undefined;
  let writer: ShotWriter | undefined;
  let failure: Error | undefined;
  let ending: SequenceOutcome = { state: 'interrupted', shots: 0 };

  try {
    if (run.compilation instanceof Error) throw run.compilation;
    const compilation = run.compilation;
    // Initialization parameters, shot count, where shots compile.
    const init = initializationParameters(compilation);
    try {
      expectedShots = compilation.iteration.expectedShotCount(compilation.constants);
    } catch {
      expectedShots = null;
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

    if (!signal.aborted) {
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

    if (!signal.aborted) {
      await session.markRunning(path, new Date());
      announce('running');
      writer = new ShotWriter(session.storage, path, {
        capacity: pipeline.storageBuffer,
        batchMax: pipeline.storageBatch,
        events,
        expectedShots,
      });
      const outcome = await runShotPipeline({
        sequence: path,
        shots: compilation.iteration.walk(compilation.constants)[Symbol.iterator](),
        compiler: compiler!,
        devices: [...devices!.devices].map(([name, device]) => ({
          name,
          device,
          extension: extensionOf(name),
        })),
        writer,
        options: pipeline,
        events,
        interrupt: signal,
        lockLost: run.locks.lost,
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

  // Whatever happened: stop compiling, store what ran, close every device.
  const teardownErrors: Error[] = [];
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
    storedShots = writer.stored;
  }
  if (devices) teardownErrors.push(...(await devices.close()));

  if (failure && failure instanceof SequenceStateError) throw failure;
  if (failure || teardownErrors.length > 0) {
    const error = failure
      ? teardownErrors.length > 0
        ? combineErrors([failure, ...teardownErrors], failure.message)
        : failure
      : combineErrors(teardownErrors, 'the sequence could not end cleanly');
    if (error instanceof ShotlineError) error.addContext({ sequence });
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
