import type { SessionStorage } from '../storage/index.js';
import { ProcedureActivationTimeoutError } from './procedure-errors.js';

interface Waiter {
  readonly holder: object;
  readonly name: string;
  resolve(): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The one-active-procedure rule: a fair (first come, first served) lock with an optional
 * acquisition timeout. There is one per storage ({@link procedureLockOf}), shared by every manager
 * on it.
 */
export class ProcedureLock {
  private holder: { holder: object; name: string } | undefined;
  private readonly waiters: Waiter[] = [];

  /** Who holds the lock. */
  get current(): object | undefined {
    return this.holder?.holder;
  }

  /**
   * Waits for the lock. With `timeoutMs`, rejects with {@link ProcedureActivationTimeoutError}
   * (naming the active procedure) when it is not free in time.
   */
  acquire(holder: object, name: string, timeoutMs?: number): Promise<void> {
    if (!this.holder) {
      this.holder = { holder, name };
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { holder, name, resolve, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(
            new ProcedureActivationTimeoutError(
              `could not activate procedure "${name}" within ${timeoutMs} ms: procedure ` +
                `"${this.holder?.name ?? '?'}" is still active`,
            ),
          );
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Releases the lock if `holder` has it, handing it to the next waiter. */
  release(holder: object): void {
    if (this.holder?.holder !== holder) return;
    const next = this.waiters.shift();
    if (!next) {
      this.holder = undefined;
      return;
    }
    clearTimeout(next.timer);
    this.holder = { holder: next.holder, name: next.name };
    next.resolve();
  }
}

/**
 * The procedure lock of a storage: every manager created on the same storage object shares it, so
 * one procedure at a time is active per storage, not per manager. (Runs of other processes are kept
 * apart by the storage's resource locks.) Keyed weakly: it goes away with the storage.
 */
const LOCKS = new WeakMap<SessionStorage, ProcedureLock>();

/** The procedure lock shared by the managers of a storage. */
export function procedureLockOf(storage: SessionStorage): ProcedureLock {
  let lock = LOCKS.get(storage);
  if (lock === undefined) {
    lock = new ProcedureLock();
    LOCKS.set(storage, lock);
  }
  return lock;
}
