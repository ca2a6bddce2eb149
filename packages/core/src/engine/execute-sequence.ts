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
  type SequencePathLike,
} from '../session/index.js';
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
  /** `host:pid:managerId` recorded on the sequence at PREPARING. */
  readonly owner: string;
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
 * Runs a sequence on the setup (ARCHITECTURE §5): prepares it (DRAFT -> PREPARING with snapshots;
 * anything but a DRAFT is refused before any instrument is touched), compiles it, opens the devices
 * concurrently while the compile workers start, runs the shots, stores them, closes every device
 * whatever happened, and ends FINISHED, INTERRUPTED or CRASHED.
 *
 * Resolves for FINISHED and INTERRUPTED; rejects with the sequence's error after storing it (the
 * summary names the shot and the device) when CRASHED, and without changing anything when the
 * sequence could not be prepared. The low-level entry point: labs use {@link ExperimentManager}.
 */
export async function executeSequence(options: ExecuteSequenceOptions): Promise<SequenceOutcome> {
  const { session } = options;
  const events = options.events ?? new ShotlineEventBus();
  const signal = options.signal ?? new AbortController().signal;
  const pipeline = resolvePipelineOptions(options.pipeline);
  const path = SequencePath.from(options.path);
  const sequence = path.toString();

  const prepared = await session.prepareSequence(path, {
    owner: options.owner,
    ...(options.globals ? { globals: options.globals } : {}),
    ...(options.deviceConfigurations ? { deviceConfigurations: options.deviceConfigurations } : {}),
  });

  let expectedShots: number | null = null;
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
    // Compile the sequence: globals, parameter schema, compilers, initialization parameters.
    const started = performance.now();
    const compilation = buildSequenceCompilation(
      { sequencePath: sequence, ...prepared },
      session.registry,
    );
    const init = initializationParameters(compilation);
    try {
      expectedShots = compilation.iteration.expectedShotCount(compilation.constants);
    } catch {
      expectedShots = null;
    }
    const plan = planCompilation(compilation, session.registry, pipeline.compileWorkers);
    if (plan.kind === 'main' && plan.reason) {
      events.emit({
        type: 'log',
        level: 'info',
        sequence,
        message: `compiling shots on the main thread: ${plan.reason}`,
      });
    }
    events.emit({
      type: 'sequence-prepared',
      sequence,
      devices: [...compilation.compilers.keys()],
      notUsed: compilation.notUsed,
      compileWorkers: plan.kind === 'workers' ? plan.workers : 0,
      expectedShots,
      compileMs: performance.now() - started,
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
        startCompiler(compilation, plan, prepared, pipeline, events, sequence),
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
      if (e !== failure) teardownErrors.push(e as Error);
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
      await session.markCrashed(path, summarizeError(error), new Date());
    } catch (e) {
      throw new AggregateError([error, e], `${error.message}; and the crash could not be stored`, {
        cause: e,
      });
    }
    announce('crashed', error);
    throw error;
  }
  if (ending.state === 'finished') await session.markFinished(path, new Date());
  else await session.markInterrupted(path, new Date());
  announce(ending.state);
  return ending;
}

async function startCompiler(
  compilation: SequenceCompilation,
  plan: ReturnType<typeof planCompilation>,
  prepared: Awaited<ReturnType<ExperimentSession['prepareSequence']>>,
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
