import { randomUUID } from 'node:crypto';
import type { ShotPipelineOptions } from '../engine/index.js';
import { InvalidValueError, summarizeError } from '../errors/index.js';
import { ShotlineEventBus } from '../events/index.js';
import type { SequencePath } from '../path/index.js';
import { EVENT_BUS_TOKEN, type DeviceRegistry } from '../plugins/index.js';
import { ExperimentSession } from '../session/index.js';
import type { SessionStorage } from '../storage/index.js';
import {
  type ConnectOptions,
  RemoteExperimentManager,
} from '../remote/remote-experiment-manager.js';
import { Procedure, type ProcedureHost } from './procedure.js';
import type { ExperimentManagerContract } from './procedure-contract.js';
import { ExperimentManagerClosedError, StaleSequenceError } from './procedure-errors.js';
import { ProcedureLock } from './procedure-lock.js';
import {
  currentOwner,
  formatSequenceOwner,
  isOwnerGone,
  type SequenceOwner,
} from './sequence-owner.js';

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
   * A stable id for this manager (e.g. the lab PC's name, no `:`), recorded on the sequences it runs
   * as `host:pid:managerId`. When it restarts with the same id it recognises its own stale
   * sequences. Default: a random id.
   */
  readonly managerId?: string;
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
 * Runs sequences on the setup, through {@link Procedure}s: one active procedure at a time.
 *
 * Created with {@link ExperimentManager.create}, which first marks CRASHED the sequences left
 * PREPARING or RUNNING by a manager that is provably gone (this host, and the same manager id or a
 * process that no longer exists) — never those of another PC sharing the database.
 */
export class ExperimentManager implements ExperimentManagerContract {
  /** Typed events of every sequence this manager runs. */
  readonly events: ShotlineEventBus;
  /** The typed storage façade the manager works with. */
  readonly session: ExperimentSession;
  /** `host:pid:managerId`, recorded on the sequences this manager runs. */
  readonly owner: string;
  /** Stale sequences this manager marked CRASHED when it started. */
  readonly recoveredSequences: readonly SequencePath[];
  private readonly lock = new ProcedureLock();
  private closed = false;
  private readonly host: ProcedureHost;

  private constructor(
    options: ExperimentManagerOptions,
    readonly identity: SequenceOwner,
    session: ExperimentSession,
    events: ShotlineEventBus,
    recovered: SequencePath[],
  ) {
    this.session = session;
    this.events = events;
    this.owner = formatSequenceOwner(identity);
    this.recoveredSequences = recovered;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    this.host = {
      session,
      events,
      pipeline: options.pipeline ?? {},
      owner: this.owner,
      lock: this.lock,
      get closed() {
        return manager.closed;
      },
    };
  }

  /** Creates a manager, after recovering the stale sequences it can prove dead. */
  static async create(options: ExperimentManagerOptions): Promise<ExperimentManager> {
    const managerId = options.managerId ?? randomUUID();
    if (managerId.includes(':') || managerId.length === 0) {
      throw new InvalidValueError(
        `a manager id must be non-empty, without ":", got "${managerId}"`,
      );
    }
    const identity = currentOwner(managerId);
    const events = options.events ?? new ShotlineEventBus();
    if (!options.registry.container.isRegistered(EVENT_BUS_TOKEN, true)) {
      options.registry.container.registerInstance(EVENT_BUS_TOKEN, events);
    }
    const session = new ExperimentSession(options.storage, options.registry);
    const recovered: SequencePath[] = [];
    for (const stale of await session.activeSequences()) {
      if (!isOwnerGone(stale.owner, identity)) {
        events.emit({
          type: 'log',
          level: 'warn',
          sequence: stale.path.toString(),
          message:
            `sequence is ${stale.state.toUpperCase()} under ${stale.owner ?? 'an unknown owner'}, ` +
            `which may still be running; left as is`,
        });
        continue;
      }
      const error = new StaleSequenceError(
        `the sequence was still ${stale.state.toUpperCase()} when manager ${formatSequenceOwner(identity)} ` +
          `started; its manager ${stale.owner ?? ''} is gone`,
        { location: { sequence: stale.path.toString() } },
      );
      await session.markCrashed(stale.path, summarizeError(error, { stack: false }), new Date());
      recovered.push(stale.path);
      events.emit({
        type: 'sequence-state',
        sequence: stale.path.toString(),
        state: 'crashed',
        time: new Date(),
        storedShots: 0,
        expectedShots: null,
        error: summarizeError(error, { stack: false }),
      });
    }
    return new ExperimentManager(options, identity, session, events, recovered);
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
