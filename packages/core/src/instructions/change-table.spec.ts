import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeTable, expandChangeTable } from './change-table.js';
import { concatenate } from './concatenate.js';
import { InstructionTooLargeError, InstructionValueError } from './instruction-errors.js';
import { Pattern } from './pattern.js';
import { createRamp } from './ramp.js';
import { repeat } from './repeat.js';
import { mergeInstructions } from './stack.js';
import {
  instructionArbitrary,
  sameLengthArbitrary,
} from './instruction-arbitraries.test-helper.js';

describe('changeTable', () => {
  it('lists the ticks where the value changes, with a final sentinel', () => {
    const x = concatenate(repeat(Pattern.of([true]), 5), repeat(Pattern.of([false]), 3));
    const table = changeTable(x);
    expect(Array.from(table.times)).toEqual([0, 5, 8]);
    expect(Array.from(table.columns[0]!)).toEqual([1, 0, 0]);
  });

  it('collapses a Repeated of a constant however long', () => {
    const table = changeTable(repeat(Pattern.of([2.5]), 1_000_000_000));
    expect(Array.from(table.times)).toEqual([0, 1e9]);
    expect(Array.from(table.columns[0]!)).toEqual([2.5, 2.5]);
  });

  it('emits one entry per change only, merging equal neighbours', () => {
    const x = concatenate(
      Pattern.of([1, 1, 2]),
      repeat(Pattern.of([2]), 4),
      repeat(Pattern.of([3, 3, 1]), 2),
    );
    const table = changeTable(x);
    expect(Array.from(table.times)).toEqual([0, 2, 7, 9, 10, 12, 13]);
    expect(Array.from(table.columns[0]!)).toEqual([1, 2, 3, 1, 3, 1, 1]);
  });

  it('changes when any channel changes', () => {
    const merged = mergeInstructions({
      a: concatenate(repeat(Pattern.of([true]), 4), repeat(Pattern.of([false]), 4)),
      b: concatenate(repeat(Pattern.of([0]), 2), repeat(Pattern.of([1]), 6)),
    });
    const table = changeTable(merged);
    expect(Array.from(table.times)).toEqual([0, 2, 4, 8]);
    expect(Array.from(table.columns[0]!)).toEqual([1, 1, 0, 0]);
    expect(Array.from(table.columns[1]!)).toEqual([0, 1, 1, 1]);
  });

  it('unrolls ramps', () => {
    const table = changeTable(createRamp(0, 4, 4));
    expect(Array.from(table.times)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(table.columns[0]!)).toEqual([0, 1, 2, 3, 3]);
  });

  it('refuses a table larger than the limit before building it', () => {
    const clock = repeat(Pattern.of([true, false]), 500_000_000);
    expect(() => changeTable(clock)).toThrow(InstructionTooLargeError);
    expect(() => changeTable(Pattern.of([1, 2, 3, 4]), { maxEntries: 3 })).toThrow(/limit 3/);
  });

  it('gives an empty table for an empty instruction', () => {
    expect(changeTable(Pattern.of([])).times.length).toBe(0);
    expect(expandChangeTable(changeTable(Pattern.of([]))).length).toBe(0);
  });

  it('round-trips: expanding the table gives the same values (property)', () => {
    fc.assert(
      fc.property(instructionArbitrary(), (x) => {
        const table = changeTable(x);
        for (let i = 1; i < table.times.length; i++) {
          expect(table.times[i]!).toBeGreaterThan(table.times[i - 1]!);
        }
        expect(expandChangeTable(table).valueEquals(x)).toBe(true);
      }),
    );
  });

  it('round-trips multi-channel instructions (property)', () => {
    fc.assert(
      fc.property(sameLengthArbitrary(['bool', 'float64', 'int32']), ([a, b, c]) => {
        const merged = mergeInstructions({ a: a!, b: b!, c: c! });
        expect(expandChangeTable(changeTable(merged)).valueEquals(merged)).toBe(true);
      }),
    );
  });

  it('refuses malformed tables when expanding', () => {
    const table = changeTable(concatenate(Pattern.of([1]), repeat(Pattern.of([2]), 3)));
    expect(() => expandChangeTable({ ...table, times: Float64Array.of(0, 3, 2) })).toThrow(
      InstructionValueError,
    );
  });
});
