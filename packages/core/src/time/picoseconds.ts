import { InvalidValueError } from '../errors/index.js';

/** Picoseconds in a second. Times in shotline are integer picoseconds (exact up to ~2.5 h). */
export const PICOSECONDS_PER_SECOND = 1e12;

/** Picoseconds in a nanosecond. */
export const PICOSECONDS_PER_NANOSECOND = 1000;

/** Seconds to the nearest integer number of picoseconds; throws beyond the exact range. */
export function secondsToPicoseconds(seconds: number): number {
  const ps = Math.round(seconds * PICOSECONDS_PER_SECOND);
  if (!Number.isSafeInteger(ps)) {
    throw new InvalidValueError(`${seconds} s is not representable in whole picoseconds`);
  }
  return ps === 0 ? 0 : ps;
}

/** Picoseconds to seconds (floating point). */
export function picosecondsToSeconds(ps: number): number {
  return ps / PICOSECONDS_PER_SECOND;
}

/**
 * Parses a sequencer time step given in nanoseconds with picosecond resolution (`"2.5"` is
 * 2500 ps; `"1e1"` and `10` are 10000 ps). Throws {@link InvalidValueError} if it is not a positive
 * number or has more precision than 1 ps.
 */
export function parseTimeStep(ns: string | number): number {
  const text = typeof ns === 'number' ? String(ns) : ns.trim();
  const m = /^\+?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) {
    throw new InvalidValueError(`the time step "${text}" is not a number of nanoseconds`);
  }
  // Exact decimal arithmetic: digits * 10^(exponent + 3 - fraction digits) picoseconds.
  const digits = (m[1] ?? '') + (m[2] ?? '');
  const shift = Number(m[3] ?? 0) + 3 - (m[2] ?? '').length;
  let value = BigInt(digits === '' ? '0' : digits);
  if (shift >= 0) {
    value *= 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (value % divisor !== 0n) {
      throw new InvalidValueError(`the time step "${text}" ns is finer than 1 ps`);
    }
    value /= divisor;
  }
  if (value <= 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidValueError(`the time step "${text}" ns must be positive and at most ~2.5 h`);
  }
  return Number(value);
}
