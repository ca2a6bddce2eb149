import type { ShotPipelineOptions } from '../engine/index.js';
import { InvalidValueError } from '../errors/index.js';
import { ShotlineEventBus } from '../events/index.js';
import type { SequencePath } from '../path/index.js';
import { EVENT_BUS_TOKEN, type DeviceRegistry } from '../plugins/index.js';
import { ExperimentSession } from '../session/index.js';
import {
  type ConnectOptions,
  RemoteExperimentManager,
} from '../remote/remote-experiment-manager.js';
import {
  LAB_RESOURCE,
  currentRunOwner,
  type HeldLocks,
  type RunOwner,
  type SessionStorage,
  type StaleRun,
} from '../storage/index.js';
import type { SuspenderDefinition } from '../suspenders/index.js';
import { Procedure, type ProcedureHost } from './procedure.js';
import type { ExperimentManagerContract } from './procedure-contract.js';
import { ExperimentManagerClosedError } from './procedure-errors.js';
import { procedureLockOf, type ProcedureLock } from './procedure-lock.js';

/** Options of {@link ExperimentManager.create}. */
export interface ExperimentManagerOptions {
  readonly storage: SessionStorage;
  /** The lab's device extensions (plugins loaded). */
  readonly registry: DeviceRegistry;
  /** Where events go; default a new bus (see {@link ExperimentManager.events}). */
  readonly events?: ShotlineEventBus;
  /** How shots are compiled, run, retried and stored. */
  readonly pipeline?: ShotPipelineOptions;
  /**
   * The lab's suspenders: watched during every sequence this manager runs, besides each
   * sequence's own (see `SuspenderDefinition`).
   */
  readonly suspenders?: readonly SuspenderDefinition[];
  /**
   * A name for this manager (e.g. the lab PC's name), shown as `manager <id>` to whoever finds a
   * device in use by one of its runs. Default: none.
   */
  readonly managerId?: string;
  /**
   * What this manager is, shown to whoever finds a device in use by one of its runs (e.g.
   * `shotline run \scan`, `shotline serve`). Default `manager <managerId>`, or `experiment
   * manager`.
   */
  readonly label?: string;
}

/** Options of {@link ExperimentManager.createProcedure}. */
export interface CreateProcedureOptions {
  /**
   * How long `activate()` waits for another active procedure, in milliseconds; then it fails with
   * {@link ProcedureActivationTimeoutError}. Default: wait as long as needed.
   */
  readonly acquisitionTimeout?: number;
}

/**
 * Runs sequences on the setup, through {@link Procedure}s: one active procedure at a time per
 * storage (managers sharing a storage object share the rule).
 *
 * Created with {@link ExperimentManager.create}, which first marks CRASHED the sequences left
 * PREPARING or RUNNING by a process that is provably gone (see `SessionStorage.recoverStaleRuns`):
 * never those of a live process, here or on another PC sharing the database.
 */
export class ExperimentManager implements ExperimentManagerContract {
  /** Typed events of every sequence this manager runs. */
  readonly events: ShotlineEventBus;
  /** The typed storage façade the manager works with. */
  readonly session: ExperimentSession;
  /**
   * Who this manager is (host, pid, process start time, a unique id), recorded on the sequences it
   * runs and on the locks it holds.
   */
  readonly owner: RunOwner;
  /** Stale runs this manager found (and marked CRASHED) when it started. */
  readonly staleRuns: readonly StaleRun[];
  private readonly lock: ProcedureLock;
  private closed = false;
  private readonly host: ProcedureHost;

  private constructor(
    options: ExperimentManagerOptions,
    owner: RunOwner,
    session: ExperimentSession,
    events: ShotlineEventBus,
    staleRuns: StaleRun[],
  ) {
    this.session = session;
    this.events = events;
    this.owner = owner;
    this.staleRuns = staleRuns;
    this.lock = procedureLockOf(options.storage);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    this.host = {
      session,
      events,
      pipeline: options.pipeline ?? {},
      owner,
      lock: this.lock,
      suspenders: options.suspenders ?? [],
      get closed() {
        return manager.closed;
      },
    };
  }

