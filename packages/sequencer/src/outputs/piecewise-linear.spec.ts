import { Pattern, concatenate, createRamp, repeat, toPattern } from '@shotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valuesOf } from '../sequencer.test-helper.js';
import { PiecewiseLinear } from './piecewise-linear.js';

const finite = fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true });

const calibration = fc
  .uniqueArray(finite, {
    minLength: 2,
    maxLength: 6,
    comparator: (a, b) => Math.abs(a - b) < 1e-6,
  })
  .chain((xs) =>
    fc
      .array(finite, { minLength: xs.length, maxLength: xs.length })
      .map((ys) => xs.map((x, i) => [x, ys[i]!] as const)),
  );

describe('PiecewiseLinear (calibrated analog mapping)', () => {
  it('interpolates linearly between points and holds flat beyond them', () => {
    const f = new PiecewiseLinear([
      [10, 1],
      [0, 0],
      [20, 3],
    ]);
    expect(f.valueAt(-5)).toBe(0);
    expect(f.valueAt(5)).toBeCloseTo(0.5);
    expect(f.valueAt(15)).toBeCloseTo(2);
    expect(f.valueAt(25)).toBe(3);
  });

  it('stays within the range of the measured outputs', () => {
    fc.assert(
      fc.property(calibration, fc.array(finite, { minLength: 1, maxLength: 20 }), (points, xs) => {
        const f = new PiecewiseLinear(points);
        const ys = points.map(([, y]) => y);
        for (const v of valuesOf(f.map(Pattern.of(xs)))) {
          expect(v).toBeGreaterThanOrEqual(Math.min(...ys) - 1e-9);
          expect(v).toBeLessThanOrEqual(Math.max(...ys) + 1e-9);
        }
      }),
    );
  });

  it('maps a ramp to sub-ramps equal to mapping its unrolled values', () => {
    fc.assert(
      fc.property(
        calibration,
        finite,
        finite,
        fc.integer({ min: 1, max: 200 }),
        (points, start, stop, length) => {
          const f = new PiecewiseLinear(points);
          const ramp = createRamp(start, stop, length);
          const mapped = f.map(ramp);
          expect(mapped.length).toBe(length);
          const unrolled = valuesOf(f.map(toPattern(ramp)));
          valuesOf(mapped).forEach((v, i) => {
            expect(Math.abs(v - unrolled[i]!)).toBeLessThanOrEqual(
              1e-6 * (1 + Math.abs(unrolled[i]!)),
            );
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never unrolls a ramp: one piece per segment crossed', () => {
    const f = new PiecewiseLinear([
      [0, 0],
      [1, 10],
      [2, 10],
    ]);
    const mapped = f.map(createRamp(-1, 3, 4_000_000));
    expect(mapped.kind).toBe('concatenated');
    expect(mapped.depth).toBeLessThanOrEqual(2);
    expect(mapped.at(0)).toBe(0);
    expect(mapped.at(1_500_000)).toBeCloseTo(5);
    expect(mapped.at(-1)).toBe(10);
  });

  it('keeps repeats and concatenations', () => {
    const f = new PiecewiseLinear([
      [0, 0],
      [1, 2],
    ]);
    const x = concatenate(repeat(Pattern.of([0.5]), 1000), Pattern.of([0.25, 2]));
    const y = f.map(x);
    expect(y.equals(concatenate(repeat(Pattern.of([1]), 1000), Pattern.of([0.5, 2])))).toBe(true);
  });

  it('refuses fewer than two points and vertical segments', () => {
    expect(() => new PiecewiseLinear([[0, 1]])).toThrow(/at least 2 points/);
    expect(
      () =>
        new PiecewiseLinear([
          [1, 0],
          [1, 2],
        ]),
    ).toThrow(/same input/);
    expect(
      () =>
        new PiecewiseLinear([
          [0, 0],
          [1e-320, 1],
        ]),
    ).toThrow(/too close/);
  });
});
