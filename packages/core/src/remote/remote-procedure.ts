import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ShotlineError } from '../errors/index.js';
import { SequencePath } from '../path/index.js';
import type { SequencePathLike } from '../session/index.js';
import type { ProcedureContract } from '../procedure/procedure-contract.js';
import type { StartSequenceOptions } from '../procedure/procedure.js';
import {
  disposeProcedure,
  runInProcedure,
  runSequenceToEnd,
} from '../procedure/internal/procedure-exits.js';
import {
  ExperimentManagerClosedError,
  ProcedureAlreadyActiveError,
  ProcedureNotActiveError,
  SequenceAlreadyRunningError,
} from '../procedure/procedure-errors.js';
import {
  MAX_ACTIVATION_WAIT_MS,
  PROCEDURE_ROUTES as ROUTES,
  interruptResponseSchema,
  procedureStatusSchema,
  runStatusSchema,
} from './procedure-wire.js';
import type { ServerConnection } from './server-connection.js';
import type { WireError } from './wire-error.js';

/** What a remote procedure needs from its manager. @internal */
export interface RemoteProcedureHost {
  readonly closed: boolean;
  readonly session: string;
  request: ServerConnection['request'];
  rebuildError(wire: WireError): Error;
  /** Registers the run so the manager can settle it when its `sequence-ended` message arrives. */
  watchRun(procedure: string, run: string, settle: (error: Error | undefined) => void): void;
  forgetRun(run: string): void;
  /** Settles a watched run (its outcome was read from the server instead of the stream). */
  settleRun(run: string, error: Error | undefined): void;
}

interface RunningSequence {
  readonly run: string;
  readonly path: SequencePath;
  readonly done: Promise<void>;
}

const emptySchema = z.unknown();

/**
 * A {@link ProcedureContract} whose sequences run on the lab's server. It keeps the local
 * procedure's semantics: activation waits while another procedure of the lab (local to the server,
 * or another client's) is active; `startSequence` checks what it can at once (active, not already
 * running) and returns, the sequence's fate arriving on the event stream; `exception()` and
 * `runSequence` give the sequence's error rebuilt as its typed `ShotlineError`.
 *
 * One difference cannot be avoided: a sequence the server refuses to start (not a DRAFT, unknown
 * path) is reported by `exception()` — as a local procedure does for those errors too.
 */
export class RemoteProcedure implements ProcedureContract {
  private id: string | undefined;
  private active = false;
  private activating = false;
  private running: RunningSequence | undefined;
  private lastError: Error | undefined;
  private readonly started: SequencePath[] = [];
  /** Start and interrupt requests, in order (an interrupt never overtakes its start). */
  private commands: Promise<void> = Promise.resolve();

  /** @internal use `manager.createProcedure`. */
  constructor(
    readonly name: string,
    private readonly host: RemoteProcedureHost,
    private readonly acquisitionTimeout: number | undefined,
  ) {}

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
      let status = await this.host.request({
        method: 'POST',
        path: ROUTES.procedures,
        body: {
          session: this.host.session,
          name: this.name,
          waitMs: MAX_ACTIVATION_WAIT_MS,
          ...(this.acquisitionTimeout !== undefined
            ? { acquisitionTimeoutMs: this.acquisitionTimeout }
            : {}),
        },
        response: procedureStatusSchema,
      });
      this.id = status.id;
      while (!status.active) {
        status = await this.host.request({
          method: 'GET',
          path: ROUTES.activation(status.id),
          query: { waitMs: MAX_ACTIVATION_WAIT_MS },
          response: procedureStatusSchema,
        });
      }
    } finally {
      this.activating = false;
    }
    this.active = true;
    this.started.length = 0;
    this.lastError = undefined;
    return this;
  }

  async deactivate(): Promise<void> {
    if (!this.active) return;
    try {
      await this.running?.done;
      await this.commands;
    } finally {
      this.active = false;
      await this.host.request({
        method: 'POST',
        path: ROUTES.deactivate(this.id!),
        response: emptySchema,
      });
    }
  }

  /** `await using`: waits for a sequence still running (the seed's normal exit), then deactivates. */
  async [Symbol.asyncDispose](): Promise<void> {
    await disposeProcedure(this);
  }

  run<T>(body: (procedure: this) => Promise<T>): Promise<T> {
    return runInProcedure(this, body);
  }

  isActive(): boolean {
    return this.active;
  }

  isRunningSequence(): boolean {
    return this.running !== undefined;
  }

  /**
   * Waits until the running sequence (if any) has ended on the server, however it ended; never
   * throws (its error is {@link exception}).
   */
  async waitUntilSequenceFinished(): Promise<void> {
    await this.running?.done;
  }

  async exception(): Promise<Error | undefined> {
    await this.running?.done;
    return this.lastError;
  }

  startSequence(sequence: SequencePathLike, options: StartSequenceOptions = {}): void {
    if (!this.active) throw new ProcedureNotActiveError(this.name);
    if (this.running) {
      throw new SequenceAlreadyRunningError(this.name, this.running.path.toString());
    }
    const path = SequencePath.from(sequence);
    const run = randomUUID();
    const id = this.id!;
    this.lastError = undefined;
    this.started.push(path);
    let settle!: (error: Error | undefined) => void;
    const ended = new Promise<Error | undefined>((resolve) => {
      settle = resolve;
    });
    this.host.watchRun(id, run, settle);
    const body = {
      run,
      sequence: path.toString(),
      ...(options.globals ? { globals: options.globals.toJSON() } : {}),
      ...(options.deviceConfigurations
        ? {
            deviceConfigurations: options.deviceConfigurations.map((d) => ({
              name: d.name,
              type: d.type,
              configuration: d.configuration,
            })),
          }
        : {}),
    };
    this.commands = this.commands.then(() =>
      this.host
        .request({ method: 'POST', path: ROUTES.sequences(id), body, response: emptySchema })
        .then(
          () => undefined,
          (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))),
        ),
    );
    const running: RunningSequence = {
      run,
      path,
      done: ended.then((error) => {
        this.host.forgetRun(run);
        this.lastError = error;
        if (this.running === running) this.running = undefined;
      }),
    };
    this.running = running;
  }

  interruptSequence(): boolean {
    if (!this.running) return false;
    const id = this.id!;
    this.commands = this.commands.then(() =>
      this.host
        .request({ method: 'POST', path: ROUTES.interrupt(id), response: interruptResponseSchema })
        .then(
          () => undefined,
          // The sequence may have ended meanwhile; its outcome still arrives as an event.
          () => undefined,
        ),
    );
    return true;
  }

  runSequence(sequence: SequencePathLike, options: StartSequenceOptions = {}): Promise<void> {
    return runSequenceToEnd(this, sequence, options);
  }

  sequences(): SequencePath[] {
    return [...this.started];
  }

  /**
   * Asks the server how the running sequence ended (after the event stream lost messages). A
   * server that no longer knows the procedure (it restarted) ends the wait with that error.
   */
  async resynchronise(): Promise<void> {
    const running = this.running;
    if (!running || !this.id) return;
    let status;
    try {
      status = await this.host.request({
        method: 'GET',
        path: ROUTES.run(this.id, running.run),
        response: runStatusSchema,
      });
    } catch (error) {
      if (error instanceof ShotlineError && error.recoverable) {
        this.active = false;
        this.host.settleRun(running.run, error);
      }
      return;
    }
    if (status.ended) {
      const error = status.error ? this.host.rebuildError(status.error) : undefined;
      this.host.settleRun(running.run, error);
    }
  }

  toString(): string {
    return `RemoteProcedure("${this.name}")`;
  }
}
