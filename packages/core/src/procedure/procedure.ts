import {
  RunControl,
  executeSequence,
  type ResumeOptions,
  type ShotPipelineOptions,
} from '../engine/index.js';
import type { ShotlineEventBus } from '../events/index.js';
import type { ParameterNamespace } from '../parameters/index.js';
import { SequencePath } from '../path/index.js';
import {
  WrongSequenceStateError,
  type DeviceConfiguration,
  type ExperimentSession,
  type SequencePathLike,
} from '../session/index.js';
import type { RunOwner } from '../storage/index.js';
import type { SuspenderDefinition } from '../suspenders/index.js';
import {
  ExperimentManagerClosedError,
  ProcedureAlreadyActiveError,
  ProcedureNotActiveError,
  SequenceAlreadyRunningError,
} from './procedure-errors.js';
import type { ProcedureContract } from './procedure-contract.js';
import { disposeProcedure, runInProcedure, runSequenceToEnd } from './internal/procedure-exits.js';
import type { ProcedureLock } from './procedure-lock.js';

/** Options of {@link Procedure.startSequence} and {@link Procedure.runSequence}. */
export interface StartSequenceOptions {
  /** Globals for this sequence; default: the session's current globals. */
  readonly globals?: ParameterNamespace;
  /** Device configurations for this sequence; default: the session's default configurations. */
  readonly deviceConfigurations?: readonly DeviceConfiguration[];
  /** Suspenders for this run, besides the lab's and the sequence's own. */
  readonly suspenders?: readonly SuspenderDefinition[];
  /**
   * Continue an INTERRUPTED or CRASHED sequence instead of running a DRAFT (see
   * {@link Procedure.continueSequence}); `reason` is recorded with the continuation.
   */
  readonly continue?: boolean | { readonly reason?: string };
}

/** Options of {@link Procedure.continueSequence}. */
export interface ContinueSequenceOptions {
  /** Why it is continued, recorded on the sequence (default: after which state). */
  readonly reason?: string;
  /** Suspenders for this run, besides the lab's and the sequence's own. */
  readonly suspenders?: readonly SuspenderDefinition[];
}

/** What a procedure needs from its manager. @internal */
export interface ProcedureHost {
  readonly session: ExperimentSession;
  readonly events: ShotlineEventBus;
  readonly pipeline: ShotPipelineOptions;
  readonly owner: RunOwner;
  readonly lock: ProcedureLock;
  readonly closed: boolean;
  /** The lab's suspenders, for every sequence. */
  readonly suspenders: readonly SuspenderDefinition[];
}

interface RunningSequence {
  readonly path: SequencePath;
  readonly control: RunControl;
  readonly done: Promise<void>;
}

/**
 * Used to perform a procedure on the experiment: anything more complex than a single sequence (a
 * sequence then some analysis, a scan repeated with new parameters, several sequences that belong
 * together). Created by {@link ExperimentManager.createProcedure}.
 *
 * A procedure must be active to run sequences, and no two procedures on one storage are active at
 * the same time: activating waits until the active one is left (or fails after
 * `acquisitionTimeout`).
 *
 * With a callback (JavaScript and TypeScript):
 *
 * ```js
 * await manager.createProcedure('my procedure').run(async (procedure) => {
 *   await procedure.runSequence('\\my sequence');
 *   // do analysis, overwrite parameters, etc...
 *   await procedure.runSequence('\\another sequence');
 * });
 * ```
 *
 * or in TypeScript (compiled; Node 20 itself does not parse `await using`):
 * `await using procedure = await manager.createProcedure('x').activate();`.
 *
 * Leaving, as in the seed: a normal exit waits for a sequence still running; an error interrupts
 * it, then waits. `run(callback)` knows which happened. An `await using` block cannot: the language
 * gives disposers no error, so leaving one always waits like a normal exit; interrupt in a `catch`
 * (or use `run`) to stop the sequence when the block fails.
 */
export class Procedure implements ProcedureContract {
  private active = false;
  private activating = false;
  private running: RunningSequence | undefined;
  private lastError: Error | undefined;
  private readonly started: SequencePath[] = [];

