import { describe, expect, it } from 'vitest';
import { Concatenated } from './concatenated.js';
import { concatenate } from './concatenate.js';
import { InstructionTypeError, InstructionValueError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { asNode } from './instruction-node.js';
import { Pattern } from './pattern.js';
import { Ramp, createRamp } from './ramp.js';
import { Repeated } from './repeated.js';
import { repeat } from './repeat.js';
import { values } from './instruction-arbitraries.test-helper.js';

describe('Pattern', () => {
  it('stores booleans as bool and numbers as float64 by default', () => {
    const digital = Pattern.of([true, false, true]);
    expect(digital.dtype).toBe('bool');
    expect(digital.array).toEqual(Uint8Array.of(1, 0, 1));
    expect(digital.at(0)).toBe(true);
    expect(digital.at(-1)).toBe(true);
    const analog = Pattern.of([0.5, 1]);
    expect(analog.dtype).toBe('float64');
    expect(analog.at(1)).toBe(1);
  });

  it('copies its input, so later writes to the source do not change it', () => {
    const source = Float64Array.of(1, 2, 3);
    const p = Pattern.fromArray(source);
    source[0] = 42;
    expect(p.at(0)).toBe(1);
  });

  it('refuses non-finite floats and values that do not fit the dtype', () => {
    expect(() => Pattern.of([1, Number.NaN])).toThrow(InstructionValueError);
    expect(() => Pattern.of([Number.POSITIVE_INFINITY])).toThrow(/must be finite/);
    expect(() => Pattern.of([2], 'bool')).toThrow(InstructionValueError);
    expect(() => Pattern.of([1.5], 'int32')).toThrow(InstructionValueError);
    expect(() => Pattern.of([300], 'uint8')).toThrow(/does not fit dtype uint8/);
  });

  it('raises a clear error for an index out of range', () => {
    expect(() => Pattern.of([1, 2]).at(2)).toThrow(/index 2 is out of range .* length 2/);
    expect(() => Pattern.of([1, 2]).at(-3)).toThrow(InstructionValueError);
  });

  it('holds named channels with their own dtypes', () => {
    const p = Pattern.fromColumns(
      { 'ch 0': [true, false], 'ch 1': Float64Array.of(0.5, 1.5) },
      { 'ch 1': 'float64' },
    );
    expect(p.width).toBe(2);
    expect(p.dtypeOf('ch 0')).toBe('bool');
    expect(p.rowAt(1)).toEqual({ 'ch 0': false, 'ch 1': 1.5 });
    expect(p.at(0, 'ch 1')).toBe(0.5);
    expect(() => p.dtype).toThrow(InstructionTypeError);
    expect(() => p.at(0, 'ch 9')).toThrow(/no channel "ch 9"/);
  });

  it('refuses columns of different lengths, naming the channel', () => {
    expect(() => Pattern.fromColumns({ a: [1, 2], b: [1] })).toThrow(/channel "b"/);
  });

  it('is equal to a pattern with the same values and dtype only', () => {
    expect(Pattern.of([1, 2]).equals(Pattern.of([1, 2]))).toBe(true);
    expect(Pattern.of([1, 2]).equals(Pattern.of([1, 3]))).toBe(false);
    expect(Pattern.of([1, 0], 'bool').equals(Pattern.of([1, 0], 'float64'))).toBe(false);
    expect(Pattern.of([1, 0], 'bool').valueEquals(Pattern.of([1, 0], 'float64'))).toBe(true);
  });

  it('has depth 0 and prints its values', () => {
    expect(Pattern.of([1, 2]).depth).toBe(0);
    expect(Pattern.of([true, false]).toString()).toBe('[true, false]');
  });
});

describe('Ramp', () => {
  it('takes the value start + i * (stop - start) / length, stop excluded', () => {
    const r = createRamp(0, 1, 5);
    expect(values(r)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8]);
    for (let i = 0; i < 5; i++) expect(r.at(i)).toBeCloseTo(i / 5, 15);
    expect(() => r.at(5)).toThrow(InstructionValueError);
    expect(r.depth).toBe(1);
  });

  it('is empty for length 0 and needs finite ends and a non-negative integer length', () => {
    expect(createRamp(0, 1, 0).length).toBe(0);
    expect(() => createRamp(0, Number.NaN, 3)).toThrow(/finite/);
    expect(() => createRamp(0, 1, -1)).toThrow(InstructionValueError);
    expect(() => createRamp(0, 1, 1.5)).toThrow(InstructionValueError);
  });

  it('ramps float channels only; other channels must be constant', () => {
    const layout = InstructionLayout.structured([
      { name: 'a', dtype: 'float64' },
      { name: 'd', dtype: 'bool' },
    ]);
    const r = Ramp.fromEnds(layout, [0, 1], [4, 1], 4);
    expect(r.rowAt(2)).toEqual({ a: 2, d: true });
    expect(() => Ramp.fromEnds(layout, [0, 0], [4, 1], 4)).toThrow(/bool channel cannot ramp/);
  });

  it('compares ends and length structurally', () => {
    expect(createRamp(0, 1, 4).equals(createRamp(0, 1, 4))).toBe(true);
    expect(createRamp(0, 1, 4).equals(createRamp(0, 1, 5))).toBe(false);
    expect(createRamp(0, 1, 4).toString()).toBe('0 -4-> 1');
  });
});

