import type { SequenceState } from '../sequence/index.js';
import { WrongSequenceStateError } from '../session/index.js';
import { deferred, type Deferred } from './internal/deferred.js';
import type { ResumeOptions, RunGate } from './internal/run-gate.js';

export type { ResumeOptions } from './internal/run-gate.js';

/** Options of {@link RunControl.pause}. */
export interface PauseOptions {
  /** Who asks, recorded with the pause (default: the procedure or manager that runs it). */
  readonly by?: string;
}

/**
 * Steers a sequence while {@link executeSequence} runs it: pause at the next shot boundary, resume,
 * interrupt. What a `Procedure` (and an experiment server) hold for their running sequence.
 */
export class RunControl {
  private readonly interruption = new AbortController();
  private gate: RunGate | undefined;
  private readonly early: { by: string | undefined; done: Deferred<void> }[] = [];
  private endState: SequenceState | undefined;

  constructor(
    /** The sequence it steers, for messages. */
    readonly sequence: string,
  ) {}

  /** Aborted when the run is interrupted. */
  get signal(): AbortSignal {
    return this.interruption.signal;
  }

  /** `starting` (checking, PREPARING), `running`, `paused`, or `ended`. */
  get phase(): 'starting' | 'running' | 'paused' | 'ended' {
    if (this.endState !== undefined) return 'ended';
    if (this.gate === undefined) return 'starting';
    return this.gate.paused ? 'paused' : 'running';
  }

  /**
   * Asks the run to stop: the running shot finishes and is stored, nothing after it runs (also
   * while PAUSED); it ends INTERRUPTED.
   */
  interrupt(): void {
    this.interruption.abort();
    this.gate?.changed();
  }

  /**
   * Pauses at the next shot boundary: the running shot finishes and is stored, no shot starts, the
   * devices stay open. Resolves once PAUSED is stored (or the run ended first). Asked before the
   * sequence runs, it pauses before its first shot.
   *
   * @throws {WrongSequenceStateError} when it already ended, or was paused already.
   */
  pause(options: PauseOptions = {}): Promise<void> {
    if (this.endState !== undefined) {
      return Promise.reject(
        new WrongSequenceStateError('pause', this.sequence, this.endState, ['running']),
      );
    }
    if (this.gate) return this.gate.requestPause(options.by);
    const done = deferred<void>();
    this.early.push({ by: options.by, done });
    return done.promise;
  }

  /**
   * Resumes a PAUSED run at its next shot. With `reloadGlobals`, the lab's current globals apply to
   * the remaining shots (the shots compiled ahead are compiled again, and the change is recorded on
   * the sequence); refused, and the run stays PAUSED, when they would change what is open (a
   * device's initialization) or the number of shots. Resolves once RUNNING is stored — after the
   * suspenders still holding it cleared — or when the run ended.
   *
   * @throws {WrongSequenceStateError} when it is not paused.
   */
  resume(options: ResumeOptions = {}): Promise<void> {
    if (this.endState !== undefined || !this.gate) {
      const state = this.endState ?? 'preparing';
      if (this.early.length > 0 && this.endState === undefined) {
        // Paused before it started: the pause is withdrawn.
        for (const waiter of this.early.splice(0)) waiter.done.resolve();
        return Promise.resolve();
      }
      return Promise.reject(
        new WrongSequenceStateError('resume', this.sequence, state, ['paused']),
      );
    }
    return this.gate.requestResume(options);
  }

  /** @internal The run reached RUNNING: requests go to its gate from now on. */
  attach(gate: RunGate): void {
    this.gate = gate;
    for (const { by, done } of this.early.splice(0)) {
      gate.requestPause(by).then(
        () => done.resolve(),
        (e: unknown) => done.reject(e),
      );
    }
  }

  /** @internal The run ended in `state`. */
  detach(state: SequenceState): void {
    this.endState = state;
    this.gate?.end();
    for (const { done } of this.early.splice(0)) done.resolve();
  }
}
