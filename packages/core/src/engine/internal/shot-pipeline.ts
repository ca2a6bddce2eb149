import type { AnyDeviceExtension, Device } from '../../device/index.js';
import { ShotlineError, summarizeError, withContext } from '../../errors/index.js';
import type { DeviceTimingSummary, ShotlineEventBus } from '../../events/index.js';
import type { Parameters } from '../../parameters/index.js';
import type { SequencePath } from '../../path/index.js';
import type { JsonValue } from '../../storage/index.js';
import { ControllersDidNotStopError, ShotAttemptsExceededError } from '../engine-errors.js';
import type { ResolvedPipelineOptions } from '../pipeline-options.js';
import { matchesRetryPolicy } from '../shot-retry.js';
import type { DeviceShotTiming, ShotTiming } from '../shot-timing.js';
import { runShotAttempt, type ShotAttemptResult, type ShotParticipant } from './shot-attempt.js';
import type { ShotWriter } from './shot-writer.js';

/** The compiled instructions of one shot. */
export interface CompiledShot {
  readonly index: number;
  /** Shot parameters of every device in use, by device name. */
  readonly deviceParameters: ReadonlyMap<string, unknown>;
  readonly durationSeconds: number;
  /** Submission to result, in milliseconds. */
  readonly compileMs: number;
  readonly thread: 'main' | number;
}

/** Compiles shots (on the main thread or in a worker pool). */
export interface ShotCompilerBackend {
  /** 0 for the main thread. */
  readonly threads: number;
  /** Compiles a shot; rejects with an error naming the shot and the device. */
  compile(index: number, parameters: Parameters): Promise<CompiledShot>;
  /** Stops compiling (pending compilations reject) and releases threads. */
  close(): Promise<void>;
}

/** An open device and its extension. */
export interface RunningDevice {
  readonly name: string;
  readonly device: Device;
  readonly extension: AnyDeviceExtension;
}

/** Everything the shot loop needs. */
export interface ShotPipelineRun {
  readonly sequence: SequencePath;
  /** The shots' parameters, in order (walked lazily). */
  readonly shots: Iterator<Parameters>;
  readonly compiler: ShotCompilerBackend;
  readonly devices: readonly RunningDevice[];
  readonly writer: ShotWriter;
  readonly options: ResolvedPipelineOptions;
  readonly events: ShotlineEventBus;
  /** Interruption: the running shot finishes, nothing after it runs. */
  readonly interrupt: AbortSignal;
}

/** How the shot loop ended. Shots run before the end are handed to the writer in every case. */
export type ShotPipelineOutcome =
  | { readonly kind: 'completed'; readonly shots: number }
  | { readonly kind: 'interrupted'; readonly shots: number }
  | { readonly kind: 'failed'; readonly shots: number; readonly error: Error };

interface Scheduled {
  readonly index: number;
  readonly parameters: Parameters;
  readonly compiled: Promise<CompiledShot>;
}

const INTERRUPTED = Symbol('interrupted');

