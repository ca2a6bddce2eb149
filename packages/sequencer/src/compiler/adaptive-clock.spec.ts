import { Pattern, concatenate, createRamp, repeat } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { valuesOf } from '../sequencer.test-helper.js';
import {
  adaptiveClock,
  clockPulse,
  clockSamples,
  lastClockSample,
  startTrigger,
} from './adaptive-clock.js';

describe('the adaptive clock', () => {
  const pulse = clockPulse(3000, 1000);

  it('is high ceil(div/2) and low floor(div/2) master ticks per slave tick', () => {
    expect(valuesOf(pulse)).toEqual([1, 1, 0]);
    expect(valuesOf(clockPulse(4000, 1000))).toEqual([1, 1, 0, 0]);
  });

  it('pulses once per value of a pattern', () => {
    expect(adaptiveClock(Pattern.of([1, 2, 3, 4]), pulse).equals(repeat(pulse, 4))).toBe(true);
  });

  it('pulses once per tick of a ramp', () => {
    expect(valuesOf(adaptiveClock(createRamp(0, 1, 2), pulse))).toEqual([1, 1, 0, 1, 1, 0]);
  });

  it('pulses once for a constant block, then stays low', () => {
    const x = concatenate(Pattern.of([1, 2]), repeat(Pattern.of([5]), 3), Pattern.of([7]));
    expect(valuesOf(adaptiveClock(x, pulse))).toEqual([
      ...[1, 1, 0, 1, 1, 0],
      ...[1, 1, 0, 0, 0, 0, 0, 0, 0],
      ...[1, 1, 0],
    ]);
  });

  it('repeats the clock of a repeated block of several values', () => {
    const x = repeat(Pattern.of([0, 1]), 1000);
    const clock = adaptiveClock(x, pulse);
    expect(clock.equals(repeat(repeat(pulse, 2), 1000))).toBe(true);
  });

  it('has one pulse per sample the slave plays', () => {
    const x = concatenate(
      Pattern.of([1, 2]),
      repeat(Pattern.of([5]), 3),
      repeat(Pattern.of([0, 1]), 2),
      createRamp(0, 1, 2),
    );
    const samples = [...clockSamples(x)];
    expect(samples).toEqual([
      { start: 0, length: 1 },
      { start: 1, length: 1 },
      { start: 2, length: 3 },
      { start: 5, length: 1 },
      { start: 6, length: 1 },
      { start: 7, length: 1 },
      { start: 8, length: 1 },
      { start: 9, length: 1 },
      { start: 10, length: 1 },
    ]);
    expect(lastClockSample(x)).toEqual(samples[samples.length - 1]);
    expect(lastClockSample(concatenate(x, repeat(Pattern.of([3]), 4)))).toEqual({
      start: 11,
      length: 4,
    });
    const clock = valuesOf(adaptiveClock(x, pulse));
    const rising = clock.flatMap((v, i) => (v === 1 && (i === 0 || clock[i - 1] === 0) ? [i] : []));
    expect(rising).toEqual(samples.map((s) => s.start * 3));
  });
});

describe('the start trigger', () => {
  it('is high for the first half of the shot', () => {
    expect(valuesOf(startTrigger(5))).toEqual([1, 1, 0, 0, 0]);
  });

  it('needs at least two ticks', () => {
    expect(() => startTrigger(1)).toThrow(/too short for a start trigger/);
  });
});
