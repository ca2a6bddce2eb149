import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DimensionalityError,
  InvalidTypeError,
  InvalidValueError,
  UndefinedVariableError,
} from '../errors/index.js';
import { Parameters } from '../parameters/parameters.js';
import { TimeLanes } from '../time-lanes/time-lanes.js';
import { Quantity } from '../units/quantity.js';
import { parseTimeStep, secondsToPicoseconds } from './picoseconds.js';
import { evaluateStepDurations, stepStartTimes } from './step-durations.js';
import { numberTicks, startTick, stopTick } from './ticks.js';

/** Exact reference: ceil(t / dt) with BigInt. */
function ceilBig(t: bigint, dt: bigint): bigint {
  const q = t / dt; // truncates toward zero
  return t % dt > 0n ? q + 1n : q;
}

const time = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const step = fc.oneof(
  fc.integer({ min: 1, max: 10_000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

describe('ticks', () => {
  it('start and stop ticks are ceil(t / dt), exactly, for every safe integer (property)', () => {
    fc.assert(
      fc.property(time, step, (t, dt) => {
        const expected = Number(ceilBig(BigInt(t), BigInt(dt)));
        expect(startTick(t, dt)).toBe(expected);
        expect(stopTick(t, dt)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('a block [t0, t1) owns the ticks i with t0 <= i*dt < t1 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 997 }),
        (a, b, dt) => {
          const [t0, t1] = a <= b ? [a, b] : [b, a];
          let owned = 0;
          for (let i = Math.floor(t0 / dt) - 1; i * dt < t1 + dt; i++)
            if (t0 <= i * dt && i * dt < t1) owned++;
          expect(numberTicks(t0, t1, dt)).toBe(owned);
        },
      ),
    );
  });

  it('consecutive blocks add up to the ticks of the whole, without drift (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e12 }), { maxLength: 50 }),
        step,
        (durations, dt) => {
          const bounds = stepStartTimes(durations);
          const sum = durations.reduce(
            (acc, _, i) => acc + numberTicks(bounds[i]!, bounds[i + 1]!, dt),
            0,
          );
          expect(sum).toBe(numberTicks(0, bounds[bounds.length - 1]!, dt));
        },
      ),
    );
  });

  it('is exact where floating-point division is not', () => {
    // 0.3 s at 0.1 s: float division gives 2.9999999999999996 -> ceil 3 correct only in integers.
    expect(numberTicks(0, 300_000_000_000, 100_000_000_000)).toBe(3);
    const big = Number.MAX_SAFE_INTEGER;
    expect(startTick(big, 3)).toBe(Number(ceilBig(BigInt(big), 3n)));
    expect(startTick(big - 1, big)).toBe(1);
  });

  it('refuses non-integer times and non-positive steps', () => {
    expect(() => startTick(1.5, 1)).toThrow(InvalidValueError);
    expect(() => numberTicks(0, 10, 0)).toThrow(/positive whole number/);
  });
});

describe('parseTimeStep', () => {
  it('reads nanoseconds with picosecond resolution', () => {
    expect(parseTimeStep('2.5')).toBe(2500);
    expect(parseTimeStep('1')).toBe(1000);
    expect(parseTimeStep('0.001')).toBe(1);
    expect(parseTimeStep('1e1')).toBe(10_000);
    expect(parseTimeStep(' 50 ')).toBe(50_000);
    expect(parseTimeStep(2.5)).toBe(2500);
  });

  it('refuses malformed, non-positive and too fine steps', () => {
    expect(() => parseTimeStep('0.0001')).toThrow(/finer than 1 ps/);
    expect(() => parseTimeStep('0')).toThrow(/positive/);
    expect(() => parseTimeStep('-1')).toThrow(InvalidValueError);
    expect(() => parseTimeStep('abc')).toThrow(/not a number of nanoseconds/);
    expect(() => parseTimeStep('')).toThrow(InvalidValueError);
  });

  it('is exact for every decimal with up to 3 fraction digits (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), (ps) => {
        const text = `${Math.floor(ps / 1000)}.${String(ps % 1000).padStart(3, '0')}`;
        expect(parseTimeStep(text)).toBe(ps);
      }),
    );
  });
});

describe('step durations', () => {
  const lanes = (durations: string[]) =>
    new TimeLanes({ stepNames: durations.map((_, i) => `s${i}`), stepDurations: durations });

  it('evaluates durations to integer picoseconds, and start times', () => {
    const p = Parameters.of({ exposure: new Quantity(2.5, 'us') });
    const d = evaluateStepDurations(lanes(['10 ms', 'exposure', '0 s', '1 ns / 3']), p);
    expect(d).toEqual([10_000_000_000, 2_500_000, 0, 333]);
    expect(stepStartTimes(d)).toEqual([
      0, 10_000_000_000, 10_002_500_000, 10_002_500_000, 10_002_500_333,
    ]);
    expect(secondsToPicoseconds(0.1 + 0.2)).toBe(300_000_000_000);
  });

  it('names the step and the expression of a bad duration', () => {
    expect(() => evaluateStepDurations(lanes(['1 ms', '-1 ms']), Parameters.empty)).toThrow(
      'a duration cannot be negative (-1 ms) (step 1 "s1", expression "-1 ms")',
    );
    expect(() => evaluateStepDurations(lanes(['1 V']), Parameters.empty)).toThrow(
      DimensionalityError,
    );
    expect(() => evaluateStepDurations(lanes(['3']), Parameters.empty)).toThrow(InvalidTypeError);
    expect(() => evaluateStepDurations(lanes(['wait']), Parameters.empty)).toThrow(
      UndefinedVariableError,
    );
    expect(() => evaluateStepDurations(lanes(['wait']), Parameters.empty)).toThrow(
      /step 0 "s0", expression "wait", column 1/,
    );
  });
});
