import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Concatenated } from './concatenated.js';
import { concatenate } from './concatenate.js';
import { extractField, selectFields, withName } from './field.js';
import { InstructionTooLargeError, InstructionTypeError } from './instruction-errors.js';
import { Pattern } from './pattern.js';
import { Ramp, createRamp } from './ramp.js';
import { Repeated } from './repeated.js';
import { repeat } from './repeat.js';
import { mergeInstructions, stackInstructions } from './stack.js';
import { sameLengthArbitrary, values } from './instruction-arbitraries.test-helper.js';
import { constantInstruction } from './constant.js';
import type { TimedInstruction } from './timed-instruction.js';

/**
 * Programs shaped like the reference workload (shared/bench/stack_workload.py): per-step tick
 * counts, and per channel blocks of 1, 2, 3, 5 or 8 steps, each a constant or a linear ramp between
 * arbitrary floats, with boundaries that differ between channels.
 */
const referenceProgram = fc.record({
  ticks: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }),
  channels: fc.array(
    fc.array(
      fc.record({
        steps: fc.constantFrom(1, 1, 1, 2, 3, 5, 8),
        ramp: fc.boolean(),
        from: fc.double({ min: -10, max: 10, noNaN: true }),
        to: fc.double({ min: -10, max: 10, noNaN: true }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    { minLength: 2, maxLength: 6 },
  ),
});

interface Block {
  readonly start: number;
  readonly ticks: number;
  readonly ramp: boolean;
  readonly from: number;
  readonly to: number;
}

/** The blocks of each channel in ticks (the block list cycled until every step is covered). */
function programBlocks(program: ReferenceProgram): Block[][] {
  const starts = [0];
  for (const t of program.ticks) starts.push(starts[starts.length - 1]! + t);
  const steps = program.ticks.length;
  return program.channels.map((blocks) => {
    const out: Block[] = [];
    for (let step = 0, i = 0; step < steps; i++) {
      const block = blocks[i % blocks.length]!;
      const stop = Math.min(steps, step + block.steps);
      out.push({ ...block, start: starts[step]!, ticks: starts[stop]! - starts[step]! });
      step = stop;
    }
    return out;
  });
}
/** `actual === expected` (so -0 equals +0), naming where on failure. */
function expectSameNumber(actual: number, expected: number, where: string): void {
  if (actual !== expected) expect.fail(`${where}: ${actual} !== ${expected}`);
}

type ReferenceProgram = typeof referenceProgram extends fc.Arbitrary<infer T> ? T : never;

describe('mergeInstructions / stackInstructions', () => {
  it('merges Repeated with Repeated through the lcm of their periods (reference example)', () => {
    const a = repeat(Pattern.of([0, 1]), 6);
    const b = repeat(Pattern.of([0, 1, 2]), 4);
    const merged = mergeInstructions({ a, b });
    expect(extractField(merged, 'a').equals(repeat(Pattern.of([0, 1, 0, 1, 0, 1]), 2))).toBe(true);
    expect(extractField(merged, 'b').equals(repeat(Pattern.of([0, 1, 2, 0, 1, 2]), 2))).toBe(true);
  });

  it('stays shallow for a long repeat (no recursion blow-up, reference example)', () => {
    const a = concatenate(Pattern.of([0]), repeat(Pattern.of([1]), 2000));
    const b = concatenate(Pattern.of([1]), repeat(Pattern.of([0]), 2000));
    const merged = mergeInstructions({ a, b });
    expect(merged.depth).toBe(2);
    expect(values(extractField(merged, 'a'))).toEqual(values(a));
    expect(values(extractField(merged, 'b'))).toEqual(values(b));
  });

  it('merges a concatenation with a pattern into one pattern (depth 0)', () => {
    const a = concatenate(repeat(Pattern.of([1]), 3), createRamp(0, 4, 4));
    const b = Pattern.of([0, 1, 2, 3, 4, 5, 6]);
    const merged = mergeInstructions({ a, b });
    expect(merged.depth).toBe(0);
    expect(values(merged, 'a')).toEqual([1, 1, 1, 0, 1, 2, 3]);
    expect(values(merged, 'b')).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('keeps a ramp merged with a constant as a ramp with a zero-slope channel', () => {
    const merged = mergeInstructions({
      ramp: createRamp(0, 10, 10),
      constant: repeat(Pattern.of([5]), 10),
    });
    expect(merged).toBeInstanceOf(Ramp);
    expect(values(merged, 'constant')).toEqual(Array(10).fill(5));
    expect(values(merged, 'ramp')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('splits a ramp into two sub-ramps against a two-piece channel', () => {
    const merged = mergeInstructions({
      ramp: createRamp(0, 10, 10),
      digital: concatenate(repeat(Pattern.of([true]), 4), repeat(Pattern.of([false]), 6)),
    });
    expect(merged.kind).toBe('concatenated');
    const ramp = extractField(merged, 'ramp');
    const expected = concatenate(createRamp(0, 4, 4), createRamp(4, 10, 6));
    expect(ramp.equals(expected)).toBe(true);
    expect(extractField(merged, 'digital').dtype).toBe('bool');
  });

  it('keeps ramps with ramps as ramps', () => {
    const merged = mergeInstructions({ a: createRamp(0, 1, 8), b: createRamp(8, 0, 8) });
    expect(merged).toBeInstanceOf(Ramp);
    expect(values(merged, 'b')).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('gives correct values for shifted loops (reference test_shifted_loops)', () => {
    const pulse = concatenate(Pattern.of([1, 0, 0]), repeat(Pattern.of([2]), 2));
    const extra = Pattern.of([7, 8]);
    const a = concatenate(repeat(pulse, 1000), extra);
    const b = concatenate(extra, repeat(pulse, 1000));
    const merged = mergeInstructions({ a, b });
    expect(values(merged, 'a')).toEqual(values(a));
    expect(values(merged, 'b')).toEqual(values(b));
    expect(merged.depth).toBeLessThanOrEqual(4);
  });

  it('stacks two 1e9-tick lanes structurally', () => {
    const second = 1_000_000_000;
    const a = concatenate(repeat(Pattern.of([true]), second), repeat(Pattern.of([false]), second));
    const b = concatenate(
      repeat(Pattern.of([false]), second / 2),
      createRamp(0, 1, second),
      repeat(Pattern.of([1]), second / 2),
    );
    const merged = mergeInstructions({ a, b: b });
    expect(merged.length).toBe(2 * second);
    expect(merged.at(second - 1, 'a')).toBe(true);
    expect(merged.at(second, 'a')).toBe(false);
    expect(merged.at(second, 'b')).toBeCloseTo(0.5, 12);
    expect(merged.depth).toBe(2);
  });

  it('preserves square waves of different periods through their lcm', () => {
    const square = (half: number): ReturnType<typeof repeat> =>
      repeat(
        concatenate(repeat(Pattern.of([true]), half), repeat(Pattern.of([false]), half)),
        1_000_000_000 / (2 * half),
      );
    const merged = mergeInstructions({ fast: square(500), slow: square(1250) });
    expect(merged).toBeInstanceOf(Repeated);
    expect((merged as Repeated).instruction.length).toBe(5000);
    expect(merged.at(123_456_789, 'fast')).toBe(square(500).at(123_456_789));
    expect(merged.at(123_456_789, 'slow')).toBe(square(1250).at(123_456_789));
  });

  it('cuts a ramp into sub-ramps at the edges of a square wave, without sampling it', () => {
    const pulse = concatenate(repeat(Pattern.of([true]), 3), repeat(Pattern.of([false]), 5));
    const wave = repeat(pulse, 1000);
    const ramp = createRamp(0, 8000, 8000);
    const merged = mergeInstructions({ wave, ramp });
    const channel = extractField(merged, 'ramp') as Concatenated;
    expect(channel.kind).toBe('concatenated');
    expect(channel.instructions.every((x) => x.kind === 'ramp')).toBe(true);
    expect(channel.instructions).toHaveLength(2000);
    expect(values(channel)).toEqual(values(ramp));
    expect(values(merged, 'wave')).toEqual(values(wave));
  });

  it('refuses instructions of different lengths, naming them', () => {
    expect(() => mergeInstructions({ a: Pattern.of([1, 2]), b: Pattern.of([1]) })).toThrow(
      /channel "a" has 2 ticks, channel "b" has 1 ticks/,
    );
  });

  it('refuses unnamed inputs to stackInstructions and duplicate names', () => {
    expect(() => stackInstructions([Pattern.of([1])])).toThrow(InstructionTypeError);
    const a = withName(Pattern.of([1]), 'x');
    expect(() => stackInstructions([a, a])).toThrow(/duplicate channel name/);
  });

  it('refuses to write more explicit values than allowed', () => {
    const p = Pattern.of(Array.from({ length: 100 }, (_, i) => i));
    expect(() =>
      mergeInstructions({ a: p, b: repeat(Pattern.of([1]), 100) }, { maxMaterializedValues: 50 }),
    ).toThrow(InstructionTooLargeError);
  });

  it('gives back every input when its channel is extracted (property)', () => {
    fc.assert(
      fc.property(sameLengthArbitrary(['float64', 'bool', 'float64', 'int32']), (inputs) => {
        const names = ['ch 0', 'ch 1', 'ch 2', 'ch 3'];
        const merged = mergeInstructions(Object.fromEntries(inputs.map((x, i) => [names[i], x])));
        expect(merged.width).toBe(4);
        inputs.forEach((x, i) => {
          const channel = extractField(merged, names[i]!);
          expect(channel.dtype).toBe(x.dtype);
          expect(channel.valueEquals(x)).toBe(true);
        });
      }),
    );
  });

  it('stacks structured instructions and selects channels back (property)', () => {
    fc.assert(
      fc.property(sameLengthArbitrary(['float64', 'bool', 'float64']), ([a, b, c]) => {
        const ab = mergeInstructions({ a: a!, b: b! });
        const all = stackInstructions([ab, withName(c!, 'c')]);
        expect(all.fields.map((f) => f.name)).toEqual(['a', 'b', 'c']);
        const ca = selectFields(all, ['c', 'a']);
        expect(values(ca, 'c')).toEqual(values(c!));
        expect(values(ca, 'a')).toEqual(values(a!));
      }),
    );
  });

  it('stacks reference-shaped programs of constants and ramps with their values (property)', () => {
    fc.assert(
      fc.property(referenceProgram, (program) => {
        const channels = programBlocks(program);
        const inputs: Record<string, TimedInstruction> = {};
        channels.forEach((blocks, c) => {
          inputs[`ch ${c}`] = concatenate(
            ...blocks.map((b) =>
              b.ramp ? createRamp(b.from, b.to, b.ticks) : constantInstruction(b.from, b.ticks),
            ),
          );
        });
        const merged = mergeInstructions(inputs);
        // Ramps stay ramps (cut into sub-ramps), constants stay repeated rows: nothing is unrolled
        // but one-tick pieces, and the result is one level of pieces.
        expect(merged.depth).toBeLessThanOrEqual(2);
        const children =
          merged.kind === 'concatenated' ? (merged as Concatenated).instructions : [merged];
        for (const child of children) {
          if (child.kind === 'repeated') expect((child as Repeated).instruction.length).toBe(1);
          if (child.kind === 'pattern') expect(program.ticks).toContain(1);
        }
        let at = 0;
        for (const child of children) {
          channels.forEach((blocks, c) => {
            const block = blocks.find((b) => b.start <= at && at < b.start + b.ticks)!;
            const i = at - block.start;
            const expected = block.ramp
              ? block.from + i * ((block.to - block.from) / block.ticks)
              : block.from;
            // Where an output piece starts, a sub-ramp's start is the input's value exactly (as
            // numbers: a -0 constant next to a ramp reads +0, like any zero-slope ramp channel).
            expectSameNumber(child.numberAt(0, c), expected, `ch ${c} at tick ${at}`);
          });
          at += child.length;
        }
        channels.forEach((blocks, c) => {
          for (const b of blocks) {
            for (let i = 0; i < b.ticks; i++) {
              const expected = b.ramp ? b.from + i * ((b.to - b.from) / b.ticks) : b.from;
              const actual = merged.numberAt(b.start + i, c);
              if (b.ramp) {
                expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
                  1e-12 * Math.max(1, Math.abs(expected)),
                );
              } else expectSameNumber(actual, expected, `ch ${c} at tick ${b.start + i}`);
            }
          }
        });
      }),
      {
        examples: [
          // A -0 constant next to a ramp whose slope underflows to 0.
          [
            {
              ticks: [2],
              channels: [
                [{ steps: 1, ramp: false, from: -0, to: 0 }],
                [{ steps: 1, ramp: true, from: 0, to: 5e-324 }],
              ],
            },
          ],
        ],
      },
    );
  });

  it('writes the exact ramp values of one-tick and explicit intervals inside a ramp', () => {
    const merged = mergeInstructions({
      ramp: createRamp(0, 10, 10),
      other: concatenate(
        constantInstruction(1, 1),
        constantInstruction(2, 1),
        repeat(Pattern.of([5]), 3),
        Pattern.of([6, 7, 8]),
        repeat(Pattern.of([9]), 2),
      ),
    });
    expect(values(merged, 'ramp')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(values(merged, 'other')).toEqual([1, 2, 5, 5, 5, 6, 7, 8, 9, 9]);
    const pieces = (merged as Concatenated).instructions.map((x) => x.kind);
    expect(pieces).toContain('ramp');
    expect(pieces).toContain('pattern');
  });

  it('gives the same result again, also after a stacking was refused midway', () => {
    const a = concatenate(createRamp(0, 1, 3), constantInstruction(2, 5), createRamp(2, 0, 4));
    const b = concatenate(constantInstruction(true, 7), constantInstruction(false, 5));
    const first = mergeInstructions({ a, b });
    const explicit = Pattern.of(Array.from({ length: 12 }, (_, i) => i));
    expect(() => mergeInstructions({ a, explicit }, { maxMaterializedValues: 4 })).toThrow(
      InstructionTooLargeError,
    );
    mergeInstructions({ wide: repeat(Pattern.of([0, 1, 2]), 4), a });
    const again = mergeInstructions({ a, b });
    expect(again.equals(first)).toBe(true);
    expect(values(again, 'a')).toEqual(values(a));
    expect(values(again, 'b')).toEqual(values(b));
  });
});