describe('Repeated and Concatenated', () => {
  it('index through the tree', () => {
    const x = concatenate(Pattern.of([0]), repeat(Pattern.of([1, 2]), 3), createRamp(0, 4, 4));
    expect(x.length).toBe(11);
    expect(values(x)).toEqual([0, 1, 2, 1, 2, 1, 2, 0, 1, 2, 3]);
    expect(x.at(4)).toBe(2);
    expect(x.at(-1)).toBe(3);
    expect(x.depth).toBe(2);
    expect(x.toString()).toBe('[0] + 3 * [1, 2] + 0 -4-> 4');
  });

  it('check their invariants when built directly', () => {
    const p = Pattern.of([1]);
    expect(() => new Repeated(1, p)).toThrow(InstructionValueError);
    expect(() => new Repeated(2, Pattern.of([]))).toThrow(/empty/);
    expect(() => new Repeated(2, new Repeated(2, p))).toThrow(/Repeated child/);
    expect(() => new Concatenated([p])).toThrow(/at least 2/);
    expect(() => new Concatenated([p, Pattern.of([])])).toThrow(/empty/);
    expect(() => new Concatenated([p, Pattern.of([true])])).toThrow(InstructionTypeError);
  });

  it('are compared structurally by equals and by values by valueEquals', () => {
    const a = repeat(Pattern.of([1]), 4);
    const b = Pattern.of([1, 1, 1, 1]);
    expect(a.equals(b)).toBe(false);
    expect(a.valueEquals(b)).toBe(true);
    expect(a.equals(repeat(Pattern.of([1]), 4))).toBe(true);
    expect(a.valueEquals(repeat(Pattern.of([1]), 5))).toBe(false);
  });

  it('can be walked exhaustively by kind', () => {
    const x = concatenate(Pattern.of([0]), repeat(Pattern.of([1]), 3), createRamp(0, 1, 2));
    const kinds: string[] = [];
    const walk = (instruction: typeof x): void => {
      const node = asNode(instruction);
      kinds.push(node.kind);
      switch (node.kind) {
        case 'concatenated':
          node.instructions.forEach(walk);
          break;
        case 'repeated':
          walk(node.instruction);
          break;
        case 'pattern':
        case 'ramp':
          break;
      }
    };
    walk(x);
    expect(kinds).toEqual(['concatenated', 'pattern', 'repeated', 'pattern', 'ramp']);
  });
});
