import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import {
  type DeviceRegistry,
  EVENT_STREAM_PROTOCOL,
  ExperimentManager,
  ExperimentSession,
  RemoteNotFoundError,
  type SessionStorage,
  type ShotPipelineOptions,
  type SuspenderDefinition,
} from '@shotline/core';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { TokenVerifier } from './auth/api-tokens.js';
import { registerAuthentication } from './auth/authenticate.js';
import { ClientSessions } from './events/client-sessions.js';
import { EventHub } from './events/event-hub.js';
import { handleRequestError } from './http/error-handler.js';
import { AuditLog } from './lab/audit-log.js';
import { LabOwnership } from './lab/lab-ownership.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { RemoteProcedures } from './procedures/remote-procedures.js';
import { QueueRunner } from './queue/queue-runner.js';
import { deviceFormRoutes } from './routes/device-form-routes.js';
import { editorRoutes } from './routes/editor-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { operationsRoutes } from './routes/operations-routes.js';
import { procedureRoutes } from './routes/procedure-routes.js';
import { queueRoutes } from './routes/queue-routes.js';
import { runControlRoutes } from './routes/run-control-routes.js';
import { sequenceRoutes } from './routes/sequence-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { shotRoutes } from './routes/shot-routes.js';
import { webRoutes } from './routes/web-routes.js';
import type { ServerContext } from './server-context.js';

/** Options of {@link LabServer.create}. */
export interface LabServerOptions {
  /** The lab's storage (the server does not close it: its opener does). */
  readonly storage: SessionStorage;
  /** The lab's device extensions (plugins loaded). */
  readonly registry: DeviceRegistry;
  readonly pipeline?: ShotPipelineOptions;
  /** The lab's suspenders: watched during every sequence the server runs (see `ExperimentManager`). */
  readonly suspenders?: readonly SuspenderDefinition[];
  /** Recorded on the sequences the server runs (see `ExperimentManager`). */
  readonly managerId?: string;
  /**
   * What the server is, shown to whoever finds the lab in use (a refused `shotline run`, a second
   * server) with its host and pid. Default `shotline serve`.
   */
  readonly label?: string;
  /** How often to try again to take the lab while runs of other processes hold it. Default 2 s. */
  readonly labLockRetryMs?: number;
  /** Fastify's logger: `false`, or pino options (JSON lines). Default: info level to stdout. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Largest request body in bytes. Default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Browser origins allowed to open the event stream besides the server's own. */
  readonly allowedOrigins?: readonly string[];
  /** How long a client's session (and its procedures) outlives its last connection. Default 30 s. */
  readonly sessionGraceMs?: number;
  /** Unsent bytes after which a slow event-stream client is dropped. Default 8 MiB. */
  readonly maxClientBufferBytes?: number;
  /** Messages kept for clients that reconnect. Default 20,000. */
  readonly eventHistory?: number;
  /**
   * Shortest time between two event-stream frames to a client, in ms: events published meanwhile
   * travel together (a socket write costs more than a shot's JSON). Default 5.
   */
  readonly eventFlushIntervalMs?: number;
  /** TLS: the lab's certificate and key (PEM). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** How long a verified token is trusted without deriving its key again. Default 30 s. */
  readonly tokenCacheMs?: number;
  /**
   * The folder of the built web control room (`@shotline/web`'s `dist`), served at `/`. Without it
   * the server serves only its API.
   */
  readonly webRoot?: string;
}

/** Options of {@link LabServer.close}. */
export interface CloseOptions {
  /**
   * `interrupt` (default): running sequences stop after their shot in progress (stored) and end
   * INTERRUPTED; `finish`: they run to their end. Nothing new starts either way.
   */
  readonly running?: 'interrupt' | 'finish';
}

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["sec-websocket-protocol"]',
  'headers.authorization',
];

