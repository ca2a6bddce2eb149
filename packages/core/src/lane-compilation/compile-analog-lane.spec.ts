import { describe, expect, it } from 'vitest';
import { DimensionalityError, InvalidValueError, isRecoverable } from '../errors/index.js';
import { Expression } from '../expression/index.js';
import {
  Pattern,
  Ramp,
  concatenate,
  createRamp,
  repeat,
  toPattern,
} from '../instructions/index.js';
import { Parameters } from '../parameters/index.js';
import { AnalogRamp, AnalogTimeLane } from '../time-lanes/index.js';
import { numberTicks, stepStartTimes } from '../time/index.js';
import { Quantity, Unit } from '../units/index.js';
import { compileAnalogLane } from './compile-analog-lane.js';
import { evaluateAnalogExpression } from './evaluate-lane-expression.js';

const NS = 1000;
const S = 1e12;
const RAMP = new AnalogRamp();

function compile(
  values: readonly (string | AnalogRamp)[],
  durations: readonly number[],
  timeStep = NS,
  parameters = Parameters.empty,
): ReturnType<typeof compileAnalogLane> {
  return compileAnalogLane(
    AnalogTimeLane.fromValues(values),
    stepStartTimes(durations),
    timeStep,
    parameters,
    { laneName: 'coil', stepNames: durations.map((_, i) => `s${i}`) },
  );
}

function values(x: ReturnType<typeof compileAnalogLane>): number[] {
  return Array.from(toPattern(x.values).array);
}

