import { InvalidValueError } from '../errors/index.js';

function checkInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidValueError(`${name} must be a whole number of picoseconds, not ${value}`);
  }
}

function checkStep(dt: number): void {
  if (!Number.isSafeInteger(dt) || dt <= 0) {
    throw new InvalidValueError(
      `the time step must be a positive whole number of picoseconds, not ${dt}`,
    );
  }
}

/**
 * `ceil(a / b)` for safe integers, exactly: `%` on doubles is exact, and `a - r` is a multiple of
 * `b` whose quotient is an exactly representable integer.
 */
function ceilDiv(a: number, b: number): number {
  const r = a % b;
  return (a - r) / b + (r > 0 ? 1 : 0);
}

/** The first tick at or after time `t` (ps), for a time step `dt` (ps): `ceil(t / dt)`. */
export function startTick(t: number, dt: number): number {
  checkInteger('a time', t);
  checkStep(dt);
  return ceilDiv(t, dt);
}

/** The first tick at or after `t`, i.e. the first tick *not* in a block ending at `t`: `ceil(t / dt)`. */
export function stopTick(t: number, dt: number): number {
  checkInteger('a time', t);
  checkStep(dt);
  return ceilDiv(t, dt);
}

/**
 * Number of ticks in the block `[t0, t1)` (ps): the ticks `i` with `t0 <= i*dt < t1`, i.e.
 * `ceil(t1/dt) - ceil(t0/dt)`. Always computed from absolute bounds, so consecutive blocks add up to
 * the ticks of their union and rounding never accumulates.
 */
export function numberTicks(t0: number, t1: number, dt: number): number {
  return stopTick(t1, dt) - startTick(t0, dt);
}
