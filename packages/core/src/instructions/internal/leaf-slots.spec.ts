import { describe, expect, it } from 'vitest';
import { concatenate } from '../concatenate.js';
import { constantInstruction } from '../constant.js';
import { InstructionLayout } from '../instruction-layout.js';
import { Pattern } from '../pattern.js';
import { Ramp, createRamp } from '../ramp.js';
import type { Repeated } from '../repeated.js';
import { toPattern } from '../to-pattern.js';
import { BLOCK_VALUES, FLOAT64_SLOTS, LeafSlots, MAX_SHARED_SLOTS } from './leaf-slots.js';

describe('LeafSlots', () => {
  it('hands out consecutive slots and starts a new block when one is full', () => {
    const slots = new LeafSlots();
    const first = slots.block;
    const seen = new Set<number>();
    for (let i = 0; i < BLOCK_VALUES; i++) seen.add(slots.take(1));
    expect(seen.size).toBe(BLOCK_VALUES);
    expect(slots.block).toBe(first);
    expect(slots.take(2)).toBe(0);
    expect(slots.block).not.toBe(first);
    expect(slots.columns).toEqual([slots.block]);
  });
});

describe('small float64 leaves in shared slots', () => {
  it('stores float constants and single-value patterns in shared blocks, values intact', () => {
    const a = constantInstruction(1.5, 10) as Repeated;
    const b = constantInstruction(-2.25, 3) as Repeated;
    const p = Pattern.of([4.75]);
    const leafA = a.instruction as Pattern;
    expect(leafA.columns).toBe((b.instruction as Pattern).columns);
    expect(p.columns[0]!.length).toBeGreaterThan(1);
    expect(a.at(9)).toBe(1.5);
    expect(b.at(0)).toBe(-2.25);
    expect([...p.column()]).toEqual([4.75]);
    expect(constantInstruction(3, 1).equals(Pattern.of([3]))).toBe(true);
  });

  it('concatenates adjacent one-tick constants into a pattern with the right values', () => {
    const values = [0.5, 1.5, 2.5, -7, 1e-300];
    const joined = concatenate(...values.map((v) => constantInstruction(v, 1)));
    expect(joined.kind).toBe('pattern');
    expect([...toPattern(joined).column()]).toEqual(values);
  });

  it('stores narrow ramp ends in slots and wide ones in their own array', () => {
    const narrow = createRamp(0, 8, 4) as Ramp;
    expect(narrow.bounds).toBe(FLOAT64_SLOTS.block);
    expect([narrow.start(), narrow.stop(), narrow.numberAt(2, 0)]).toEqual([0, 8, 4]);
    const width = MAX_SHARED_SLOTS / 2 + 1;
    const layout = InstructionLayout.structured(
      Array.from({ length: width }, (_, f) => ({ name: `ch ${f}`, dtype: 'float64' as const })),
    );
    const starts = Array.from({ length: width }, (_, f) => f);
    const stops = starts.map((f) => 2 * f);
    const wide = Ramp.fromEnds(layout, starts, stops, 2);
    expect(wide.bounds).toHaveLength(2 * width);
    expect(wide.start(width - 1)).toBe(width - 1);
    expect(wide.stop(width - 1)).toBe(2 * (width - 1));
  });

  it('still refuses bad ends and values with the channel named', () => {
    expect(() => constantInstruction(Number.NaN, 2)).toThrow(/not finite/);
    expect(() => createRamp(0, Number.POSITIVE_INFINITY, 2)).toThrow(/finite/);
    const layout = InstructionLayout.structured([{ name: 'ttl', dtype: 'bool' }]);
    expect(() => Ramp.fromEnds(layout, [0], [1], 2)).toThrow(/bool channel cannot ramp.*ttl/);
    expect(() => Ramp.fromEnds(layout, [2], [2], 2)).toThrow(/does not fit dtype bool.*ttl/);
  });
});
