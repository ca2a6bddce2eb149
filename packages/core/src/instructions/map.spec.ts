import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { castInstruction } from './cast.js';
import { concatenate } from './concatenate.js';
import { extractField, selectFields, withName } from './field.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { mapInstruction } from './map.js';
import { Pattern } from './pattern.js';
import { Ramp, createRamp } from './ramp.js';
import { Repeated } from './repeated.js';
import { repeat } from './repeat.js';
import { mergeInstructions } from './stack.js';
import { zipInstructions } from './zip.js';
import {
  expectCloseValues,
  instructionArbitrary,
  sameLengthArbitrary,
  values,
} from './instruction-arbitraries.test-helper.js';

describe('mapInstruction', () => {
  it('keeps the structure and maps a Repeated child once', () => {
    const x = concatenate(repeat(Pattern.of([1, 2]), 1000), Pattern.of([3]));
    const y = mapInstruction(x, (v) => v * 10);
    expect(y.toString()).toBe('1000 * [10, 20] + [30]');
  });

  it('maps a ramp through its ends when the map is declared affine', () => {
    const y = mapInstruction(createRamp(0, 4, 4), (v) => 2 * v + 1, { affine: true });
    expect(y).toBeInstanceOf(Ramp);
    expect(values(y)).toEqual([1, 3, 5, 7]);
  });

  it('unrolls a ramp for a non-linear map, but not a constant ramp', () => {
    const y = mapInstruction(createRamp(0, 4, 4), (v) => v * v);
    expect(y).toBeInstanceOf(Pattern);
    expect(values(y)).toEqual([0, 1, 4, 9]);
    const constant = mapInstruction(createRamp(3, 3, 1_000_000_000), (v) => v * v);
    expect(constant).toBeInstanceOf(Ramp);
    expect(constant.at(999)).toBe(9);
  });

  it('changes the dtype and refuses results that do not fit it', () => {
    const digital = mapInstruction(Pattern.of([0.2, 0.7]), (v) => v > 0.5, { dtype: 'bool' });
    expect(values(digital)).toEqual([0, 1]);
    expect(() => mapInstruction(Pattern.of([1, 0]), (v) => 1 / v)).toThrow(/must be finite/);
    expect(() => mapInstruction(Pattern.of([1]), (v) => v + 0.5, { dtype: 'int32' })).toThrow(
      InstructionValueError,
    );
  });

  it('equals mapping the explicit values (property)', () => {
    fc.assert(
      fc.property(instructionArbitrary(), (x) => {
        expect(values(mapInstruction(x, (v) => v * v - 1))).toEqual(
          values(x).map((v) => v * v - 1),
        );
        expectCloseValues(
          mapInstruction(x, (v) => 3 * v + 2, { affine: true }),
          Pattern.of(values(x).map((v) => 3 * v + 2)),
        );
      }),
    );
  });
});