/**
 * The experiment server: one process owns the lab. It holds the lab lock, the
 * {@link ExperimentManager} (the engine runs in this process, which runs no user code), the durable
 * queue, and serves the HTTP + WebSocket API (Fastify; every route's input and output a zod schema,
 * published as OpenAPI at `/api/openapi.json`) to scripts (`ExperimentManager.connect`), the
 * command line and browsers.
 */
export class LabServer {
  private closingState = false;
  private closed: Promise<void> | undefined;

  private constructor(
    readonly app: FastifyInstance,
    readonly manager: ExperimentManager,
    private readonly context: ServerContext,
    private readonly ownership: LabOwnership,
    private readonly unsubscribeEvents: () => void,
  ) {}

  /** The event hub (numbered event stream). */
  get events(): EventHub {
    return this.context.hub;
  }

  /** The queue runner. */
  get queue(): QueueRunner {
    return this.context.queue;
  }

  /** Builds the server: manager, queue, routes (not listening yet; see {@link listen}). */
  static async create(options: LabServerOptions): Promise<LabServer> {
    const app = Fastify({
      logger: options.logger ?? { level: 'info', redact: REDACTED_PATHS },
      bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
      ...(options.tls ? { https: { key: options.tls.key, cert: options.tls.cert } } : {}),
      // Never echo request ids from clients; never log query strings of our own making with secrets.
      requestIdHeader: false,
      forceCloseConnections: true,
    }).withTypeProvider<ZodTypeProvider>() as unknown as FastifyInstance;
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(handleRequestError);
    app.setNotFoundHandler((request) => {
      throw new RemoteNotFoundError(`no route ${request.method} ${request.url.split('?')[0]}`);
    });

    const manager = await ExperimentManager.create({
      storage: options.storage,
      registry: options.registry,
      ...(options.pipeline ? { pipeline: options.pipeline } : {}),
      ...(options.suspenders ? { suspenders: options.suspenders } : {}),
      ...(options.managerId ? { managerId: options.managerId } : {}),
      label: options.label ?? 'shotline serve',
    });
    const session = new ExperimentSession(options.storage, options.registry);
    const tokens = new TokenVerifier(
      options.storage,
      options.tokenCacheMs !== undefined ? { cacheMs: options.tokenCacheMs } : {},
    );
    // Assigned once below; the closures above the assignment read it only once it is set.
    // eslint-disable-next-line prefer-const
    let server!: LabServer;
    const hub = new EventHub({
      ...(options.eventHistory !== undefined ? { history: options.eventHistory } : {}),
      ...(options.eventFlushIntervalMs !== undefined
        ? { flushIntervalMs: options.eventFlushIntervalMs }
        : {}),
      ...(options.maxClientBufferBytes !== undefined
        ? { maxClientBufferBytes: options.maxClientBufferBytes }
        : {}),
      onSlowClient: (bytes) => {
        metrics.slowClientsDropped.inc();
        app.log.warn(
          { bufferedBytes: bytes },
          'dropped an event-stream client that did not keep up',
        );
      },
    });
    const procedures = new RemoteProcedures(manager, {
      sequenceEnded: (procedure, run, error) => hub.publishSequenceEnded(procedure, run, error),
    });
    const sessions = new ClientSessions(options.sessionGraceMs ?? 30_000, (expired) => {
      app.log.info({ session: expired.id, user: expired.user }, 'client session expired');
      procedures.abandonSession(expired.id);
    });
    const audit = new AuditLog(options.storage, app.log);
    const queue = new QueueRunner({
      storage: options.storage,
      session,
      manager,
      log: app.log,
      labLocked: () => ownership.held,
      onChange: (run) =>
        app.log.info({ run: run.id, sequence: run.sequence, state: run.state }, 'queued run'),
    });
    const metrics = new ServerMetrics(manager.events, {
      queueDepth: async () => (await options.storage.listQueuedRuns(['queued'])).length,
      eventClients: () => hub.clients,
    });
    const unsubscribe = manager.events.onAny((event) => {
      hub.publishEvent(event);
      if (event.type === 'log')
        app.log[event.level]({ sequence: event.sequence, device: event.device }, event.message);
      else if (event.type === 'sequence-state') {
        app.log.info(
          { sequence: event.sequence, state: event.state, shots: event.storedShots },
          'sequence state',
        );
      }
    });
    const ownership = new LabOwnership(manager, app.log, options.labLockRetryMs ?? 2000, () =>
      queue.poke(),
    );
    const context: ServerContext = {
      storage: options.storage,
      session,
      registry: options.registry,
      manager,
      hub,
      sessions,
      procedures,
      queue,
      audit,
      metrics,
      tokens,
      allowedOrigins: options.allowedOrigins ?? [],
      labLockHeld: () => ownership.held,
      labLockHolder: () => ownership.waitingFor,
      closing: () => server.closingState,
    };
    server = new LabServer(app, manager, context, ownership, unsubscribe);

    await app.register(fastifySwagger, {
      openapi: {
        info: {
          title: 'shotline experiment server',
          description:
            'One process owns the lab: scripts (ExperimentManager.connect), the command line and browsers are its clients. Every route needs a bearer token (shotline token create <user>) except /health.',
          version: '1',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    await app.register(fastifyWebsocket, {
      options: {
        maxPayload: 64 * 1024,
        handleProtocols: (protocols: Set<string>) =>
          protocols.has(EVENT_STREAM_PROTOCOL) ? EVENT_STREAM_PROTOCOL : false,
      },
    });
    registerAuthentication(app, tokens);
    app.addHook('onResponse', async (request, reply) => {
      metrics.httpRequests.inc({
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: String(reply.statusCode),
      });
    });
    for (const routes of [
      operationsRoutes,
      procedureRoutes,
      eventRoutes,
      queueRoutes,
      sequenceRoutes,
      runControlRoutes,
      shotRoutes,
      settingsRoutes,
      editorRoutes,
      deviceFormRoutes,
    ]) {
      await app.register(routes, { context });
    }
    if (options.webRoot) await app.register(webRoutes, { root: options.webRoot });
    await app.ready();
    return server;
  }

  /**
   * Takes the lab (`manager.lockLab()`; or keeps trying while runs of other processes hold some of
   * its devices), starts the queue and listens. Resolves with the URL (`http://127.0.0.1:8765`).
   * Fails with `LabLockedError`, naming it, when another server owns the lab.
   */
  async listen(listen: { host?: string; port?: number } = {}): Promise<string> {
    await this.ownership.take();
    try {
      await this.context.queue.start();
      const address = await this.app.listen({
        host: listen.host ?? '127.0.0.1',
        port: listen.port ?? 0,
      });
      return address.replace('[::1]', 'localhost');
    } catch (error) {
      await this.ownership.release();
      throw error;
    }
  }

  /**
   * Graceful shutdown: refuses new work, stops the queue (interrupting or finishing the running
   * sequence), lets remote procedures' sequences end likewise, closes the connections and the
   * manager (devices are closed by the engine as each sequence ends), and releases the lab lock.
   * The storage stays open for its owner to close (flushing it). Idempotent.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closed ??= this.shutdown(options.running ?? 'interrupt');
    return this.closed;
  }

  private async shutdown(running: 'interrupt' | 'finish'): Promise<void> {
    this.closingState = true;
    const interrupt = running === 'interrupt';
    if (interrupt) this.context.procedures.interruptAll();
    // The queue may be waiting for a remote procedure to be left: stop it, leave those, then wait.
    const queueStopped = this.context.queue.stop({ interrupt });
    await this.context.procedures.leaveAll();
    await queueStopped;
    this.context.hub.closeAll(1001, 'server shutting down');
    this.context.sessions.clear();
    await this.app.close();
    await this.manager.close();
    this.unsubscribeEvents();
    await this.ownership.release();
  }
}
