import type { ErrorSummary } from '../errors/index.js';
import type { SequencePath } from '../path/index.js';
import type { SequenceState } from '../sequence/index.js';
import type { RunOwner } from './run-owner.js';

// Run ownership: who may drive which instruments. A run (or a server) takes locks on the resources
// it uses before it opens anything, renews them while it runs and releases them when it ends; a
// second run that needs one of them is refused with a ResourceBusyError naming the holder. How a
// lock survives the death of its holder differs per backend: SQLite holds an operating-system file
// lock that the OS releases when the process dies; PostgreSQL and the memory storage keep lease rows
// that lapse unless renewed, and a holder on this machine whose process is gone is ignored at once.

/** How long a lock lasts unless renewed (its holder renews it every quarter of that). */
export const DEFAULT_LOCK_LEASE_MS = 60_000;

/** The resource of a device: `device:<name>`. */
export function deviceResource(name: string): string {
  return `device:${name}`;
}

/** The resource of a sequence being run: `sequence:<path>`. */
export function sequenceResource(path: SequencePath | string): string {
  return `sequence:${path.toString()}`;
}

/** What {@link SessionStorage.acquireLocks} is asked for. */
export interface LockRequest {
  /**
   * Resources to lock together, all or none: `device:<name>` ({@link deviceResource}),
   * `sequence:<path>` ({@link sequenceResource}), `lab` (`LAB_RESOURCE`: the whole lab, excluding
   * every other holder), or any other name two cooperating programs agree on.
   */
  readonly resources: readonly string[];
  readonly holder: RunOwner;
  /** The sequence the holder runs with these resources, shown to whoever is refused. */
  readonly sequence?: SequencePath;
  /** Lease length in milliseconds (default {@link DEFAULT_LOCK_LEASE_MS}, at least 1 000). */
  readonly leaseMs?: number;
  /**
   * Renew the leases in the background (default true). With false the holder renews them itself
   * with {@link HeldLocks.renew} (e.g. only while it is healthy), and they lapse when it stops.
   */
  readonly renew?: boolean;
}

/** A lock as stored, for people and for tools (`shotline seq show`, a server's status page). */
export interface ResourceLockRecord {
  readonly resource: string;
  readonly holder: RunOwner;
  readonly sequence: string | null;
  readonly acquiredAt: Date;
  /** When the holder last renewed it: when it was last seen alive. */
  readonly renewedAt: Date;
  readonly expiresAt: Date;
}

/**
 * Locks held by one holder, renewed in the background (every quarter of the lease, unless asked
 * not to) until {@link release}. `await using` releases them too.
 */
export interface HeldLocks extends AsyncDisposable {
  readonly resources: readonly string[];
  readonly holder: RunOwner;
  /**
   * Aborted (with a LockLostError) if a renewal finds that a lock was taken over: its lease lapsed
   * while the storage could not be reached. Whoever drives devices under the locks must stop.
   */
  readonly lost: AbortSignal;
  /** Renews the leases now (the background renewal calls it). */
  renew(): Promise<void>;
  /** Stops renewing and removes the locks; idempotent. */
  release(): Promise<void>;
}

/** A sequence found PREPARING or RUNNING whose process is provably gone. */
export interface StaleRun {
  readonly path: SequencePath;
  readonly state: SequenceState;
  /** Who ran it, as recorded. */
  readonly owner: RunOwner | null;
  /** When its holder last renewed its lock, if known. */
  readonly lastSeen: Date | null;
  /** The error summary stored (or to store) on the sequence. */
  readonly error: ErrorSummary;
  /** Whether it is now CRASHED; false when the storage refused the write (`failure` says why). */
  readonly recovered: boolean;
  readonly failure?: Error;
}
