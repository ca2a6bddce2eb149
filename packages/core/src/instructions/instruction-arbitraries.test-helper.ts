// fast-check generators of instruction trees, and value comparison helpers, for the property tests.
import fc from 'fast-check';
import { expect } from 'vitest';
import { concatenate } from './concatenate.js';
import type { InstructionDType } from './dtype.js';
import { Pattern } from './pattern.js';
import { createRamp } from './ramp.js';
import { repeat } from './repeat.js';
import { sliceInstruction } from './slice.js';
import type { TimedInstruction } from './timed-instruction.js';
import { toPattern } from './to-pattern.js';

/** Plain JS values of every channel at every tick, booleans as numbers. */
export function ticks(x: TimedInstruction): number[][] {
  const p = toPattern(x);
  return p.layout.fields.map((_, f) => Array.from(p.column(f)));
}

/** Values of a single channel. */
export function values(x: TimedInstruction, field: string | number = 0): number[] {
  return Array.from(toPattern(x).column(field));
}

/** Asserts equal tick values, with a relative tolerance for floats (ramps sliced at other points). */
export function expectCloseValues(actual: TimedInstruction, expected: TimedInstruction): void {
  expect(actual.length).toBe(expected.length);
  const a = ticks(actual);
  const b = ticks(expected);
  expect(a.length).toBe(b.length);
  a.forEach((column, f) => {
    column.forEach((v, i) => {
      const w = b[f]![i]!;
      if (Math.abs(v - w) > 1e-9 * Math.max(1, Math.abs(w))) {
        expect.fail(`channel ${f}, tick ${i}: ${v} != ${w}`);
      }
    });
  });
}

/**
 * Leaves whose arithmetic is exact: integer-valued patterns and constants, and ramps with integer
 * ends over a power-of-two length (so every sub-ramp has the same exact slope).
 */
function leaf(dtype: InstructionDType): fc.Arbitrary<TimedInstruction> {
  const value =
    dtype === 'bool'
      ? fc.integer({ min: 0, max: 1 })
      : dtype.startsWith('uint')
        ? fc.integer({ min: 0, max: 8 })
        : fc.integer({ min: -4, max: 4 });
  const pattern = fc
    .array(value, { minLength: 1, maxLength: 5 })
    .map((vs) => Pattern.of(vs, dtype));
  const constant = fc
    .tuple(value, fc.integer({ min: 1, max: 6 }))
    .map(([v, n]) => repeat(Pattern.of([v], dtype), n));
  if (dtype !== 'float64') return fc.oneof(pattern, constant);
  const ramp = fc
    .tuple(
      fc.integer({ min: -8, max: 8 }),
      fc.integer({ min: -8, max: 8 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([a, b, k]) => createRamp(a, b, 2 ** k));
  return fc.oneof(pattern, constant, ramp);
}

/** Random instruction trees of one dtype (possibly empty), built with the public operations. */
export function instructionArbitrary(
  dtype: InstructionDType = 'float64',
): fc.Arbitrary<TimedInstruction> {
  const { node } = fc.letrec<{ node: TimedInstruction }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf(dtype),
      fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((xs) => concatenate(...xs)),
      fc.tuple(tie('node'), fc.integer({ min: 0, max: 4 })).map(([x, n]) => repeat(x, n)),
    ),
  }));
  return node;
}

/** Several non-empty instructions cut to a common length. */
export function sameLengthArbitrary(
  dtypes: readonly InstructionDType[],
): fc.Arbitrary<TimedInstruction[]> {
  return fc
    .tuple(...dtypes.map((d) => instructionArbitrary(d).filter((x) => x.length > 0)))
    .map((xs) => {
      const length = Math.min(...xs.map((x) => x.length));
      return xs.map((x) => sliceInstruction(x, 0, length));
    });
}