describe('zipInstructions', () => {
  it('adds two ramps into a ramp', () => {
    const sum = zipInstructions([createRamp(0, 4, 4), createRamp(10, 6, 4)], (v) => v[0]! + v[1]!, {
      linear: () => true,
    });
    expect(sum).toBeInstanceOf(Ramp);
    expect(values(sum)).toEqual([10, 10, 10, 10]);
  });

  it('multiplies a ramp by a constant as a ramp, and a ramp by a ramp as values', () => {
    const linear = (s: readonly number[]): boolean => s[0] === 0 || s[1] === 0;
    const product = (v: readonly number[]): number => v[0]! * v[1]!;
    const scaled = zipInstructions([createRamp(0, 4, 4), repeat(Pattern.of([3]), 4)], product, {
      linear,
    });
    expect(scaled).toBeInstanceOf(Ramp);
    expect(values(scaled)).toEqual([0, 3, 6, 9]);
    const square = zipInstructions([createRamp(0, 4, 4), createRamp(0, 4, 4)], product, { linear });
    expect(values(square)).toEqual([0, 1, 4, 9]);
  });

  it('computes the AND of two 1e9-tick digital lanes structurally', () => {
    const second = 500_000_000;
    const a = concatenate(repeat(Pattern.of([true]), second), repeat(Pattern.of([false]), second));
    const b = repeat(
      concatenate(repeat(Pattern.of([true]), 250), repeat(Pattern.of([false]), 250)),
      (2 * second) / 500,
    );
    const and = zipInstructions([a, b], (v) => v[0]! !== 0 && v[1]! !== 0, { dtype: 'bool' });
    expect(and.length).toBe(2 * second);
    expect(and.at(100)).toBe(true);
    expect(and.at(300)).toBe(false);
    expect(and.at(second + 100)).toBe(false);
    expect(and.depth).toBeLessThanOrEqual(4);
  });

  it('refuses inputs of different lengths or with several channels', () => {
    expect(() => zipInstructions([Pattern.of([1]), Pattern.of([1, 2])], (v) => v[0]!)).toThrow(
      InstructionTypeError,
    );
    const two = mergeInstructions({ a: Pattern.of([1]), b: Pattern.of([2]) });
    expect(() => zipInstructions([two], (v) => v[0]!)).toThrow(/several channels/);
  });

  it('equals combining the explicit values (property)', () => {
    fc.assert(
      fc.property(sameLengthArbitrary(['float64', 'bool', 'int32']), ([a, b, c]) => {
        const zipped = zipInstructions([a!, b!, c!], (v) => v[0]! * v[1]! + v[2]!);
        const [va, vb, vc] = [values(a!), values(b!), values(c!)];
        expect(values(zipped)).toEqual(va.map((x, i) => x * vb[i]! + vc[i]!));
      }),
    );
  });
});

describe('castInstruction', () => {
  it('casts values keeping the structure', () => {
    const x = castInstruction(repeat(Pattern.of([1, 0], 'float64'), 3), 'bool');
    expect(x.dtype).toBe('bool');
    expect(x).toBeInstanceOf(Repeated);
    expect(values(x)).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('keeps float ramps and constant ramps, unrolls varying ramps to integers', () => {
    expect(castInstruction(createRamp(0, 4, 4), 'float32')).toBeInstanceOf(Ramp);
    expect(castInstruction(createRamp(2, 2, 4), 'int32')).toBeInstanceOf(Ramp);
    expect(values(castInstruction(createRamp(0, 4, 4), 'int32'))).toEqual([0, 1, 2, 3]);
    expect(() => castInstruction(createRamp(0, 1, 4), 'int32')).toThrow(/does not fit dtype int32/);
  });
});

describe('extractField / selectFields / withName', () => {
  it('shares the arrays of the stacked instruction', () => {
    const merged = mergeInstructions({
      a: Pattern.of([1, 2, 3]),
      b: Pattern.of([true, false, true]),
    });
    const a = extractField(merged, 'a') as Pattern;
    expect(a.columns[0]).toBe((merged as Pattern).columns[0]);
    expect(a.dtype).toBe('float64');
    expect(extractField(merged, 1).dtype).toBe('bool');
  });

  it('names a channel and refuses to rename named channels', () => {
    const named = withName(createRamp(0, 1, 4), 'ch 3');
    expect(named.fields).toEqual([{ name: 'ch 3', dtype: 'float64' }]);
    expect(() => withName(named, 'x')).toThrow(/already has named channels/);
    expect(() => extractField(named, 'nope')).toThrow(/no channel "nope"/);
  });

  it('selects channels of a multi-channel ramp in any order', () => {
    const merged = mergeInstructions({
      a: createRamp(0, 4, 4),
      b: createRamp(4, 0, 4),
      c: createRamp(1, 1, 4),
    });
    const cb = selectFields(merged, ['c', 'b']);
    expect(cb.fields.map((f) => f.name)).toEqual(['c', 'b']);
    expect(values(cb, 'b')).toEqual([4, 3, 2, 1]);
    expect(values(cb, 'c')).toEqual([1, 1, 1, 1]);
    expect(selectFields(merged, ['a', 'b', 'c'])).toBe(merged);
  });
});
