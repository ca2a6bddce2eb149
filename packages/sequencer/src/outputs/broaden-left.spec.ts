import { type TimedInstruction, Pattern, changeTable, concatenate, repeat } from '@shotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valuesOf } from '../sequencer.test-helper.js';
import { broadenLeft } from './broaden-left.js';

const T = Pattern.of([true], 'bool');
const F = Pattern.of([false], 'bool');

/** Random boolean instructions: patterns, concatenations and repeats, nested. */
const booleanInstruction: fc.Arbitrary<TimedInstruction> = fc.letrec<{
  node: TimedInstruction;
}>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }).map((v) => Pattern.of(v, 'bool')),
    fc
      .array(tie('node'), { minLength: 2, maxLength: 4 })
      .map((children) => concatenate(...children)),
    fc.tuple(tie('node'), fc.integer({ min: 2, max: 5 })).map(([x, n]) => repeat(x, n)),
  ),
})).node;

/** The specification: `y[i] = any(x[i ..= i + width])`. */
function expected(x: readonly number[], width: number): number[] {
  return x.map((_, i) => (x.slice(i, i + width + 1).some((v) => v !== 0) ? 1 : 0));
}

describe('BroadenLeft', () => {
  it('is high wherever the input is high within the next `width` ticks', () => {
    fc.assert(
      fc.property(booleanInstruction, fc.integer({ min: 0, max: 8 }), (x, width) => {
        expect(valuesOf(broadenLeft(x, width))).toEqual(expected(valuesOf(x), width));
      }),
      { numRuns: 300 },
    );
  });

  it('gives exact small cases', () => {
    const x = Pattern.of([false, false, false, true, false, false, true], 'bool');
    expect(valuesOf(broadenLeft(x, 2))).toEqual([0, 1, 1, 1, 1, 1, 1]);
    expect(valuesOf(broadenLeft(x, 0))).toEqual(valuesOf(x));
    expect(valuesOf(broadenLeft(concatenate(repeat(F, 3), T), 1))).toEqual([0, 0, 1, 1]);
  });

  it('keeps a repeated block repeated', () => {
    const x = repeat(Pattern.of([false, false, false, true], 'bool'), 1000);
    const y = broadenLeft(x, 1);
    expect(y.kind).toBe('repeated');
    expect(y.equals(repeat(Pattern.of([false, false, true, true], 'bool'), 1000))).toBe(true);
  });

  it('does not bleed past a 1e8-tick low block, and never unrolls it', () => {
    const x = concatenate(repeat(F, 100_000_000), repeat(T, 10), repeat(F, 100_000_000));
    const y = broadenLeft(x, 5);
    const table = changeTable(y);
    expect(Array.from(table.times)).toEqual([0, 99_999_995, 100_000_010, 200_000_010]);
    expect(Array.from(table.columns[0]!)).toEqual([0, 1, 0, 0]);
  });

  it('refuses a non-boolean input', () => {
    expect(() => broadenLeft(Pattern.of([1, 2]), 1)).toThrow(/boolean input/);
  });
});
