import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatenate } from './concatenate.js';
import { InstructionValueError } from './instruction-errors.js';
import { Pattern } from './pattern.js';
import { Ramp, createRamp } from './ramp.js';
import { Repeated } from './repeated.js';
import { repeat } from './repeat.js';
import { sliceInstruction } from './slice.js';
import { toPattern } from './to-pattern.js';
import {
  expectCloseValues,
  instructionArbitrary,
  values,
} from './instruction-arbitraries.test-helper.js';

describe('sliceInstruction', () => {
  it('keeps the Repeated of a concatenation (reference example)', () => {
    const x = concatenate(Pattern.of([0]), repeat(Pattern.of([1]), 3));
    expect(sliceInstruction(x, 1).equals(new Repeated(3, Pattern.of([1])))).toBe(true);
  });

  it('slices a pattern as a window on the same array', () => {
    const p = Pattern.of([0, 1, 2, 3, 4]);
    const s = sliceInstruction(p, 1, 4) as Pattern;
    expect(values(s)).toEqual([1, 2, 3]);
    expect(s.columns).toBe(p.columns);
  });

  it('slices a Repeated into a rotated block times q plus a remainder', () => {
    const r = repeat(Pattern.of([0, 1, 2]), 4);
    const s = sliceInstruction(r, 1, 9);
    expect(s.equals(concatenate(repeat(Pattern.of([1, 2, 0]), 2), Pattern.of([1, 2])))).toBe(true);
  });

  it('slices a huge Repeated without materialising it', () => {
    const pulse = concatenate(repeat(Pattern.of([true]), 500), repeat(Pattern.of([false]), 500));
    const r = repeat(pulse, 1_000_000);
    const s = sliceInstruction(r, 250, 999_999_750);
    expect(s.length).toBe(999_999_500);
    expect(s.depth).toBeLessThanOrEqual(r.depth + 1);
    expect(s.at(0)).toBe(true);
    expect(s.at(250)).toBe(false);
    expect(s.at(750)).toBe(true);
  });

  it('slices a Ramp into a Ramp with an interpolated end', () => {
    const r = createRamp(0, 10, 10);
    const s = sliceInstruction(r, 2, 5);
    expect(s).toBeInstanceOf(Ramp);
    expect((s as Ramp).start()).toBe(2);
    expect((s as Ramp).stop()).toBe(5);
    expect((sliceInstruction(r, 5) as Ramp).stop()).toBe(10);
  });

  it('accepts negative bounds and refuses bounds outside the instruction', () => {
    const p = Pattern.of([0, 1, 2, 3]);
    expect(values(sliceInstruction(p, -2))).toEqual([2, 3]);
    expect(values(sliceInstruction(p, 1, -1))).toEqual([1, 2]);
    expect(sliceInstruction(p, 2, 2).length).toBe(0);
    expect(() => sliceInstruction(p, 0, 5)).toThrow(InstructionValueError);
    expect(() => sliceInstruction(p, 3, 2)).toThrow(/slice \[3, 2\) is not valid/);
    expect(() => sliceInstruction(p, 0.5, 2)).toThrow(InstructionValueError);
  });

  it('gives the same values as slicing the explicit pattern (property)', () => {
    fc.assert(
      fc.property(
        instructionArbitrary().chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc
              .nat(x.length)
              .chain((a) => fc.tuple(fc.constant(a), fc.integer({ min: a, max: x.length }))),
          ),
        ),
        ([x, [a, b]]) => {
          const sliced = sliceInstruction(x, a, b);
          expect(values(sliced)).toEqual(values(x).slice(a, b));
          expect(sliced.depth).toBeLessThanOrEqual(x.depth + 2);
        },
      ),
    );
  });

  it('stays close to the explicit values for ramps of any length', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.nat(50),
        fc.nat(50),
        (start, stop, length, i, j) => {
          const r = createRamp(start, stop, length);
          const a = Math.min(i, j, length);
          const b = Math.min(Math.max(i, j), length);
          expectCloseValues(sliceInstruction(r, a, b), sliceInstruction(toPattern(r), a, b));
        },
      ),
    );
  });
});
