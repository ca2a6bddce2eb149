import { describe, expect, it } from 'vitest';
import { NDArray } from '../../data/index.js';
import { Pattern, TimedInstruction, concatenate, repeat } from '../../instructions/index.js';
import { Parameters } from '../../parameters/index.js';
import { Quantity } from '../../units/index.js';
import { decodeFromTransfer, encodeForTransfer } from './transfer.js';

const roundTrip = (value: unknown): unknown =>
  decodeFromTransfer(structuredClone(encodeForTransfer(value, 'value')));

describe('shot parameters crossing threads', () => {
  it('keeps core types, typed arrays, maps and plain data', () => {
    const value = {
      image: new NDArray('uint16', [1, 2], new Uint16Array([3, 4])),
      power: new Quantity(2, 'mW'),
      parameters: Parameters.of({ n: 3, f: new Quantity(1, 'MHz') }),
      ticks: new Float64Array([1, 2]),
      table: new Map([['x', [1, { y: true }]]]),
      nested: [{ a: null, b: 'text', c: 1n }],
    };
    const back = roundTrip(value) as typeof value;
    expect(back.image).toBeInstanceOf(NDArray);
    expect([...back.image.data]).toEqual([3, 4]);
    expect(back.power).toBeInstanceOf(Quantity);
    expect(back.power.toString()).toBe('2 mW');
    expect(back.parameters.equals(value.parameters)).toBe(true);
    expect(back.ticks).toEqual(new Float64Array([1, 2]));
    expect(back.table).toEqual(value.table);
    expect(back.nested).toEqual(value.nested);
  });

  it('moves timed instructions with their buffers in the transfer list, leaving the original usable', () => {
    const instruction = concatenate(
      Pattern.of([1, 2, 3], 'uint8'),
      repeat(Pattern.of([7], 'uint8'), 1_000_000_000),
    );
    const transfer: ArrayBuffer[] = [];
    const encoded = encodeForTransfer({ ao0: instruction }, 'value', transfer);
    expect(transfer.length).toBeGreaterThan(0);
    const back = decodeFromTransfer(structuredClone(encoded, { transfer })) as {
      ao0: TimedInstruction;
    };
    expect(back.ao0).toBeInstanceOf(TimedInstruction);
    expect(back.ao0.length).toBe(1_000_000_003);
    expect(back.ao0.equals(instruction)).toBe(true);
    expect(instruction.length).toBe(1_000_000_003);
  });

  it('never mistakes user data for an encoded core object', () => {
    const tricky = { __shotline: 'quantity', magnitude: 1, unit: 'mW' };
    expect(roundTrip(tricky)).toEqual(tricky);
  });

  it('refuses class instances and functions, naming where they are', () => {
    class Sequence {
      run(): void {}
    }
    expect(() =>
      encodeForTransfer({ a: [new Sequence()] }, 'shot parameters of device "seq"'),
    ).toThrow(
      'shot parameters of device "seq".a[0] is a Sequence, which cannot be sent between threads',
    );
    expect(() => encodeForTransfer({ f: () => 1 }, 'p')).toThrow(/p\.f is a function/);
  });
});
