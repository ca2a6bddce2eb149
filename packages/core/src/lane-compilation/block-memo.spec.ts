// Lane compilation remembers each block's values across shots. The memory must be invisible: a
// lane compiled shot after shot gives what a fresh copy of the lane (no memory) gives, while the
// blocks a shot does not change are reused as they are.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors/index.js';
import { Concatenated, type TimedInstruction } from '../instructions/index.js';
import { ParameterType, Parameters } from '../parameters/index.js';
import { AnalogRamp, AnalogTimeLane, DigitalTimeLane } from '../time-lanes/index.js';
import { stepStartTimes } from '../time/index.js';
import { Quantity } from '../units/index.js';
import { compileAnalogLane } from './compile-analog-lane.js';
import { compileDigitalLane } from './compile-digital-lane.js';

const NS = 1000;
const US = 1e6;
const RAMP = new AnalogRamp();

const analogSpans = [
  ['1 V + x * 0.5 V', 2],
  [RAMP, 1],
  ['2 V', 1],
  ['a * sin(2 pi t / 3 us)', 2],
  [RAMP, 1],
  ['x * 1 V', 1],
  ['-1 V', 1],
] as const;
const digitalSpans = [
  [true, 1],
  ['flag', 2],
  [false, 1],
  ['square_wave(t / 2 us, 0.25)', 2],
  ['square_wave(x, 0.5)', 1],
  [true, 2],
] as const;
const STEPS = 9;

/** Children of a compiled lane, in order. */
function pieces(x: TimedInstruction): readonly TimedInstruction[] {
  return x instanceof Concatenated ? x.instructions : [x];
}

interface Shot {
  readonly x: number;
  readonly flag: boolean;
  /** One step made longer by `delta` (a scan of a duration). */
  readonly step: number;
  readonly delta: number;
}

const shotArbitrary: fc.Arbitrary<Shot> = fc.record({
  x: fc.constantFrom(0, 0.25, 0.5, 1),
  flag: fc.boolean(),
  step: fc.integer({ min: 0, max: STEPS - 1 }),
  // Off the 10 ns grid, so that the later blocks move by fractions of a tick.
  delta: fc.integer({ min: 0, max: 10 }).map((k) => k * 5 * NS),
});

/** Base step durations: 0 to 10 us, in multiples of 25 ns. */
const durationsArbitrary = fc.array(
  fc.integer({ min: 0, max: 400 }).map((k) => k * 25 * NS),
  { minLength: STEPS, maxLength: STEPS },
);

function parametersOf(shot: Shot): Parameters {
  return Parameters.of({ x: shot.x, flag: shot.flag, a: new Quantity(0.5, 'V') });
}

