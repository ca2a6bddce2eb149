import type { HeldLocks } from './resource-locks.js';
import type { RunOwner } from './run-owner.js';
import type { StorageBackend } from './storage-backend.js';
import { storageFailureToError } from './storage-failure.js';

/**
 * The {@link HeldLocks} of an `EncodedSessionStorage`: renews the leases through the backend every
 * quarter of the lease unless told not to (on a timer that never keeps the process alive), reports a takeover through
 * `lost`, and removes the locks once on `release()`. A renewal that fails because the storage cannot
 * be reached is simply tried again at the next tick: the lease is four ticks long.
 */
export class HeldResourceLocks implements HeldLocks {
  readonly resources: readonly string[];
  readonly holder: RunOwner;
  readonly #controller = new AbortController();
  readonly #backend: StorageBackend;
  readonly #leaseMs: number;
  readonly #onRelease: (locks: HeldResourceLocks) => void;
  readonly #timer: NodeJS.Timeout | undefined;
  #releasing: Promise<void> | undefined;
  #renewing: Promise<void> | undefined;
  /** The last renewal error (I/O), if the last renewal failed. */
  lastRenewalError: Error | undefined;

  constructor(
    backend: StorageBackend,
    holder: RunOwner,
    resources: readonly string[],
    leaseMs: number,
    autoRenew: boolean,
    onRelease: (locks: HeldResourceLocks) => void,
  ) {
    this.#backend = backend;
    this.holder = holder;
    this.resources = [...resources];
    this.#leaseMs = leaseMs;
    this.#onRelease = onRelease;
    if (autoRenew) {
      this.#timer = setInterval(() => void this.renew(), Math.max(250, leaseMs / 4));
      this.#timer.unref();
    }
  }

  get lost(): AbortSignal {
    return this.#controller.signal;
  }

  renew(): Promise<void> {
    if (this.#releasing || this.#controller.signal.aborted) return Promise.resolve();
    this.#renewing ??= this.#renewOnce().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #renewOnce(): Promise<void> {
    const now = Date.now();
    try {
      const outcome = await this.#backend.renewLocks(
        this.holder.id,
        this.resources,
        now,
        now + this.#leaseMs,
      );
      this.lastRenewalError = undefined;
      if (!outcome.ok && !this.#releasing) {
        clearInterval(this.#timer);
        this.#controller.abort(storageFailureToError(outcome.failure));
      }
    } catch (e) {
      this.lastRenewalError = e instanceof Error ? e : new Error(String(e));
    }
  }

  release(): Promise<void> {
    this.#releasing ??= (async () => {
      clearInterval(this.#timer);
      try {
        await this.#renewing;
        await this.#backend.releaseLocks(this.holder.id, this.resources);
      } finally {
        this.#onRelease(this);
      }
    })();
    return this.#releasing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
