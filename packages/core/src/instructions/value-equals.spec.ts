// valueEquals compares tick values on the compressed trees: the same answer as comparing every
// tick, in time that follows the segments, not the ticks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeTable, expandChangeTable } from './change-table.js';
import { concatenate } from './concatenate.js';
import {
  instructionArbitrary,
  sameLengthArbitrary,
  ticks,
} from './instruction-arbitraries.test-helper.js';
import { Pattern } from './pattern.js';
import { createRamp } from './ramp.js';
import { repeat } from './repeat.js';
import { sliceInstruction } from './slice.js';
import { mergeInstructions } from './stack.js';
import type { TimedInstruction } from './timed-instruction.js';
import { toPattern } from './to-pattern.js';

const HIGH = Pattern.of([true]);
const LOW = Pattern.of([false]);

/** The same values as `x`, cut at `cut` and concatenated again (a different tree). */
function recut(x: TimedInstruction, cut: number): TimedInstruction {
  return concatenate(sliceInstruction(x, 0, cut), sliceInstruction(x, cut));
}

describe('valueEquals', () => {
  it('agrees with comparing every tick, for random trees of one length', () => {
    fc.assert(
      fc.property(sameLengthArbitrary(['float64', 'float64']), ([a, b]) => {
        const same = JSON.stringify(ticks(a!)) === JSON.stringify(ticks(b!));
        expect(a!.valueEquals(b!)).toBe(same);
        expect(b!.valueEquals(a!)).toBe(same);
      }),
      { numRuns: 300 },
    );
  });

  it('is true for other trees of the same values, false when one tick differs', () => {
    fc.assert(
      fc.property(
        instructionArbitrary('float64').filter((x) => x.length > 0),
        fc.nat(),
        fc.nat(),
        (x, c, t) => {
          const cut = c % (x.length + 1);
          expect(x.valueEquals(toPattern(x))).toBe(true);
          expect(x.valueEquals(recut(x, cut))).toBe(true);
          expect(expandChangeTable(changeTable(x)).valueEquals(x)).toBe(true);
          expect(repeat(x, 3).valueEquals(concatenate(x, repeat(x, 2)))).toBe(true);
          const tick = t % x.length;
          const changed = concatenate(
            sliceInstruction(x, 0, tick),
            Pattern.of([x.numberAt(tick, 0) + 0.5]),
            sliceInstruction(x, tick + 1),
          );
          expect(x.valueEquals(changed)).toBe(false);
          expect(repeat(x, 3).valueEquals(concatenate(x, changed, x))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('compares repeats of different periods through their common period', () => {
    const twoTicks = repeat(Pattern.of([0, 1]), 6);
    expect(twoTicks.valueEquals(repeat(Pattern.of([0, 1, 0, 1]), 3))).toBe(true);
    expect(twoTicks.valueEquals(repeat(Pattern.of([0, 1, 0, 1, 0, 1]), 2))).toBe(true);
    expect(
      twoTicks.valueEquals(
        concatenate(Pattern.of([0]), repeat(Pattern.of([1, 0]), 5), Pattern.of([1])),
      ),
    ).toBe(true);
    expect(twoTicks.valueEquals(repeat(Pattern.of([0, 1, 0]), 4))).toBe(false);
    expect(
      repeat(Pattern.of([0, 1]), 6).valueEquals(repeat(Pattern.of([0, 1, 0, 1, 0, 2]), 2)),
    ).toBe(false);
  });

  it('compares constants with flat ramps and sloped ramps tick by tick', () => {
    const flat = createRamp(2, 2, 5);
    expect(flat.valueEquals(repeat(Pattern.of([2]), 5))).toBe(true);
    expect(createRamp(0, 4, 4).valueEquals(Pattern.of([0, 1, 2, 3]))).toBe(true);
    expect(createRamp(0, 4, 4).valueEquals(Pattern.of([0, 1, 2, 4]))).toBe(false);
    expect(createRamp(0, 4, 4).valueEquals(repeat(Pattern.of([0]), 4))).toBe(false);
  });

  it('compares two 1 s shots at 1 ns (1e9 ticks) built differently, on their structure', () => {
    const N = 1e9;
    const half = N / 2;
    // ch 0: a shutter open for half a second; ch 1: 1 V, then a ramp to 0 V;
    // ch 2: a 1 kHz square wave (1e6-tick period).
    const pulse = concatenate(repeat(HIGH, 5e5), repeat(LOW, 5e5));
    const a = mergeInstructions({
      'ch 0': concatenate(repeat(HIGH, half), repeat(LOW, half)),
      'ch 1': concatenate(repeat(Pattern.of([1]), half), createRamp(1, 0, half)),
      'ch 2': repeat(pulse, 1000),
    });
    const shifted = concatenate(
      repeat(HIGH, 5e5),
      repeat(concatenate(repeat(LOW, 5e5), repeat(HIGH, 5e5)), 999),
      repeat(LOW, 5e5),
    );
    const b = mergeInstructions({
      'ch 0': concatenate(repeat(HIGH, 1e8), repeat(HIGH, 4e8), repeat(LOW, 3e8), repeat(LOW, 2e8)),
      'ch 1': concatenate(
        repeat(Pattern.of([1]), 3e8),
        repeat(Pattern.of([1]), 2e8),
        createRamp(1, 0, half),
      ),
      'ch 2': shifted,
    });
    expect(a.length).toBe(N);
    expect(a.valueEquals(b)).toBe(true);
    expect(b.valueEquals(a)).toBe(true);

    // One tick of the square wave changed in the middle of the shot (tick 123456789 is high).
    const glitch = concatenate(
      sliceInstruction(shifted, 0, 123_456_789),
      LOW,
      sliceInstruction(shifted, 123_456_790),
    );
    const c = mergeInstructions({
      'ch 0': concatenate(repeat(HIGH, half), repeat(LOW, half)),
      'ch 1': concatenate(repeat(Pattern.of([1]), half), createRamp(1, 0, half)),
      'ch 2': glitch,
    });
    expect(a.valueEquals(c)).toBe(false);
    // The last tick of the shutter changed.
    const d = mergeInstructions({
      'ch 0': concatenate(repeat(HIGH, half), repeat(LOW, half - 1), HIGH),
      'ch 1': concatenate(repeat(Pattern.of([1]), half), createRamp(1, 0, half)),
      'ch 2': repeat(pulse, 1000),
    });
    expect(a.valueEquals(d)).toBe(false);
  });
});
