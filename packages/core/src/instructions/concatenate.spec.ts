import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatenate } from './concatenate.js';
import { constantInstruction } from './constant.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { Pattern } from './pattern.js';
import { createRamp } from './ramp.js';
import { Repeated } from './repeated.js';
import { repeat } from './repeat.js';
import { withName } from './field.js';
import { instructionArbitrary, values } from './instruction-arbitraries.test-helper.js';

describe('concatenate', () => {
  it('fuses adjacent patterns into one pattern', () => {
    const x = concatenate(Pattern.of([1, 2]), Pattern.of([3]));
    expect(x.equals(Pattern.of([1, 2, 3]))).toBe(true);
  });

  it('drops empty pieces and returns a single remaining piece itself', () => {
    const r = repeat(Pattern.of([1]), 3);
    expect(concatenate(Pattern.of([]), r, createRamp(0, 1, 0))).toBe(r);
    expect(concatenate(Pattern.of([])).length).toBe(0);
  });

  it('flattens nested concatenations', () => {
    const a = concatenate(repeat(Pattern.of([1]), 2), createRamp(0, 1, 2));
    const b = concatenate(a, a);
    expect(b.kind).toBe('concatenated');
    expect(b.depth).toBe(2);
    expect((b as unknown as { instructions: unknown[] }).instructions).toHaveLength(4);
  });

  it('fuses patterns across the border of flattened concatenations', () => {
    const a = concatenate(repeat(Pattern.of([1]), 2), Pattern.of([5]));
    const b = concatenate(Pattern.of([6]), repeat(Pattern.of([1]), 2));
    const x = concatenate(a, b);
    expect(x.toString()).toBe('2 * [1] + [5, 6] + 2 * [1]');
  });

  it('promotes scalar dtypes (bool < integers < float64)', () => {
    const x = concatenate(Pattern.of([true]), Pattern.of([2], 'int32'));
    expect(x.dtype).toBe('int32');
    expect(values(x)).toEqual([1, 2]);
    expect(concatenate(Pattern.of([1], 'int8'), Pattern.of([200], 'uint8')).dtype).toBe('int16');
    expect(concatenate(Pattern.of([1], 'int32'), createRamp(0, 1, 2)).dtype).toBe('float64');
  });

  it('refuses to mix named channels with a plain channel', () => {
    expect(() => concatenate(withName(Pattern.of([1]), 'a'), Pattern.of([1]))).toThrow(
      InstructionTypeError,
    );
  });

  it('needs at least one instruction', () => {
    expect(() => concatenate()).toThrow(InstructionValueError);
  });

  it('is associative and its length is the sum of lengths', () => {
    fc.assert(
      fc.property(
        instructionArbitrary(),
        instructionArbitrary(),
        instructionArbitrary(),
        (a, b, c) => {
          const left = concatenate(concatenate(a, b), c);
          const right = concatenate(a, concatenate(b, c));
          expect(left.equals(right)).toBe(true);
          expect(left.length).toBe(a.length + b.length + c.length);
          expect(values(left)).toEqual([...values(a), ...values(b), ...values(c)]);
        },
      ),
    );
  });
});

describe('constantInstruction', () => {
  it('holds one value, sharing the leaf of booleans', () => {
    const a = constantInstruction(true, 1_000_000_000);
    const b = constantInstruction(true, 5);
    expect(a.equals(repeat(Pattern.of([true]), 1_000_000_000))).toBe(true);
    expect((a as Repeated).instruction).toBe((b as Repeated).instruction);
    expect(constantInstruction(2.5, 3).dtype).toBe('float64');
    expect(values(constantInstruction(7, 2, 'int16'))).toEqual([7, 7]);
    expect(constantInstruction(false, 1).equals(Pattern.of([false]))).toBe(true);
    expect(constantInstruction(1, 0).length).toBe(0);
  });

  it('refuses non-finite floats and bad lengths', () => {
    expect(() => constantInstruction(Number.NaN, 3)).toThrow(InstructionValueError);
    expect(() => constantInstruction(1, -1)).toThrow(InstructionValueError);
    expect(() => constantInstruction(1.5, 2, 'int8')).toThrow(/does not fit/);
  });
});

describe('repeat', () => {
  it('gives empty for 0, the instruction for 1 and a Repeated otherwise', () => {
    const p = Pattern.of([1, 2]);
    expect(repeat(p, 0).length).toBe(0);
    expect(repeat(p, 1)).toBe(p);
    const r = repeat(p, 3);
    expect(r).toBeInstanceOf(Repeated);
    expect(values(r)).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('multiplies the counts of a Repeated', () => {
    const r = repeat(repeat(Pattern.of([1, 2]), 3), 4);
    expect(r.equals(new Repeated(12, Pattern.of([1, 2])))).toBe(true);
  });

  it('refuses counts that are not non-negative safe integers', () => {
    const p = Pattern.of([1]);
    expect(() => repeat(p, 1.5)).toThrow(InstructionTypeError);
    expect(() => repeat(p, Number.NaN)).toThrow(InstructionTypeError);
    expect(() => repeat(p, 2 ** 60)).toThrow(InstructionTypeError);
    expect(() => repeat(p, -1)).toThrow(InstructionValueError);
    expect(() => repeat(repeat(p, 2 ** 30), 2 ** 30)).toThrow(/safe integer/);
  });

  it('describes 1e9 ticks without materialising them', () => {
    const r = repeat(Pattern.of([true]), 1_000_000_000);
    expect(r.length).toBe(1e9);
    expect(r.at(999_999_999)).toBe(true);
  });

  it('distributes: repeat(x, m + n) has the values of repeat(x, m) + repeat(x, n)', () => {
    fc.assert(
      fc.property(instructionArbitrary(), fc.nat(4), fc.nat(4), (x, m, n) => {
        expect(values(repeat(x, m + n))).toEqual(values(concatenate(repeat(x, m), repeat(x, n))));
        expect(values(repeat(repeat(x, m), n))).toEqual(values(repeat(x, m * n)));
      }),
    );
  });
});
