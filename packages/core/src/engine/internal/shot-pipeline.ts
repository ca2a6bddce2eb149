import type { DataValue } from '../../data/index.js';
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
import type { ShotSource } from './shot-source.js';
import { SuspendedShotSignal, type SuspenderMonitor } from './suspender-monitor.js';
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

/** What the shot loop offers whoever holds the run at a shot boundary (see {@link ShotGate}). */
export interface PipelineHandle {
  /** The index of the next shot to run. */
  readonly nextIndex: number;
  /** Waits until every shot run so far is stored (throws the storage failure). */
  flush(): Promise<void>;
  /**
   * Runs the next shot's instructions on the devices without storing it (a probe while a data
   * suspender holds the run, or a warm-up shot before resuming) and returns its data; undefined
   * when there is no next shot yet. A failure of the shot fails the run, as any shot's.
   */
  probe(purpose: 'probe' | 'warmup'): Promise<Readonly<Record<string, DataValue>> | undefined>;
  /**
   * Replaces where shots come from and how they compile (the globals were reloaded): the shots
   * compiled ahead are dropped, the old compiler is closed.
   */
  replace(source: ShotSource, compiler: ShotCompilerBackend): Promise<void>;
}

/** Holds the run at shot boundaries: pauses and resumes (see RunGate). */
export interface ShotGate {
  /** True when the run must stop at the next boundary. */
  readonly wanted: boolean;
  /** Resolves when {@link wanted} becomes true (to wake an idle wait for shots). */
  whenWanted(): Promise<void>;
  /**
   * Holds the run at this boundary for as long as it is paused. `go` to go on, `interrupted`
   * when it was interrupted meanwhile. Throws what fails meanwhile (a probe shot, storage).
   */
  hold(handle: PipelineHandle, stop: readonly AbortSignal[]): Promise<'go' | 'interrupted'>;
}

/** Everything the shot loop needs. */
export interface ShotPipelineRun {
  readonly sequence: SequencePath;
  /** The shots, in order. */
  readonly source: ShotSource;
  readonly compiler: ShotCompilerBackend;
  readonly devices: readonly RunningDevice[];
  readonly writer: ShotWriter;
  readonly options: ResolvedPipelineOptions;
  readonly events: ShotlineEventBus;
  /** Interruption: the running shot finishes, nothing after it runs. */
  readonly interrupt: AbortSignal;
  /**
   * Aborted when the run must stop starting shots for a reason found outside the loop (the locks
   * were lost, a suspender failed); its reason is the error the sequence crashes with.
   */
  readonly lockLost?: AbortSignal;
  /** Aborted when a suspender cannot decide (its reason is the error): the run stops the same way. */
  readonly suspenderFailed?: AbortSignal;
  /** Pauses and resumes at shot boundaries. */
  readonly gate?: ShotGate;
  /** Judges each shot's data, and may abort a running shot to repeat it. */
  readonly suspenders?: SuspenderMonitor;
  /** Called after each shot is handed to storage (closed loops wait for it to be stored). */
  readonly onShotRun?: (index: number) => void;
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
  /** Dropped with the look-ahead (globals reloaded): its failure no longer halts the run. */
  dropped: boolean;
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