  /** @internal use {@link ExperimentManager.createProcedure}. */
  constructor(
    readonly name: string,
    private readonly host: ProcedureHost,
    private readonly acquisitionTimeout: number | undefined,
  ) {}

  /**
   * Activates the procedure: waits while another procedure of the manager is active; with an
   * `acquisitionTimeout`, fails with {@link ProcedureActivationTimeoutError} after that long.
   * Clears the list of sequences. Resolves to the procedure itself (for `await using`).
   */
  async activate(): Promise<this> {
    if (this.host.closed) {
      throw new ExperimentManagerClosedError(
        `cannot activate procedure "${this.name}": the experiment manager is closed`,
      );
    }
    if (this.active || this.activating) {
      throw new ProcedureAlreadyActiveError(`procedure "${this.name}" is already active`);
    }
    this.activating = true;
    try {
      await this.host.lock.acquire(this, this.name, this.acquisitionTimeout);
    } finally {
      this.activating = false;
    }
    this.active = true;
    this.started.length = 0;
    this.lastError = undefined;
    return this;
  }

  /**
   * Leaves the procedure: waits for a running sequence to end, then lets the next procedure
   * activate. Does nothing when not active.
   */
  async deactivate(): Promise<void> {
    if (!this.active) return;
    try {
      await this.running?.done;
    } finally {
      this.active = false;
      this.host.lock.release(this);
    }
  }

  /**
   * `await using`: waits for a sequence still running (the seed's normal exit), then deactivates.
   * A disposer is never told whether its block threw, so it cannot interrupt on an error: interrupt
   * in a `catch`, or use {@link run}, which does.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await disposeProcedure(this);
  }

  /**
   * Activates the procedure, runs `body`, and leaves: after waiting for a sequence still running when
   * `body` returns, or after interrupting it when `body` throws (the error is re-thrown).
   */
  run<T>(body: (procedure: this) => Promise<T>): Promise<T> {
    return runInProcedure(this, body);
  }

  /** True while this procedure is active (not: while any procedure of the manager is). */
  isActive(): boolean {
    return this.active;
  }

  /** True while a sequence started by this procedure is running. */
  isRunningSequence(): boolean {
    return this.running !== undefined;
  }

  /**
   * Waits until the running sequence (if any) has ended, however it ended; never throws (its error
   * is {@link exception}). What the seed says to call after {@link interruptSequence}.
   */
  async waitUntilSequenceFinished(): Promise<void> {
    await this.running?.done;
  }

  /**
   * The error of the last sequence (undefined if it ended FINISHED or INTERRUPTED, or none ran).
   * If a sequence is running, waits until it ends.
   */
  async exception(): Promise<Error | undefined> {
    await this.running?.done;
    return this.lastError;
  }

  /**
   * Starts running a sequence and returns at once; it runs in the background. Its error is not
   * thrown here: get it from {@link exception} (or use {@link runSequence}).
   *
   * @throws {ProcedureNotActiveError} if the procedure is not active.
   * @throws {SequenceAlreadyRunningError} if a sequence is already running.
   */
  startSequence(sequence: SequencePathLike, options: StartSequenceOptions = {}): void {
    if (!this.active) throw new ProcedureNotActiveError(this.name);
    if (this.running) {
      throw new SequenceAlreadyRunningError(this.name, this.running.path.toString());
    }
    const path = SequencePath.from(sequence);
    const control = new RunControl(path.toString());
    this.lastError = undefined;
    this.started.push(path);
    const done = executeSequence({
      session: this.host.session,
      path,
      owner: this.host.owner,
      events: this.host.events,
      pipeline: this.host.pipeline,
      control,
      labSuspenders: this.host.suspenders,
      ...(options.suspenders ? { suspenders: options.suspenders } : {}),
      ...(options.continue
        ? {
            continuation:
              typeof options.continue === 'object' && options.continue.reason !== undefined
                ? { reason: options.continue.reason }
                : {},
          }
        : {}),
      ...(options.globals ? { globals: options.globals } : {}),
      ...(options.deviceConfigurations
        ? { deviceConfigurations: options.deviceConfigurations }
        : {}),
    }).then(
      () => {
        this.lastError = undefined;
      },
      (e: unknown) => {
        this.lastError = e instanceof Error ? e : new Error(String(e));
      },
    );
    const running: RunningSequence = {
      path,
      control,
      done: done.finally(() => {
        if (this.running === running) this.running = undefined;
      }),
    };
    this.running = running;
  }