function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<T | typeof INTERRUPTED> {
  if (signal.aborted) return Promise.resolve(INTERRUPTED);
  return new Promise<T | typeof INTERRUPTED>((resolve, reject) => {
    const onAbort = (): void => resolve(INTERRUPTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The shot loop of a RUNNING sequence (ARCHITECTURE §5 step 4): walks the iteration lazily, keeps up
 * to `lookAhead` shots compiling ahead, runs them strictly in index order, and hands each result to
 * the storage writer (which applies back-pressure).
 *
 * Error rules: a shot that fails to compile stops the loop when its turn comes (the shots before it
 * were valid and run), and nothing more is compiled once a failure is seen; a failed shot attempt has
 * already aborted the shot's other controllers, and is retried when the policy says so; an
 * interruption lets the running shot finish and runs nothing after it.
 */
export async function runShotPipeline(run: ShotPipelineRun): Promise<ShotPipelineOutcome> {
  const { options, events, interrupt } = run;
  const sequence = run.sequence.toString();
  const queue: Scheduled[] = [];
  let nextIndex = 0;
  let walkDone = false;
  let walkError: Error | undefined;
  let stopScheduling = false;
  let shots = 0;

  // Refill the look-ahead when half of it was consumed, so shots go to the compiler in groups.
  const refillAt = Math.floor(options.lookAhead / 2);
  const schedule = (): void => {
    if (queue.length > refillAt) return;
    while (!stopScheduling && !walkDone && queue.length < options.lookAhead) {
      const index = nextIndex;
      let step: IteratorResult<Parameters>;
      try {
        step = run.shots.next();
      } catch (e) {
        walkDone = true;
        walkError = withContext(e, { sequence, shot: index });
        break;
      }
      if (step.done) {
        walkDone = true;
        break;
      }
      nextIndex += 1;
      const compiled = run.compiler.compile(index, step.value);
      // A failure stops further scheduling now; it is reported when the shot's turn comes.
      compiled.catch(() => {
        stopScheduling = true;
      });
      queue.push({ index, parameters: step.value, compiled });
    }
  };

  const participantsBase = run.devices.map((d) => ({
    deviceName: d.name,
    device: d.device,
    createController: () => d.extension.createController(d.name),
  }));

  try {
    for (;;) {
      schedule();
      if (interrupt.aborted) return { kind: 'interrupted', shots };
      const next = queue.shift();
      if (!next) {
        if (walkError) return { kind: 'failed', shots, error: walkError };
        return { kind: 'completed', shots };
      }
      const compiled = await untilAborted(next.compiled, interrupt);
      if (compiled === INTERRUPTED) return { kind: 'interrupted', shots };
      events.emit({
        type: 'shot-compiled',
        sequence,
        index: next.index,
        compileMs: compiled.compileMs,
        durationSeconds: compiled.durationSeconds,
        thread: compiled.thread,
      });
      schedule();
      const participants: ShotParticipant[] = participantsBase.map((p) => ({
        ...p,
        parameters: compiled.deviceParameters.get(p.deviceName),
      }));
      const { result, attempts } = await runWithRetry(run, next.index, compiled, participants);
      shots += 1;
      events.emit({
        type: 'shot-finished',
        sequence,
        index: next.index,
        attempts,
        startTime: result.startTime,
        endTime: result.endTime,
        runMs: result.runMs,
        devices: deviceTimingSummaries(result.devices),
      });
      const timing: ShotTiming = {
        attempts,
        compileMs: Math.round(compiled.compileMs * 1000) / 1000,
        runMs: result.runMs,
        barrierMs: result.barrierMs,
        devices: result.devices,
      };
      await run.writer.push({
        index: next.index,
        parameters: next.parameters.toJSON(),
        data: result.data,
        startTime: result.startTime,
        endTime: result.endTime,
        timing: timing as unknown as JsonValue,
      });
    }
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    if (error instanceof ShotlineError) error.addContext({ sequence });
    return { kind: 'failed', shots, error };
  } finally {
    stopScheduling = true;
  }
}

async function runWithRetry(
  run: ShotPipelineRun,
  index: number,
  compiled: CompiledShot,
  participants: ShotParticipant[],
): Promise<{ result: ShotAttemptResult; attempts: number }> {
  const { options, events } = run;
  const sequence = run.sequence.toString();
  const errors: Error[] = [];
  const limits = {
    index,
    timeoutMs: options.shotTimeoutMs(compiled.durationSeconds),
    abortGraceMs: options.abortGraceMs,
  };
  for (let attempt = 1; ; attempt++) {
    events.emit({ type: 'shot-started', sequence, index, attempt, time: new Date() });
    try {
      return { result: await runShotAttempt(participants, limits), attempts: attempt };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      errors.push(error);
      const retriable =
        !(error instanceof ControllersDidNotStopError) &&
        !run.interrupt.aborted &&
        matchesRetryPolicy(error, options.retryOn);
      if (!retriable) throw error;
      if (attempt >= options.maxAttempts) {
        if (attempt === 1) throw error;
        throw new ShotAttemptsExceededError(errors, { location: { shot: index } });
      }
      events.emit({
        type: 'shot-retry',
        sequence,
        index,
        attempt,
        error: summarizeError(error, { stack: false }),
      });
    }
  }
}

/** The milestones of each device, for the shot-finished event. */
function deviceTimingSummaries(
  devices: Readonly<Record<string, DeviceShotTiming>>,
): Record<string, DeviceTimingSummary> {
  const out: Record<string, DeviceTimingSummary> = {};
  for (const name in devices) {
    const d = devices[name]!;
    out[name] = { readyMs: d.readyMs, barrierMs: d.barrierMs, finishedMs: d.finishedMs };
  }
  return out;
}