  halt(error: Error, reason: 'compile' | 'storage' | 'lock' | 'suspender'): void {
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
  follow(signal: AbortSignal | undefined, reason: 'storage' | 'lock' | 'suspender'): void {
    if (!signal) return;
    const on = () => this.halt(asError(signal.reason), reason);
    if (signal.aborted) on();
    else signal.addEventListener('abort', on, { once: true });
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Resolves when the first of `promises` settles, or when a signal aborts. */
function firstOf(promises: readonly Promise<unknown>[], signals: readonly AbortSignal[]) {
  return unlessStopped(Promise.race(promises), signals).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * The shot loop of a RUNNING sequence (ARCHITECTURE §5 step 4): takes the shots from its source
 * (the iteration walked lazily, or shots asked for one by one), keeps up to `lookAhead` shots
 * compiling ahead, runs them strictly in index order, and hands each result to the storage writer
 * (which applies back-pressure). At each shot boundary its gate may hold it PAUSED.
 *
 * Error rules (the seed's): as soon as a shot fails to compile (any shot compiled ahead, on a worker
 * or the main thread, or the iteration itself), a write fails or a lock is lost, no further shot
 * starts: the shots compiled ahead are dropped, the shot running at that moment finishes and is
 * handed to storage, and the loop fails with that error. A failed shot attempt has already aborted
 * the shot's other controllers, and is retried when the policy says so. An interruption lets the
 * running shot finish and runs nothing after it.
 */
export function runShotPipeline(run: ShotPipelineRun): Promise<ShotPipelineOutcome> {
  return new ShotPipeline(run).loop();
}

class ShotPipeline implements PipelineHandle {
  private readonly halt: Halt;
  private readonly sequenceText: string;
  private readonly queue: Scheduled[] = [];
  private source: ShotSource;
  private compiler: ShotCompilerBackend;
  private sourceDone = false;
  private shots = 0;
  private readonly refillAt: number;
  private readonly participantsBase: readonly Omit<ShotParticipant, 'parameters'>[];

  constructor(private readonly run: ShotPipelineRun) {
    this.sequenceText = run.sequence.toString();
    this.halt = new Halt(run.events, this.sequenceText);
    this.halt.follow(run.writer.failed, 'storage');
    this.halt.follow(run.lockLost, 'lock');
    this.halt.follow(run.suspenderFailed, 'suspender');
    this.source = run.source;
    this.compiler = run.compiler;
    // Refill the look-ahead when half of it was consumed, so shots go to the compiler in groups.
    this.refillAt = Math.floor(run.options.lookAhead / 2);
    this.participantsBase = run.devices.map((d) => ({
      deviceName: d.name,
      device: d.device,
      createController: () => d.extension.createController(d.name),
    }));
  }

  get nextIndex(): number {
    return this.queue[0]?.index ?? this.source.nextIndex;
  }

  private get stopSignals(): AbortSignal[] {
    return [this.run.interrupt, this.halt.signal];
  }

  private schedule(): void {
    if (this.queue.length > this.refillAt) return;
    while (!this.halt.error && !this.sourceDone && this.queue.length < this.run.options.lookAhead) {
      let next: ReturnType<ShotSource['next']>;
      try {
        next = this.source.next();
      } catch (e) {
        this.sourceDone = true;
        this.halt.halt(
          withContext(e, { sequence: this.sequenceText, shot: this.source.nextIndex }),
          'compile',
        );
        break;
      }
      if (next === 'wait') break;
      if (next === 'done') {
        this.sourceDone = true;
        break;
      }
      this.queue.push(this.compile(next.index, next.parameters));
    }
  }

  private compile(index: number, parameters: Parameters): Scheduled {
    const scheduled: Scheduled = {
      index,
      parameters,
      compiled: this.compiler.compile(index, parameters),
      dropped: false,
    };
    // The first failure stops everything at once, whichever shot it belongs to.
    scheduled.compiled.catch((e: unknown) => {
      if (scheduled.dropped) return;
      const error = asError(e);
      if (error instanceof ShotlineError) {
        error.addContext({ sequence: this.sequenceText, shot: index });
      }
      this.halt.halt(error, 'compile');
    });
    return scheduled;
  }

  private failed(error: Error): ShotPipelineOutcome {
    if (error instanceof ShotlineError) error.addContext({ sequence: this.sequenceText });
    return { kind: 'failed', shots: this.shots, error };
  }

  // ---- PipelineHandle ----------------------------------------------------------------------------

  flush(): Promise<void> {
    return this.run.writer.flush();
  }

  async probe(
    purpose: 'probe' | 'warmup',
  ): Promise<Readonly<Record<string, DataValue>> | undefined> {
    this.schedule();
    const next = this.queue[0];
    if (!next) return undefined;
    const compiled = await next.compiled;
    this.run.events.emit({
      type: 'shot-probed',
      sequence: this.sequenceText,
      index: next.index,
      purpose,
      time: new Date(),
    });
    const result = await runShotAttempt(this.participants(compiled), {
      index: next.index,
      timeoutMs: this.run.options.shotTimeoutMs(compiled.durationSeconds),
      abortGraceMs: this.run.options.abortGraceMs,
    });
    return result.data;
  }

  async replace(source: ShotSource, compiler: ShotCompilerBackend): Promise<void> {
    for (const dropped of this.queue.splice(0)) dropped.dropped = true;
    const old = this.compiler;
    this.source = source;
    this.compiler = compiler;
    this.sourceDone = false;
    if (old !== compiler) await old.close();
  }

  // ---- the loop ----------------------------------------------------------------------------------

  private participants(compiled: CompiledShot): ShotParticipant[] {
    return this.participantsBase.map((p) => ({
      ...p,
      parameters: compiled.deviceParameters.get(p.deviceName),
    }));
  }

  async loop(): Promise<ShotPipelineOutcome> {
    const { events, gate } = this.run;
    try {
      for (;;) {
        this.schedule();
        if (this.halt.error) return this.failed(this.halt.error);
        if (this.run.interrupt.aborted) return { kind: 'interrupted', shots: this.shots };
        if (gate?.wanted) {
          if ((await gate.hold(this, this.stopSignals)) === 'interrupted') {
            return { kind: 'interrupted', shots: this.shots };
          }
          continue;
        }
        const next = this.queue[0];
        if (!next) {
          if (this.sourceDone) return { kind: 'completed', shots: this.shots };
          // A closed loop waiting for its next shot: a pause or an interruption wakes it too.
          await firstOf(
            [this.source.whenReady(), ...(gate ? [gate.whenWanted()] : [])],
            this.stopSignals,
          );
          continue;
        }
        let compiled: CompiledShot | typeof STOPPED;
        try {
          compiled = await unlessStopped(next.compiled, this.stopSignals);
        } catch (e) {
          // Its failure halted the run already (the catch above ran first).
          return this.failed(this.halt.error ?? asError(e));
        }
        if (compiled === STOPPED) {
          if (this.halt.error) return this.failed(this.halt.error);
          return { kind: 'interrupted', shots: this.shots };
        }
        if (gate?.wanted) continue;
        this.queue.shift();
        events.emit({
          type: 'shot-compiled',
          sequence: this.sequenceText,
          index: next.index,
          compileMs: compiled.compileMs,
          durationSeconds: compiled.durationSeconds,
          thread: compiled.thread,
        });
        this.schedule();
        if (this.halt.error) return this.failed(this.halt.error);
        let ran: { result: ShotAttemptResult; attempts: number };
        try {
          ran = await this.runWithRetry(next.index, compiled);
        } catch (e) {
          const error = asError(e);
          if (error instanceof SuspendedShotSignal) {
            // A `repeat` suspender tripped during the shot: it runs again once resumed.
            this.queue.unshift(next);
            this.log(`shot ${next.index} was aborted: ${error.message}`);
            continue;
          }
          return this.failed(
            this.halt.error ? combineErrors([error, this.halt.error], error.message) : error,
          );
        }
        const { result, attempts } = ran;
        let verdict: 'store' | 'repeat' = 'store';
        let suspenderFailure: Error | undefined;
        try {
          verdict = this.run.suspenders?.afterShot(next.index, result.data) ?? 'store';
        } catch (e) {
          // The shot ran properly: it is stored, then the run stops.
          suspenderFailure = asError(e);
        }
        if (verdict === 'repeat') {
          this.queue.unshift(next);
          this.log(
            `shot ${next.index} is discarded: a suspender tripped on its data; it runs again once resumed`,
          );
          continue;
        }
        this.shots += 1;
        events.emit({
          type: 'shot-finished',
          sequence: this.sequenceText,
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
        await this.run.writer.push({
          index: next.index,
          parameters: next.parameters.toJSON(),
          data: result.data,
          startTime: result.startTime,
          endTime: result.endTime,
          timing: timing as unknown as JsonValue,
        });
        this.run.onShotRun?.(next.index);
        if (suspenderFailure) {
          this.halt.halt(suspenderFailure, 'suspender');
          return this.failed(suspenderFailure);
        }
      }
    } catch (e) {
      return this.failed(this.halt.error ?? asError(e));
    } finally {
      // Stop compiling ahead: nothing scheduled from now on.
      this.sourceDone = true;
    }
  }

  private log(message: string): void {
    this.run.events.emit({ type: 'log', level: 'info', sequence: this.sequenceText, message });
  }

  private async runWithRetry(
    index: number,
    compiled: CompiledShot,
  ): Promise<{ result: ShotAttemptResult; attempts: number }> {
    const { options, events, suspenders } = this.run;
    const errors: Error[] = [];
    const participants = this.participants(compiled);
    for (let attempt = 1; ; attempt++) {
      events.emit({
        type: 'shot-started',
        sequence: this.sequenceText,
        index,
        attempt,
        time: new Date(),
      });
      const abort = suspenders?.beginShot(index);
      try {
        const result = await runShotAttempt(participants, {
          index,
          timeoutMs: options.shotTimeoutMs(compiled.durationSeconds),
          abortGraceMs: options.abortGraceMs,
          ...(abort ? { abort } : {}),
        });
        return { result, attempts: attempt };
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        if (error instanceof SuspendedShotSignal) throw error;
        errors.push(error);
        const retriable =
          !(error instanceof ControllersDidNotStopError) &&
          !this.run.interrupt.aborted &&
          !this.halt.error &&
          matchesRetryPolicy(error, options.retryOn);
        if (!retriable) throw error;
        if (attempt >= options.maxAttempts) {
          if (attempt === 1) throw error;
          throw new ShotAttemptsExceededError(errors, { location: { shot: index } });
        }
        events.emit({
          type: 'shot-retry',
          sequence: this.sequenceText,
          index,
          attempt,
          error: summarizeError(error, { stack: false }),
        });
      } finally {
        suspenders?.endShot();
      }
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
