import { AbortedError } from '@shotline/core';

/** The error to reject with when `signal` fired: its reason if it is an Error. */
export function abortReason(signal: AbortSignal, what: string): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortedError(`${what} was aborted`);
}

/** Waits `milliseconds`, or rejects as soon as `signal` fires. */
export function abortableSleep(
  milliseconds: number,
  signal: AbortSignal,
  what: string,
): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal, what));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal, what));
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, milliseconds),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for an instrument that signals no completion event: sleeps until the sequence's expected end
 * (when known), then checks `isFinished`, backing off from 1 ms to `maxIntervalMs` between checks.
 * Not a busy loop: an event-loop timer separates every check, and `signal` aborts the wait.
 */
export async function waitForCompletion(options: {
  readonly isFinished: () => Promise<boolean> | boolean;
  readonly signal: AbortSignal;
  readonly expectedMs?: number;
  readonly maxIntervalMs?: number;
  readonly what: string;
}): Promise<void> {
  const { signal, what } = options;
  if (options.expectedMs !== undefined && options.expectedMs > 0) {
    await abortableSleep(options.expectedMs, signal, what);
  }
  let interval = 1;
  const max = options.maxIntervalMs ?? 50;
  while (!(await options.isFinished())) {
    await abortableSleep(interval, signal, what);
    interval = Math.min(max, interval * 2);
  }
}
