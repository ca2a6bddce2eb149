import { z } from 'zod';
import { ShotlineEventBus, type ShotlineEventType } from '../events/index.js';
import type { CreateProcedureOptions } from '../procedure/experiment-manager.js';
import type { ExperimentManagerContract } from '../procedure/procedure-contract.js';
import { ExperimentManagerClosedError } from '../procedure/procedure-errors.js';
import { EventStream } from './event-stream.js';
import { PROCEDURE_ROUTES, interruptResponseSchema } from './procedure-wire.js';
import { type ErrorClassesByCode, errorClassesOf, errorFromWire } from './rebuild-error.js';
import { RemoteProcedure, type RemoteProcedureHost } from './remote-procedure.js';
import { ServerConnection } from './server-connection.js';
import type { WireError } from './wire-error.js';
import type { ServerMessage } from './wire-messages.js';
import { webSocketImplementation } from './websocket-implementation.js';

/** Options of {@link ExperimentManager.connect}. */
export interface ConnectOptions {
  /** A token made with `shotline token create <user>`. */
  readonly token: string;
  /**
   * Error classes of driver packages, so their errors are rebuilt as their own classes (core's are
   * always known). Pass the driver modules: `[await import('@shotline/camera')]`.
   */
  readonly errorModules?: readonly Record<string, unknown>[];
}

/**
 * An experiment manager whose procedures run on the lab's server (`shotline serve`): the engine, the
 * devices and the storage stay in the server process, so a script that blocks its own event loop
 * does not delay a shot. Events arrive on {@link events} as they do locally. Made by
 * {@link ExperimentManager.connect}.
 */
export class RemoteExperimentManager implements ExperimentManagerContract {
  readonly events = new ShotlineEventBus();
  private readonly procedures = new Set<RemoteProcedure>();
  private readonly runs = new Map<string, (error: Error | undefined) => void>();
  private closed = false;
  private readonly host: RemoteProcedureHost;

  private constructor(
    private readonly connection: ServerConnection,
    private stream: EventStream | undefined,
    private readonly errorClasses: ErrorClassesByCode,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    this.host = {
      get closed() {
        return manager.closed;
      },
      get session() {
        return manager.stream!.session;
      },
      request: (request) => connection.request(request),
      rebuildError: (wire) => errorFromWire(wire, errorClasses),
      watchRun: (_procedure, run, settle) => {
        this.runs.set(run, settle);
      },
      forgetRun: (run) => {
        this.runs.delete(run);
      },
      settleRun: (run, error) => {
        this.runs.get(run)?.(error);
      },
    };
  }

  /** Connects to a server: opens the event stream (checking the token) and returns the manager. */
  static async connect(
    url: string | URL,
    options: ConnectOptions,
  ): Promise<RemoteExperimentManager> {
    const core = (await import('../index.js')) as Record<string, unknown>;
    const classes = errorClassesOf(core, ...(options.errorModules ?? []));
    const connection = new ServerConnection(url, options.token, classes);
    // An HTTP request first: a bad token or an unreachable server gives its typed error.
    await connection.request({
      method: 'GET',
      path: PROCEDURE_ROUTES.procedures,
      response: z.array(z.unknown()),
    });
    const WebSocket = await webSocketImplementation();
    const manager = new RemoteExperimentManager(connection, undefined, classes);
    manager.stream = await EventStream.open({
      url: connection.webSocketUrl(PROCEDURE_ROUTES.events),
      token: options.token,
      WebSocket,
      onMessage: (message) => manager.receive(message),
      wants: (type) => manager.events.hasListeners(type as ShotlineEventType),
    });
    return manager;
  }

  /** The server's origin, `http://host:port`. */
  get url(): string {
    return this.connection.origin;
  }

  private receive(message: ServerMessage): void {
    switch (message.kind) {
      case 'event':
        this.events.emit(message.event);
        break;
      case 'sequence-ended':
        this.runs.get(message.run)?.(
          message.error ? errorFromWire(message.error, this.errorClasses) : undefined,
        );
        break;
      case 'gap':
        for (const procedure of this.procedures) {
          procedure.resynchronise().catch(() => undefined);
        }
        break;
      case 'hello':
        break;
    }
  }

  /** Rebuilds an error received from the server as its typed class. */
  rebuildError(wire: WireError): Error {
    return errorFromWire(wire, this.errorClasses);
  }

  createProcedure(name: string, options: CreateProcedureOptions = {}): RemoteProcedure {
    if (this.closed) {
      throw new ExperimentManagerClosedError(
        `cannot create procedure "${name}": the experiment manager is closed`,
      );
    }
    const procedure = new RemoteProcedure(name, this.host, options.acquisitionTimeout);
    this.procedures.add(procedure);
    return procedure;
  }

  activeProcedure(): RemoteProcedure | undefined {
    for (const procedure of this.procedures) if (procedure.isActive()) return procedure;
    return undefined;
  }

  /** Interrupts the sequence of the lab's active procedure (whoever's); true if one was active. */
  async interruptRunningProcedure(): Promise<boolean> {
    const answer = await this.connection.request({
      method: 'POST',
      path: PROCEDURE_ROUTES.interruptActive,
      response: interruptResponseSchema,
    });
    return answer.interrupted;
  }

  /** Drops the event stream's connection as a network failure would; it reconnects. For tests. */
  dropEventStream(): void {
    this.stream?.dropConnection();
  }

  /** Waits until this manager's procedures are left, then closes the event stream. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const procedure of this.procedures) {
      if (procedure.isActive()) await procedure.deactivate().catch(() => undefined);
    }
    this.closed = true;
    this.stream?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