describe('lane compilation memory across shots', () => {
  it('gives what a lane without memory gives, for any sequence of shots', () => {
    fc.assert(
      fc.property(
        durationsArbitrary,
        fc.array(shotArbitrary, { minLength: 1, maxLength: 8 }),
        (base, shots) => {
          const analog = new AnalogTimeLane(analogSpans);
          const digital = new DigitalTimeLane(digitalSpans);
          for (const shot of shots) {
            const starts = stepStartTimes(
              base.map((d, i) => (i === shot.step ? d + shot.delta : d)),
            );
            const parameters = parametersOf(shot);
            const a = compileAnalogLane(analog, starts, 10 * NS, parameters);
            const fresh = compileAnalogLane(
              new AnalogTimeLane(analogSpans),
              starts,
              10 * NS,
              parameters,
            );
            expect(a.values.equals(fresh.values)).toBe(true);
            expect(a.unit.equals(fresh.unit)).toBe(true);
            const d = compileDigitalLane(digital, starts, 10 * NS, parameters);
            const freshDigital = compileDigitalLane(
              new DigitalTimeLane(digitalSpans),
              starts,
              10 * NS,
              parameters,
            );
            expect(d.equals(freshDigital)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reuses the blocks a shot does not change: a step duration changes the blocks after it', () => {
    const lane = new AnalogTimeLane(analogSpans);
    const parameters = Parameters.of({ x: 0.5, a: new Quantity(0.5, 'V') });
    const durations = Array.from({ length: STEPS }, () => 1 * US);
    const first = pieces(
      compileAnalogLane(lane, stepStartTimes(durations), 10 * NS, parameters).values,
    );
    // Step 2 lasts 25 ns longer: every later block starts off the 10 ns grid.
    const longer = durations.map((d, i) => (i === 2 ? d + 25 * NS : d));
    const second = pieces(
      compileAnalogLane(lane, stepStartTimes(longer), 10 * NS, parameters).values,
    );
    expect(second.length).toBe(first.length);
    // Block 0 (steps 0-1) is before the change; the ramp (step 2) is 3 ticks longer; `2 V`
    // (step 3) moved by 25 ns but keeps its 100 ticks; the sine (steps 4-5) is sampled 5 ns
    // further from its start; `-1 V` (step 8) keeps its 100 ticks.
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[2]).toBe(first[2]);
    expect(second[3]).not.toBe(first[3]);
    expect(second[6]).toBe(first[6]);
  });

  it('evaluates a block again when a parameter it reads changes value or type', () => {
    const lane = new AnalogTimeLane([
      ['x * 1 V', 1],
      ['2 V', 1],
    ]);
    const starts = stepStartTimes([1 * US, 1 * US]);
    const one = pieces(compileAnalogLane(lane, starts, 10 * NS, Parameters.of({ x: 1 })).values);
    const same = pieces(compileAnalogLane(lane, starts, 10 * NS, Parameters.of({ x: 1 })).values);
    expect(same[0]).toBe(one[0]);
    expect(same[1]).toBe(one[1]);
    const two = pieces(compileAnalogLane(lane, starts, 10 * NS, Parameters.of({ x: 2 })).values);
    expect(two[0]!.numberAt(0, 0)).toBe(2);
    expect(two[1]).toBe(one[1]);
    const float = Parameters.empty.with('x', 2, ParameterType.float);
    const asFloat = pieces(compileAnalogLane(lane, starts, 10 * NS, float).values);
    expect(asFloat[0]).not.toBe(two[0]);
    expect(asFloat[0]!.numberAt(0, 0)).toBe(2);
  });

  it('sees a parameter that shadows a unit or a constant', () => {
    const lane = new AnalogTimeLane([['2 * pi', 1]]);
    const starts = stepStartTimes([1 * US]);
    const plain = compileAnalogLane(lane, starts, 10 * NS, Parameters.empty);
    expect(plain.values.numberAt(0, 0)).toBeCloseTo(2 * Math.PI);
    const shadowed = compileAnalogLane(lane, starts, 10 * NS, Parameters.of({ pi: 3 }));
    expect(shadowed.values.numberAt(0, 0)).toBe(6);
  });

  it('names the lane, block and step of an error in a later shot, and remembers no failure', () => {
    const lane = new AnalogTimeLane([
      ['1 V', 1],
      ['1 V / x', 1],
    ]);
    const starts = stepStartTimes([1 * US, 1 * US]);
    const context = { laneName: 'coil', stepNames: ['load', 'probe'] };
    compileAnalogLane(lane, starts, 10 * NS, Parameters.of({ x: 2 }), context);
    let error: unknown;
    try {
      compileAnalogLane(lane, starts, 10 * NS, Parameters.of({ x: 0 }), context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EvaluationError);
    expect((error as EvaluationError).location).toMatchObject({
      lane: 'coil',
      block: 1,
      step: 'step 1 (probe)',
    });
    const again = compileAnalogLane(lane, starts, 10 * NS, Parameters.of({ x: 4 }), context);
    expect(pieces(again.values)[1]!.numberAt(0, 0)).toBe(0.25);
  });
});