function failure(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('compileAnalogLane', () => {
  it('ramps between its neighbours: [0, ramp, 10] over [0, 4 ns, 0]', () => {
    const x = compile(['0', RAMP, '10'], [0, 4 * NS, 0]);
    expect(x.values.equals(createRamp(0, 10, 4))).toBe(true);
    expect(x.unit.isDimensionless).toBe(true);
  });

  it('samples a ramp at the ticks: [0, ramp, 1] over 0.5, 2 and 1.5 ns gives [0, 0.25, 0.75, 1]', () => {
    expect(values(compile(['0', RAMP, '1'], [500, 2000, 1500]))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('outputs SI base units: [10 V, ramp, 100 mV] at 10 ns', () => {
    const x = compile(['10 V', RAMP, '100 mV'], [10 * NS, 20 * NS, 30 * NS], 10 * NS);
    const expected = concatenate(
      Pattern.of([10]),
      createRamp(10, 0.1, 2),
      repeat(Pattern.of([0.1]), 3),
    );
    expect(x.values.equals(expected)).toBe(true);
    expect(x.unit.equals(Unit.parse('V').baseUnit)).toBe(true);
    expect(x.unit.baseSymbol).toBe('kg*m^2/s^3/A');
  });

  it('converts dB to linear values: [0 dB, 10 dB]', () => {
    const x = compile(['0 dB', '10 dB'], [10 * NS, 10 * NS]);
    expect(
      x.values.valueEquals(concatenate(repeat(Pattern.of([1]), 10), repeat(Pattern.of([10]), 10))),
    ).toBe(true);
    expect(x.unit.isDimensionless).toBe(true);
  });

  it('ramps linearly in linear space between dB values', () => {
    const x = compile(['0 dB', RAMP, '10 dB'], [10 * NS, 10 * NS, 10 * NS]);
    const v = values(x);
    expect(v.slice(0, 10)).toEqual(Array(10).fill(1));
    v.slice(10, 20).forEach((value, i) => expect(value).toBeCloseTo(1 + 0.9 * i, 12));
    expect(v.slice(20)).toEqual(Array(10).fill(10));
  });

  it('allows a zero-duration ramp', () => {
    const x = compile(['1 V', RAMP, '2 V'], [2 * NS, 0, 2 * NS]);
    expect(values(x)).toEqual([1, 1, 2, 2]);
  });

  it('evaluates t from the block start, as a ramp when linear', () => {
    const x = compile(['t / (10 ns) * 1 Hz'], [10 * NS]);
    expect(x.values).toBeInstanceOf(Ramp);
    values(x).forEach((value, i) => expect(value).toBeCloseTo(i / 10, 12));
    expect(x.unit.baseSymbol).toBe('1/s');
  });

  it('samples non-linear functions of t at each tick', () => {
    const x = compile(['sin(2 pi t / 8 ns) * 1 V'], [8 * NS]);
    values(x).forEach((value, i) => expect(value).toBeCloseTo(Math.sin((2 * Math.PI * i) / 8), 12));
  });

  it('ramps from the true end of a time-dependent block to the true start of the next', () => {
    // 't' block over [0, 3.5 ns): value at its true end is 3.5; next block starts at 2 V.
    const x = compile(['t / 1 ns * 1 V', RAMP, '2 V + t / 1 ns * 1 V'], [3500, 2000, 2 * NS]);
    const v = values(x);
    expect(v.slice(0, 4)).toEqual([0, 1, 2, 3]);
    // Ramp over [3.5, 5.5) ns, ticks 4 and 5: from 3.5 towards 2 V at 5.5 ns.
    expect(v[4]).toBeCloseTo(3.5 + (2 - 3.5) * (0.5 / 2), 12);
    expect(v[5]).toBeCloseTo(3.5 + (2 - 3.5) * (1.5 / 2), 12);
    // Last block [5.5, 7.5) ns, ticks 6, 7: t = 0.5 ns, 1.5 ns.
    expect(v[6]).toBeCloseTo(2.5, 12);
    expect(v[7]).toBeCloseTo(3.5, 12);
  });

  it('keeps a 1 s ramp at 1 ns compressed', () => {
    const x = compile(['0 V', RAMP, '1 V', '10 mV * t / 1 s'], [NS, S, NS, S]);
    expect(x.values.length).toBe(numberTicks(0, 2 * S + 2 * NS, NS));
    expect(x.values.depth).toBeLessThanOrEqual(2);
    expect(x.values.at(1 + 500_000_000)).toBeCloseTo(0.5, 9);
    expect(x.values.at(-1)).toBeCloseTo(0.01, 9);
  });

  it('uses the parameters', () => {
    const parameters = Parameters.of({ 'mot.current': new Quantity(2, 'A') });
    const x = compile(['mot.current', '2 * mot.current'], [NS, NS], NS, parameters);
    expect(values(x)).toEqual([2, 4]);
  });

  it('names the lane, block, step and expression of a failing block (recoverable)', () => {
    const error = failure(() => compile(['1 V', 'missing * 1 V'], [NS, NS]));
    expect(isRecoverable(error)).toBe(true);
    expect(error.message).toMatch(
      /step 1 \(s1\), lane "coil", block 1, expression "missing \* 1 V"/,
    );
  });

  it('refuses blocks of different dimensions, naming the groups', () => {
    const error = failure(() => compile(['1 V', '2 V', '10 MHz'], [NS, NS, NS]));
    expect(error).toBeInstanceOf(DimensionalityError);
    expect(error.message).toMatch(/blocks 0, 1 in V; block 2 in MHz/);
    expect(error.message).toMatch(/lane "coil"/);
  });

  it('refuses a ramp first, last, or after another ramp', () => {
    expect(failure(() => compile([RAMP, '1 V'], [NS, NS]))).toBeInstanceOf(InvalidValueError);
    expect(failure(() => compile([RAMP, '1 V'], [NS, NS])).message).toMatch(/first block.*block 0/);
    expect(failure(() => compile(['1 V', RAMP], [NS, NS])).message).toMatch(/last block/);
    const twice = AnalogTimeLane.fromValues(['1 V', RAMP, RAMP, '2 V']);
    const lane = new AnalogTimeLane([
      ...twice.spannedValues().slice(0, 1),
      [RAMP, 1],
      [RAMP, 1],
      ...twice.spannedValues().slice(-1),
    ]);
    const error = failure(() =>
      compileAnalogLane(lane, stepStartTimes([NS, NS, NS, NS]), NS, Parameters.empty),
    );
    expect(error.message).toMatch(/another ramp/);
  });
});

describe('evaluateAnalogExpression', () => {
  it('keeps sums and products by constants of t as ramps', () => {
    const x = evaluateAnalogExpression(
      new Expression('2 V + 3 V * (t - 1 ns) / 1 ns - t / 2 ns * 1 V'),
      Parameters.empty,
      0,
      4 * NS,
      NS,
    );
    expect(x.values).toBeInstanceOf(Ramp);
    Array.from(toPattern(x.values).array).forEach((v, i) =>
      expect(v).toBeCloseTo(2 + 3 * (i - 1) - i / 2, 12),
    );
  });

  it('multiplies two functions of t value by value', () => {
    const x = evaluateAnalogExpression(
      new Expression('t * t / 1 ns^2'),
      Parameters.empty,
      0,
      4 * NS,
      NS,
    );
    Array.from(toPattern(x.values).array).forEach((v, i) => expect(v).toBeCloseTo(i * i, 9));
  });

  it('samples a function of t combined with constants in one pass, exactly as the expression', () => {
    // Block [3.5 ns, 40 ns) at 1 ns: tick i is at t = (4 + i) ns - 3.5 ns from the block start.
    for (const source of [
      '1 V * sin(2 pi t / 7 ns)',
      '-(0.5 V + 2 V * cos(t / 3 ns) / 4)',
      '3 V - exp(-t / 10 ns) * a',
      '(t / 2 ns)^2 * 1 V',
    ]) {
      const expression = new Expression(source);
      const parameters = Parameters.of({ a: new Quantity(1.5, 'V') });
      const x = evaluateAnalogExpression(expression, parameters, 3500, 40 * NS, NS);
      expect(x.values, source).toBeInstanceOf(Pattern);
      const times = Array.from({ length: 36 }, (_, i) => ((4 + i) * NS - 3500) / 1e12);
      expect(Array.from(toPattern(x.values).array), source).toEqual(
        Array.from(expression.evaluateAt(parameters, times)),
      );
    }
  });

  it('refuses a division by zero and non-finite values', () => {
    expect(() =>
      evaluateAnalogExpression(new Expression('t / (0 s)'), Parameters.empty, 0, 4 * NS, NS),
    ).toThrow();
    expect(() =>
      evaluateAnalogExpression(new Expression('1 s / t'), Parameters.empty, 0, 4 * NS, NS),
    ).toThrow(/finite/);
  });
});
