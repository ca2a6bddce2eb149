import { ShotlineError } from '../errors/index.js';

/** An error class to match with `instanceof` (also matched by name, across copies of a package). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Which failed shots are run again. A shot whose failure matches `retryOn` (an error code such as
 * `DEVICE_TIMEOUT`, or an error class) anywhere in its cause chain is re-run with new controllers,
 * up to `maxAttempts` attempts in total; then the sequence crashes with a
 * {@link ShotAttemptsExceededError}. Anything else is not retried.
 */
export interface ShotRetryOptions {
  /** Attempts in total, including the first (default 1: no retry). */
  readonly maxAttempts?: number;
  /** Error codes or classes that make a shot worth retrying (default none). */
  readonly retryOn?: readonly (string | ErrorClass)[];
}

/** True if `error`, one of its causes or aggregate members matches one of `retryOn`. */
export function matchesRetryPolicy(
  error: unknown,
  retryOn: readonly (string | ErrorClass)[],
): boolean {
  if (retryOn.length === 0) return false;
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    for (const rule of retryOn) {
      if (typeof rule === 'string') {
        const code = e instanceof ShotlineError ? e.code : (e as { code?: unknown }).code;
        if (code === rule) return true;
      } else if (e instanceof rule) {
        return true;
      }
    }
    if (e instanceof AggregateError && e.errors.some(visit)) return true;
    return e instanceof Error && e.cause !== undefined ? visit(e.cause) : false;
  };
  return visit(error);
}