  /** Sequences this manager marked CRASHED when it started because their process was gone. */
  get recoveredSequences(): readonly SequencePath[] {
    return this.staleRuns.filter((r) => r.recovered).map((r) => r.path);
  }

  /** Creates a manager, after recovering the stale runs it can prove dead. */
  static async create(options: ExperimentManagerOptions): Promise<ExperimentManager> {
    const managerId = options.managerId;
    if (managerId !== undefined && managerId.length === 0) {
      throw new InvalidValueError('a manager id must be non-empty');
    }
    const label =
      options.label ?? (managerId !== undefined ? `manager ${managerId}` : 'experiment manager');
    const owner = currentRunOwner(label);
    const events = options.events ?? new ShotlineEventBus();
    if (!options.registry.container.isRegistered(EVENT_BUS_TOKEN, true)) {
      options.registry.container.registerInstance(EVENT_BUS_TOKEN, events);
    }
    const session = new ExperimentSession(options.storage, options.registry);
    const stale = await options.storage.recoverStaleRuns();
    for (const run of stale) {
      if (run.recovered) {
        events.emit({
          type: 'sequence-state',
          sequence: run.path.toString(),
          state: 'crashed',
          time: new Date(),
          storedShots: 0,
          expectedShots: null,
          error: run.error,
        });
      } else {
        events.emit({
          type: 'log',
          level: 'warn',
          sequence: run.path.toString(),
          message: `${run.error.message}; it could not be marked CRASHED: ${run.failure?.message ?? 'unknown reason'}`,
        });
      }
    }
    return new ExperimentManager(options, owner, session, events, stale);
  }

  /**
   * Locks the whole lab for this manager until the returned locks are released: no other process
   * (a `shotline run`, another server) can run anything on it meanwhile, while this manager's own
   * runs go ahead. What an experiment server holds for its lifetime. Refused with a
   * `ResourceBusyError` naming the holder when a run or another server holds any lock.
   */
  async lockLab(options: { leaseMs?: number } = {}): Promise<HeldLocks> {
    const result = await this.session.storage.acquireLocks({
      resources: [LAB_RESOURCE],
      holder: this.owner,
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    });
    return result.unwrap();
  }

  /**
   * Connects to the lab's server (`shotline serve`): the returned manager's procedures behave as
   * local ones, but the engine, the devices and the storage stay in the server process. Needs a
   * token (`shotline token create <user>`); on Node.js 20, the `ws` package too.
   *
   * ```ts
   * await using manager = await ExperimentManager.connect('http://127.0.0.1:8765', { token });
   * await manager.createProcedure('scan').run((p) => p.runSequence('\\mot\\scan'));
   * ```
   */
  static connect(url: string | URL, options: ConnectOptions): Promise<RemoteExperimentManager> {
    return RemoteExperimentManager.connect(url, options);
  }

  /**
   * A new procedure; activate it to run sequences (`await using procedure = await
   * manager.createProcedure('x').activate()`, or `.run(async (procedure) => ...)`).
   */
  createProcedure(name: string, options: CreateProcedureOptions = {}): Procedure {
    if (this.closed) {
      throw new ExperimentManagerClosedError(
        `cannot create procedure "${name}": the experiment manager is closed`,
      );
    }
    return new Procedure(name, this.host, options.acquisitionTimeout);
  }

  /** The active procedure, if any. */
  activeProcedure(): Procedure | undefined {
    const current = this.lock.current;
    return current instanceof Procedure ? current : undefined;
  }

  /**
   * Interrupts the sequence of the active procedure, if any. Returns true if a procedure was active
   * (and was told to interrupt its sequence), false otherwise.
   */
  interruptRunningProcedure(): boolean {
    const procedure = this.activeProcedure();
    if (!procedure) return false;
    procedure.interruptSequence();
    return true;
  }

  /** Waits until no procedure is active, then refuses new ones. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    const token = {};
    await this.lock.acquire(token, '(closing the experiment manager)');
    this.closed = true;
    this.lock.release(token);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
