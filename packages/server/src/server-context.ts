import type {
  DeviceRegistry,
  ExperimentManager,
  ExperimentSession,
  SessionStorage,
} from '@shotline/core';
import type { TokenVerifier } from './auth/api-tokens.js';
import type { ClientSessions } from './events/client-sessions.js';
import type { EventHub } from './events/event-hub.js';
import type { AuditLog } from './lab/audit-log.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import type { RemoteProcedures } from './procedures/remote-procedures.js';
import type { QueueRunner } from './queue/queue-runner.js';

/** What the route plugins work with: the lab's parts, owned by the {@link LabServer}. */
export interface ServerContext {
  readonly storage: SessionStorage;
  readonly session: ExperimentSession;
  readonly registry: DeviceRegistry;
  readonly manager: ExperimentManager;
  readonly hub: EventHub;
  readonly sessions: ClientSessions;
  readonly procedures: RemoteProcedures;
  readonly queue: QueueRunner;
  readonly audit: AuditLog;
  readonly metrics: ServerMetrics;
  readonly tokens: TokenVerifier;
  /** Origins allowed to open the event stream from a browser (besides the server's own). */
  readonly allowedOrigins: readonly string[];
  /** Whether the server holds the lab lock. */
  labLockHeld(): boolean;
  /** Who holds the lab lock when the server does not. */
  labLockHolder(): string | undefined;
  /** True once shutdown began. */
  closing(): boolean;
}
