import { ProcedureActivationTimeoutError } from './procedure-errors.js';

interface Waiter {
  readonly holder: object;
  readonly name: string;
  resolve(): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The one-active-procedure rule of a manager: a fair (first come, first served) lock with an optional
 * acquisition timeout.
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
