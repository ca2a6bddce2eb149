import { availableParallelism } from 'node:os';
import { InvalidValueError } from '../errors/index.js';
import type { ErrorClass, ShotRetryOptions } from './shot-retry.js';

/** How shots are compiled, run and stored. Every field is optional. */
export interface ShotPipelineOptions {
  /** Compile worker threads. Default `min(4, cores - 1)`; 0 compiles on the main thread. */
  readonly compileWorkers?: number;
  /**
   * Shots compiled ahead of the running one (default 8). The look-ahead is refilled when half of
   * it was used, so shots reach the compile workers in groups.
   */
  readonly lookAhead?: number;
  /** Shots that may wait for storage before the next shot waits (default 8). */
  readonly storageBuffer?: number;
  /** Most shots written in one storage transaction (default 16). */
  readonly storageBatch?: number;
  /**
   * Timeout of one shot attempt in milliseconds, or a function of the shot duration in seconds.
   * Default `2 × duration + 2 s`.
   */
  readonly shotTimeoutMs?: number | ((durationSeconds: number) => number);
  /** How long one shot may take to compile (default 10 000 ms); the worker is then replaced. */
  readonly compileDeadlineMs?: number;
  /** How long aborted controllers get to stop (default 2 000 ms). */
  readonly abortGraceMs?: number;
  /** Which failed shots to run again. Default: none. */
  readonly retry?: ShotRetryOptions;
  /**
   * How often a running sequence reads the pause and resume requests other processes store on it
   * (`shotline seq pause`), in ms (default 500).
   */
  readonly controlPollMs?: number;
}

/** {@link ShotPipelineOptions} with every default applied. */
export interface ResolvedPipelineOptions {
  readonly compileWorkers: number;
  readonly lookAhead: number;
  readonly storageBuffer: number;
  readonly storageBatch: number;
  readonly shotTimeoutMs: (durationSeconds: number) => number;
  readonly compileDeadlineMs: number;
  readonly abortGraceMs: number;
  readonly maxAttempts: number;
  readonly retryOn: readonly (string | ErrorClass)[];
  readonly controlPollMs: number;
}

/** The default number of compile workers: `min(4, cores - 1)` (0 on a single core). */
export function defaultCompileWorkers(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidValueError(
      `pipeline option ${name} must be an integer >= ${min}, got ${value}`,
    );
  }
  return value;
}

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new InvalidValueError(
      `pipeline option ${name} must be a positive number of ms, got ${value}`,
    );
  }
  return value;
}

/** Applies defaults and validates; throws {@link InvalidValueError} naming a bad option. */
export function resolvePipelineOptions(options: ShotPipelineOptions = {}): ResolvedPipelineOptions {
  const timeout = options.shotTimeoutMs;
  let shotTimeoutMs: (durationSeconds: number) => number;
  if (typeof timeout === 'function') shotTimeoutMs = timeout;
  else if (timeout === undefined) shotTimeoutMs = (d) => (2 * d + 2) * 1000;
  else {
    const fixed = duration('shotTimeoutMs', timeout, 1);
    shotTimeoutMs = () => fixed;
  }
  return {
    compileWorkers: count('compileWorkers', options.compileWorkers, defaultCompileWorkers(), 0),
    lookAhead: count('lookAhead', options.lookAhead, 8, 1),
    storageBuffer: count('storageBuffer', options.storageBuffer, 8, 1),
    storageBatch: count('storageBatch', options.storageBatch, 16, 1),
    shotTimeoutMs,
    compileDeadlineMs: duration('compileDeadlineMs', options.compileDeadlineMs, 10_000),
    abortGraceMs: duration('abortGraceMs', options.abortGraceMs, 2_000),
    maxAttempts: count('retry.maxAttempts', options.retry?.maxAttempts, 1, 1),
    retryOn: options.retry?.retryOn ?? [],
    controlPollMs: duration('controlPollMs', options.controlPollMs, 500),
  };
}
