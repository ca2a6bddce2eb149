import type { ErrorLocation } from '@shotline/core';
import { abortedError } from './abort.js';

interface Waiter {
  start: () => void;
}

/**
 * Runs tasks one at a time, in arrival order: one request in flight per serial port. A task whose
 * signal fires while it waits for its turn leaves the queue at once with an abort error.
 */
export class RequestQueue {
  private busy = false;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly location: ErrorLocation) {}

  /** Number of tasks waiting for their turn (not counting the one running). */
  get length(): number {
    return this.waiting.length;
  }

  /** Runs `task` when every earlier task has settled. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal, what = 'the request'): Promise<T> {
    if (signal?.aborted) throw abortedError(signal, what, this.location);
    await this.acquire(signal, what);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined, what: string): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(abortedError(signal!, what, this.location));
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.busy = false;
  }
}
