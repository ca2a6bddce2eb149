import type { ShotlineEventBus } from '../events/index.js';
import type { SequencePath } from '../path/index.js';
import type { SequencePathLike } from '../session/index.js';
import type { CreateProcedureOptions } from './experiment-manager.js';
import type { StartSequenceOptions } from './procedure.js';

/**
 * The seed's `Procedure`, as scripts use it: implemented by the local {@link Procedure} and by the
 * procedure of a manager connected to a server ({@link ExperimentManager.connect}), with the same
 * semantics (one active procedure per lab, blocking activation, `startSequence` returns at once,
 * `runSequence` rethrows the sequence's error as a typed `ShotlineError`).
 */
export interface ProcedureContract extends AsyncDisposable {
  readonly name: string;
  /** Waits until no other procedure of the lab is active, then activates this one. */
  activate(): Promise<this>;
  /** Waits for a running sequence to end, then lets the next procedure activate. */
  deactivate(): Promise<void>;
  /**
   * Activates, runs `body`, leaves: waits for a sequence still running when `body` returns;
   * interrupts it, then waits, when `body` throws (the seed's `with` block).
   */
  run<T>(body: (procedure: this) => Promise<T>): Promise<T>;
  isActive(): boolean;
  isRunningSequence(): boolean;
  /** The error of the last sequence; waits while one runs. */
  exception(): Promise<Error | undefined>;
  /** Starts a sequence and returns at once. */
  startSequence(sequence: SequencePathLike, options?: StartSequenceOptions): void;
  /** Asks the running sequence to stop, without waiting; false when none runs. */
  interruptSequence(): boolean;
  /** Waits until the running sequence (if any) has ended, however it ended; never throws. */
  waitUntilSequenceFinished(): Promise<void>;
  /** Runs a sequence and waits until it ends; rejects with its error. */
  runSequence(sequence: SequencePathLike, options?: StartSequenceOptions): Promise<void>;
  /** The sequences started since activation, in order. */
  sequences(): SequencePath[];
}

/**
 * What a script needs from an experiment manager, local ({@link ExperimentManager.create}) or
 * connected to the lab's server ({@link ExperimentManager.connect}).
 */
export interface ExperimentManagerContract extends AsyncDisposable {
  /** The typed events of the sequences the lab runs. */
  readonly events: ShotlineEventBus;
  createProcedure(name: string, options?: CreateProcedureOptions): ProcedureContract;
  /**
   * The active procedure, when this manager can reach it: locally, any manager's on the same
   * storage (one procedure is active per storage); remotely, one of this manager's.
   */
  activeProcedure(): ProcedureContract | undefined;
  /**
   * Interrupts the sequence of the lab's active procedure; true if a procedure was active. A remote
   * manager answers once the server did (a promise).
   */
  interruptRunningProcedure(): boolean | Promise<boolean>;
  /** Waits until this manager's procedures are left, then refuses new ones. */
  close(): Promise<void>;
}
