import { describe, expect, it } from 'vitest';
import { InvalidTypeError, InvalidValueError, isRecoverable } from '../errors/index.js';
import { Expression } from '../expression/index.js';
import { Pattern, concatenate, createRamp, repeat, toPattern } from '../instructions/index.js';
import { Parameters } from '../parameters/index.js';
import { DigitalTimeLane } from '../time-lanes/index.js';
import { numberTicks, stepStartTimes } from '../time/index.js';
import { compileDigitalLane } from './compile-digital-lane.js';
import { evaluateDigitalExpression } from './evaluate-lane-expression.js';
import { squareWaveInstruction } from './square-wave.js';

const NS = 1000;
const US = 1000 * NS;
const MS = 1000 * US;
const S = 1000 * MS;

const high = (n: number): ReturnType<typeof repeat> => repeat(Pattern.of([true]), n);
const low = (n: number): ReturnType<typeof repeat> => repeat(Pattern.of([false]), n);

describe('compileDigitalLane', () => {
  it('compiles [true, false] over 1 s + 1 s at 1 ns without materialising it', () => {
    const lane = DigitalTimeLane.fromValues([true, false]);
    const x = compileDigitalLane(lane, stepStartTimes([S, S]), NS, Parameters.empty);
    expect(x.equals(concatenate(high(1e9), low(1e9)))).toBe(true);
  });

  it('evaluates expression cells with the parameters', () => {
    const lane = DigitalTimeLane.fromValues(['a', 'b', 'Enabled']);
    const parameters = Parameters.of({ a: true, b: false });
    const x = compileDigitalLane(lane, stepStartTimes([NS, 2 * NS, NS]), NS, parameters);
    expect(x.equals(concatenate(Pattern.of([true]), low(2), Pattern.of([true])))).toBe(true);
  });

  it('covers a multi-step block once and does not fuse equal neighbours', () => {
    const lane = new DigitalTimeLane([
      [true, 2],
      [true, 1],
    ]);
    const x = compileDigitalLane(
      lane,
      stepStartTimes([3 * NS, 4 * NS, 5 * NS]),
      NS,
      Parameters.empty,
    );
    expect(x.toString()).toBe('7 * [true] + 5 * [true]');
  });

  it('has exactly numberTicks(0, T) ticks for awkward durations, and twice as many at 0.5 ns', () => {
    const durations = [1234, 5678, 999, 1, 0, 2500, 10_001, 333, 7777];
    const starts = stepStartTimes(durations);
    const lane = DigitalTimeLane.fromValues([
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
    const T = starts[starts.length - 1]!;
    const x = compileDigitalLane(lane, starts, NS, Parameters.empty);
    expect(x.length).toBe(numberTicks(0, T, NS));
    const fine = compileDigitalLane(lane, starts, NS / 2, Parameters.empty);
    expect(fine.length).toBe(numberTicks(0, T, NS / 2));
    const simple = compileDigitalLane(
      DigitalTimeLane.fromValues([true, false]),
      stepStartTimes([10 * NS, 10 * NS]),
      NS / 2,
      Parameters.empty,
    );
    expect(simple.equals(concatenate(high(20), low(20)))).toBe(true);
  });

  it('names the lane, block, step and expression of a bad cell (recoverable)', () => {
    const lane = DigitalTimeLane.fromValues([true, 'undefined_thing']);
    let error: unknown;
    try {
      compileDigitalLane(lane, stepStartTimes([NS, NS]), NS, Parameters.empty, {
        laneName: 'shutter',
        stepNames: ['load', 'image'],
      });
    } catch (e) {
      error = e;
    }
    expect(isRecoverable(error)).toBe(true);
    expect((error as Error).message).toMatch(/lane "shutter"/);
    expect((error as Error).message).toMatch(/block 1/);
    expect((error as Error).message).toMatch(/step 1 \(image\)/);
    expect((error as Error).message).toMatch(/expression "undefined_thing"/);
  });

  it('refuses a non-boolean value', () => {
    const lane = DigitalTimeLane.fromValues(['10 MHz']);
    expect(() => compileDigitalLane(lane, stepStartTimes([NS]), NS, Parameters.empty)).toThrow(
      InvalidTypeError,
    );
  });

  it('refuses a lane whose length does not match the step times', () => {
    const lane = DigitalTimeLane.fromValues([true, false]);
    expect(() =>
      compileDigitalLane(lane, stepStartTimes([NS]), NS, Parameters.empty, { laneName: 'x' }),
    ).toThrow(/lane "x"/);
  });
});

describe('square_wave', () => {
  it('is one pulse for a ramp of less than one period', () => {
    expect(
      squareWaveInstruction(createRamp(0, 1, 100), 0.5).equals(concatenate(high(50), low(50))),
    ).toBe(true);
  });

  it('repeats the pulse over many periods', () => {
    const x = squareWaveInstruction(createRamp(0, 10, 1000), 0.5);
    expect(x.equals(repeat(concatenate(high(50), low(50)), 10))).toBe(true);
  });

  it('fails on a ramp too fast for the time step', () => {
    expect(() => squareWaveInstruction(createRamp(0, 1000, 10), 0.5)).toThrow(InvalidValueError);
    expect(() => squareWaveInstruction(createRamp(0, 10, 1000), 0.001)).toThrow(/high part/);
    expect(() => squareWaveInstruction(createRamp(0, 10, 1000), 0.999)).toThrow(/low part/);
  });

  it('follows the duty cycle and the initial phase', () => {
    expect(
      squareWaveInstruction(createRamp(0, 10, 1000), 0.1).equals(
        repeat(concatenate(high(10), low(90)), 10),
      ),
    ).toBe(true);
    expect(
      squareWaveInstruction(createRamp(0.1, 10.1, 1000), 0.1).equals(
        repeat(concatenate(low(90), high(10)), 10),
      ),
    ).toBe(true);
  });

  it('handles a falling x tick by tick over one period', () => {
    const x = squareWaveInstruction(createRamp(0.25, -9.75, 1000), 0.5);
    const sampled = Array.from({ length: 1000 }, (_, i) => {
      const v = 0.25 - i / 100;
      return v - Math.floor(v) < 0.5 ? 1 : 0;
    });
    expect(Array.from(toPattern(x).array)).toEqual(sampled);
    expect(x.depth).toBeLessThanOrEqual(3);
  });

  it('computes patterns value by value and keeps repeats', () => {
    const x = repeat(Pattern.of([0.1, 0.6, 1.2]), 1000);
    expect(
      squareWaveInstruction(x, 0.5).equals(repeat(Pattern.of([true, false, true]), 1000)),
    ).toBe(true);
  });

  const evaluate = (source: string): ReturnType<typeof evaluateDigitalExpression> =>
    evaluateDigitalExpression(new Expression(source), Parameters.empty, 0, S, US);

  it('evaluates square_wave(t * 1 kHz) over 1 s at 1 us as a repeated pulse', () => {
    expect(
      evaluate('square_wave(t * 1 kHz)').equals(repeat(concatenate(high(500), low(500)), 1000)),
    ).toBe(true);
    expect(
      evaluate('square_wave(t / 1 ms)').equals(repeat(concatenate(high(500), low(500)), 1000)),
    ).toBe(true);
  });

  it('evaluates a time offset and a duty cycle', () => {
    expect(
      evaluate('square_wave((t - 0.5 ms) / 1 ms)').equals(
        repeat(concatenate(low(500), high(500)), 1000),
      ),
    ).toBe(true);
    expect(
      evaluate('square_wave(t / 1 ms, 10%)').equals(repeat(concatenate(high(100), low(900)), 1000)),
    ).toBe(true);
  });

  it('takes t from the block start, at a block that does not start on a tick', () => {
    const x = evaluateDigitalExpression(
      new Expression('square_wave(t / 10 ns)'),
      Parameters.empty,
      2500,
      102_500,
      NS,
    );
    // Ticks 3..102: t = 0.5 ns, 1.5 ns...: x = 0.05, 0.15... is high for 5 ticks, then low for 5.
    expect(x.length).toBe(100);
    expect(x.equals(repeat(concatenate(high(5), low(5)), 10))).toBe(true);
    const shifted = evaluateDigitalExpression(
      new Expression('square_wave((t - 2 ns) / 10 ns)'),
      Parameters.empty,
      2500,
      102_500,
      NS,
    );
    // x = -0.15, -0.05, 0.05...: low 2 ticks, high 5, low 3.
    expect(shifted.equals(repeat(concatenate(low(2), high(5), low(3)), 10))).toBe(true);
  });

  it('refuses other time-dependent forms and a time-dependent duty cycle', () => {
    expect(() => evaluate('square_wave(t / 1 ms, t / 1 s)')).toThrow(/must not depend on t/);
    expect(() => evaluate('square_wave(t / 1 ms, 2)')).toThrow(InvalidValueError);
    expect(() => evaluate('square_wave(t * 1 GHz)')).toThrow(/too fast/);
  });

  it('refuses time-dependent values that are not boolean square waves', () => {
    for (const source of ['square_wave(t / 1 ms) + 1', 't / 1 ms']) {
      const lane = new DigitalTimeLane([[new Expression(source), 1]]);
      let error: unknown;
      try {
        compileDigitalLane(lane, stepStartTimes([MS]), US, Parameters.empty, { laneName: 'ttl' });
      } catch (e) {
        error = e;
      }
      expect(isRecoverable(error)).toBe(true);
      expect(error).toBeInstanceOf(InvalidTypeError);
      expect((error as Error).message).toMatch(/step 0, lane "ttl", block 0/);
    }
  });
});
