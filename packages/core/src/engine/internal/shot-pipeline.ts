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
import { combineErrors } from './device-set.js';
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
  /**
   * Aborted when the run must stop starting shots for a reason found outside the loop (the locks
   * were lost); its reason is the error the sequence crashes with.
   */
  readonly lockLost?: AbortSignal;
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

const STOPPED = Symbol('stopped');

/** Waits for `promise`, or resolves with {@link STOPPED} as soon as one of the signals aborts. */
function unlessStopped<T>(
  promise: Promise<T>,
  signals: readonly AbortSignal[],
): Promise<T | typeof STOPPED> {
  if (signals.some((s) => s.aborted)) return Promise.resolve(STOPPED);
  return new Promise<T | typeof STOPPED>((resolve, reject) => {
    const onStop = (): void => {
      done();
      resolve(STOPPED);
    };
    const done = () => {
      for (const s of signals) s.removeEventListener('abort', onStop);
    };
    for (const s of signals) s.addEventListener('abort', onStop, { once: true });
    promise.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Why the run starts no further shot: the first compile failure (of any shot compiled ahead, or
 * of the iteration), storage failure or lost lock, whenever it is seen. Halting is announced once,
 * with a `sequence-halting` event.
 */
class Halt {
  private readonly controller = new AbortController();
  error: Error | undefined;

  constructor(
    private readonly events: ShotlineEventBus,
    private readonly sequence: string,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  halt(error: Error, reason: 'compile' | 'storage' | 'lock'): void {
    if (this.error) return;
    this.error = error;
    this.controller.abort(error);
    this.events.emit({
      type: 'sequence-halting',
      sequence: this.sequence,
      reason,
      error: summarizeError(error, { stack: false }),
      time: new Date(),
    });
  }

  /** Halts when `signal` aborts (its reason is the error). */
  follow(signal: AbortSignal | undefined, reason: 'storage' | 'lock'): void {
    if (!signal) return;
    const on = () => this.halt(asError(signal.reason), reason);
    if (signal.aborted) on();
    else signal.addEventListener('abort', on, { once: true });
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * The shot loop of a RUNNING sequence (ARCHITECTURE §5 step 4): walks the iteration lazily, keeps up
 * to `lookAhead` shots compiling ahead, runs them strictly in index order, and hands each result to
 * the storage writer (which applies back-pressure).
 *
 * Error rules (the seed's): as soon as a shot fails to compile (any shot compiled ahead, on a worker
 * or the main thread, or the iteration itself), a write fails or a lock is lost, no further shot
 * starts: the shots compiled ahead are dropped, the shot running at that moment finishes and is
 * handed to storage, and the loop fails with that error. A failed shot attempt has already aborted
 * the shot's other controllers, and is retried when the policy says so. An interruption lets the
 * running shot finish and runs nothing after it.
 */
export async function runShotPipeline(run: ShotPipelineRun): Promise<ShotPipelineOutcome> {
  const { options, events, interrupt } = run;
  const sequence = run.sequence.toString();
  const halt = new Halt(events, sequence);
  halt.follow(run.writer.failed, 'storage');
  halt.follow(run.lockLost, 'lock');
  const queue: Scheduled[] = [];
  let nextIndex = 0;
  let walkDone = false;
  let shots = 0;

  // Refill the look-ahead when half of it was consumed, so shots go to the compiler in groups.
  const refillAt = Math.floor(options.lookAhead / 2);
  const schedule = (): void => {
    if (queue.length > refillAt) return;
    while (!halt.error && !walkDone && queue.length < options.lookAhead) {
      const index = nextIndex;
      let step: IteratorResult<Parameters>;
      try {
        step = run.shots.next();
      } catch (e) {
        walkDone = true;
        halt.halt(withContext(e, { sequence, shot: index }), 'compile');
        break;
      }
      if (step.done) {
        walkDone = true;
        break;
      }
      nextIndex += 1;
      const compiled = run.compiler.compile(index, step.value);
      // The first failure stops everything at once, whichever shot it belongs to.
      compiled.catch((e: unknown) => {
        const error = asError(e);
        if (error instanceof ShotlineError) error.addContext({ sequence, shot: index });
        halt.halt(error, 'compile');
      });
      queue.push({ index, parameters: step.value, compiled });
    }
  };
  const failed = (error: Error): ShotPipelineOutcome => {
    if (error instanceof ShotlineError) error.addContext({ sequence });
    return { kind: 'failed', shots, error };
  };

  const participantsBase = run.devices.map((d) => ({
    deviceName: d.name,
    device: d.device,
    createController: () => d.extension.createController(d.name),
  }));

  try {
    for (;;) {
      schedule();
      if (halt.error) return failed(halt.error);
      if (interrupt.aborted) return { kind: 'interrupted', shots };
      const next = queue.shift();
      if (!next) return { kind: 'completed', shots };
      let compiled: CompiledShot | typeof STOPPED;
      try {
        compiled = await unlessStopped(next.compiled, [interrupt, halt.signal]);
      } catch (e) {
        // Its failure halted the run already (the catch above ran first).
        return failed(halt.error ?? asError(e));
      }
      if (compiled === STOPPED) {
        if (halt.error) return failed(halt.error);
        return { kind: 'interrupted', shots };
      }
      events.emit({
        type: 'shot-compiled',
        sequence,
        index: next.index,
        compileMs: compiled.compileMs,
        durationSeconds: compiled.durationSeconds,
        thread: compiled.thread,
      });
      schedule();
      if (halt.error) return failed(halt.error);
      const participants: ShotParticipant[] = participantsBase.map((p) => ({
        ...p,
        parameters: compiled.deviceParameters.get(p.deviceName),
      }));
      let ran: { result: ShotAttemptResult; attempts: number };
      try {
        ran = await runWithRetry(run, next.index, compiled, participants, halt);
      } catch (e) {
        const error = asError(e);
        return failed(halt.error ? combineErrors([error, halt.error], error.message) : error);
      }
      const { result, attempts } = ran;
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
      // The shot that was running when the run halted is handed over too: it finished properly.
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
    return failed(halt.error ?? asError(e));
  } finally {
    // Stop compiling ahead: nothing scheduled from now on.
    walkDone = true;
  }
}

async function runWithRetry(
  run: ShotPipelineRun,
  index: number,
  compiled: CompiledShot,
  participants: ShotParticipant[],
  halt: Halt,
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
        !halt.error &&
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