  /**
   * Asks the running sequence to stop: the shot in progress finishes, nothing after it runs, and the
   * sequence ends INTERRUPTED. Does not wait: call {@link waitUntilSequenceFinished} (or
   * {@link exception}) for that. Returns false when no sequence is running.
   */
  interruptSequence(): boolean {
    if (!this.running) return false;
    this.running.control.interrupt();
    return true;
  }

  /**
   * Pauses the running sequence at the next shot boundary: the shot in progress finishes and is
   * stored, no further shot starts, the devices stay open and the shots compiled ahead are kept.
   * Resolves once the sequence is PAUSED (stored, and announced by a `sequence-state` event).
   * {@link interruptSequence} still works while paused.
   *
   * @throws {WrongSequenceStateError} naming the state when no sequence runs, or it is PAUSED.
   */
  async pauseSequence(): Promise<void> {
    const running = this.requireRunning('pause', ['running']);
    await running.control.pause({ by: `procedure "${this.name}"` });
  }

  /**
   * Resumes the PAUSED sequence at its next shot index. The globals changed while paused apply
   * only with `reloadGlobals: true` (the shots compiled ahead are compiled again; the change is
   * recorded on the sequence); refused, and it stays PAUSED, when they would change how an open
   * device is initialized or the number of shots. Resolves once it runs again (after the
   * suspenders still holding it cleared), or when it ended meanwhile.
   *
   * @throws {WrongSequenceStateError} naming the state when it is not PAUSED.
   */
  async resumeSequence(options: Omit<ResumeOptions, 'by'> = {}): Promise<void> {
    const running = this.requireRunning('resume', ['paused']);
    await running.control.resume({ ...options, by: `procedure "${this.name}"` });
  }

  /**
   * Continues an INTERRUPTED or CRASHED sequence and waits until it ends (rejecting with its
   * error): the iteration is walked again, the shots already stored are skipped after their stored
   * parameters are checked (a sequence that changed since it ran is refused, naming the first
   * mismatching shot), and the remaining shots run on the same snapshot of globals and device
   * configurations. Each continuation is recorded on the sequence (when, why, from which index).
   *
   * @throws {WrongSequenceStateError} naming the state when it is neither INTERRUPTED nor CRASHED.
   */
  async continueSequence(
    sequence: SequencePathLike,
    options: ContinueSequenceOptions = {},
  ): Promise<void> {
    await this.runSequence(sequence, {
      continue: options.reason === undefined ? true : { reason: options.reason },
      ...(options.suspenders ? { suspenders: options.suspenders } : {}),
    });
  }

  /** The running sequence, or a WrongSequenceStateError when none runs. */
  private requireRunning(action: string, allowed: string[]): RunningSequence {
    if (!this.active) throw new ProcedureNotActiveError(this.name);
    const running = this.running;
    if (!running) {
      const last = this.started[this.started.length - 1];
      throw new WrongSequenceStateError(
        action,
        last ? last.toString() : `of procedure "${this.name}"`,
        last ? 'ended' : 'none',
        allowed,
        'no sequence of this procedure is running',
      );
    }
    return running;
  }

  /**
   * Runs a sequence and waits until it ends; rejects with its error if it crashed or could not
   * start.
   *
   * @throws {ProcedureNotActiveError} if the procedure is not active.
   * @throws {SequenceAlreadyRunningError} if a sequence is already running.
   */
  runSequence(sequence: SequencePathLike, options: StartSequenceOptions = {}): Promise<void> {
    return runSequenceToEnd(this, sequence, options);
  }

  /** The sequences started since the procedure was activated, in order; a running one is last. */
  sequences(): SequencePath[] {
    return [...this.started];
  }

  toString(): string {
    return `Procedure("${this.name}")`;
  }
}
