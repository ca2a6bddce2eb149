import {
  type TimedInstruction,
  Pattern,
  changeTable,
  concatenate,
  createRamp,
  mergeInstructions,
  repeat,
  stackInstructions,
  withName,
} from '@shotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SequencerProgramError } from '../sequencer-errors.js';
import {
  type ProgramInstruction,
  type ProgramLimits,
  compileLoopProgram,
  playProgram,
} from './loop-program.js';

const LIMITS: ProgramLimits = {
  model: 'test table',
  maxTicksPerInstruction: 2 ** 32 - 1,
  maxLoopCount: 2 ** 20 - 1,
  maxLongDelayMultiplier: 2 ** 20 - 1,
  maxInstructions: 1 << 20,
  unrollRamps: false,
};

/** The change table the program plays: (times, rows) merged when equal. */
function played(
  program: readonly ProgramInstruction[],
  x: TimedInstruction,
): [number[], number[][]] {
  const times: number[] = [];
  const rows: number[][] = [];
  let t = 0;
  playProgram(program, ({ source, ticks }) => {
    const row = x.fields.map((_, f) => x.numberAt(source, f));
    const last = rows[rows.length - 1];
    if (last === undefined || last.some((v, f) => v !== row[f])) {
      times.push(t);
      rows.push(row);
    }
    t += ticks;
  });
  times.push(t);
  rows.push(rows[rows.length - 1] ?? []);
  return [times, rows];
}

function expected(x: TimedInstruction): [number[], number[][]] {
  const table = changeTable(x);
  const times = Array.from(table.times);
  return [times, times.map((_, i) => table.columns.map((c) => c[i]!))];
}

/** Every instruction lasts at least a tick, at most the limit, and loop counts are in range. */
function checkLimits(program: readonly ProgramInstruction[], limits: ProgramLimits): void {
  for (const instruction of program) {
    expect(instruction.ticks).toBeGreaterThanOrEqual(1);
    expect(instruction.ticks).toBeLessThanOrEqual(limits.maxTicksPerInstruction);
    if (instruction.opcode === 'loop') {
      expect(instruction.data).toBeGreaterThanOrEqual(2);
      expect(instruction.data).toBeLessThanOrEqual(limits.maxLoopCount);
    }
    if (instruction.opcode === 'longDelay') expect(instruction.data).toBeGreaterThanOrEqual(2);
  }
  expect(program[program.length - 1]!.opcode).toBe('stop');
  expect(program.length).toBeLessThanOrEqual(limits.maxInstructions);
}

const row = fc.tuple(fc.boolean(), fc.boolean());
/** Random two-channel digital instructions with nested repeats and concatenations. */
const instruction: fc.Arbitrary<TimedInstruction> = fc.letrec<{ node: TimedInstruction }>(
  (tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc
        .array(row, { minLength: 1, maxLength: 5 })
        .map((rows) =>
          Pattern.fromColumns(
            { 'ch 0': rows.map((r) => r[0]), 'ch 1': rows.map((r) => r[1]) },
            { 'ch 0': 'bool', 'ch 1': 'bool' },
          ),
        ),
      fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((xs) => concatenate(...xs)),
      fc.tuple(tie('node'), fc.integer({ min: 2, max: 12 })).map(([x, n]) => repeat(x, n)),
    ),
  }),
).node;

describe('an instruction-table program', () => {
  it('plays back exactly the compiled instruction, within the limits', () => {
    fc.assert(
      fc.property(instruction, fc.integer({ min: 1, max: 7 }), (x, maxTicks) => {
        const limits = { ...LIMITS, maxTicksPerInstruction: maxTicks };
        const program = compileLoopProgram(x, limits);
        checkLimits(program, limits);
        expect(played(program, x)).toEqual(expected(x));
      }),
      { numRuns: 250 },
    );
  }, 30_000);

  it('merges runs of equal values and ends with a STOP holding the last values', () => {
    const x = mergeInstructions({
      'ch 0': Pattern.of([true, true, false, false]),
      'ch 1': Pattern.of([false, false, false, true]),
    });
    const program = compileLoopProgram(x, LIMITS);
    expect(program).toEqual([
      { opcode: 'continue', source: 0, ticks: 2, data: 0 },
      { opcode: 'continue', source: 2, ticks: 1, data: 0 },
      { opcode: 'continue', source: 3, ticks: 1, data: 0 },
      { opcode: 'stop', source: 3, ticks: 1, data: 0 },
    ]);
  });

  it('turns a repeated block into LOOP ... END_LOOP', () => {
    const x = withName(repeat(Pattern.of([true, false]), 1000), 'ch 0');
    const program = compileLoopProgram(x, LIMITS);
    expect(program).toEqual([
      { opcode: 'loop', source: 0, ticks: 1, data: 1000 },
      { opcode: 'endLoop', source: 1, ticks: 1, data: 0 },
      { opcode: 'stop', source: 1999, ticks: 1, data: 0 },
    ]);
  });

  it('unrolls the first and last repetitions of a nested loop at the ends of a body', () => {
    const inner = repeat(Pattern.of([true, false]), 3);
    const x = withName(repeat(concatenate(inner, Pattern.of([true])), 5), 'ch 0');
    const program = compileLoopProgram(x, LIMITS);
    checkLimits(program, LIMITS);
    expect(played(program, x)).toEqual(expected(x));
  });

  describe('at the longest instruction (M ticks)', () => {
    const M = 1000;
    const limits = { ...LIMITS, maxTicksPerInstruction: M };
    const block = (n: number): TimedInstruction =>
      withName(
        concatenate(Pattern.of([true]), repeat(Pattern.of([false]), n), Pattern.of([true])),
        'ch 0',
      );
    const shape = (n: number): string[] =>
      compileLoopProgram(block(n), limits).map((i) => `${i.opcode}:${i.ticks}x${i.data}`);

    it.each([
      [M - 1, ['continue:999x0']],
      [M, ['continue:1000x0']],
      [M + 1, ['continue:1000x0', 'continue:1x0']],
      [2 * M, ['longDelay:1000x2']],
      [2 * M + 1, ['longDelay:1000x2', 'continue:1x0']],
      [7 * M, ['longDelay:1000x7']],
    ])('a constant block of %i ticks', (n, middle) => {
      expect(shape(n)).toEqual(['continue:1x0', ...middle, 'continue:1x0', 'stop:1x0']);
      const program = compileLoopProgram(block(n), limits);
      checkLimits(program, limits);
      expect(played(program, block(n))).toEqual(expected(block(n)));
    });

    it('never emits an instruction of 0 ticks (the exact multiple of M)', () => {
      for (const k of [1, 2, 3, 10]) {
        for (const instr of compileLoopProgram(block(k * M), limits)) {
          expect(instr.ticks).toBeGreaterThan(0);
        }
      }
    });

    it('splits instead of a long delay when the device has none', () => {
      const program = compileLoopProgram(block(3 * M), {
        ...limits,
        maxLongDelayMultiplier: undefined,
      });
      expect(program.filter((i) => i.ticks === M)).toHaveLength(3);
    });

    it('peels a tick off a LOOP or END_LOOP instruction that would be too long', () => {
      const body = concatenate(
        repeat(Pattern.of([true]), 3 * M),
        repeat(Pattern.of([false]), 2 * M + 5),
      );
      const x = withName(repeat(body, 4), 'ch 0');
      const program = compileLoopProgram(x, limits);
      checkLimits(program, limits);
      expect(played(program, x)).toEqual(expected(x));
    });
  });

  it('accepts a loop count of 2^20 - 1 and refuses 2^20', () => {
    const body = (n: number) => withName(repeat(Pattern.of([true, false]), n), 'ch 0');
    expect(compileLoopProgram(body(2 ** 20 - 1), LIMITS)[0]).toMatchObject({
      opcode: 'loop',
      data: 2 ** 20 - 1,
    });
    expect(() => compileLoopProgram(body(2 ** 20), LIMITS)).toThrow(
      /repeated 1048576 times needs a loop count over the test table limit of 1048575/,
    );
  });

  it('refuses a program over the memory, before writing it all', () => {
    const x = withName(Pattern.of(Array.from({ length: 100 }, (_, i) => i % 2 === 0)), 'ch 0');
    expect(() => compileLoopProgram(x, { ...LIMITS, maxInstructions: 50 })).toThrow(
      SequencerProgramError,
    );
    expect(compileLoopProgram(x, { ...LIMITS, maxInstructions: 101 })).toHaveLength(101);
  });

  it('refuses loops nested deeper than the device allows', () => {
    const inner = repeat(Pattern.of([true, false]), 3);
    const x = withName(
      repeat(concatenate(Pattern.of([true]), inner, Pattern.of([false])), 4),
      'ch 0',
    );
    expect(() => compileLoopProgram(x, { ...LIMITS, maxLoopDepth: 1 })).toThrow(/nests 2 loops/);
    expect(() => compileLoopProgram(x, { ...LIMITS, maxLoopDepth: 2 })).not.toThrow();
  });

  it('refuses ramps on a device without ramps, unrolls them on one with', () => {
    const x = stackInstructions([
      withName(createRamp(0, 1, 4), 'ch 0'),
      withName(repeat(Pattern.of([true]), 4), 'ch 1'),
    ]);
    expect(() => compileLoopProgram(x, LIMITS)).toThrow(/cannot play ramps/);
    const program = compileLoopProgram(x, { ...LIMITS, unrollRamps: true });
    expect(program).toHaveLength(5);
    expect(played(program, x)).toEqual(expected(x));
  });

  it('plays a constant ramp (a held value) as one run', () => {
    const x = stackInstructions([
      withName(createRamp(0, 1, 4), 'ch 0'),
      withName(createRamp(2, 2, 4), 'ch 1'),
    ]);
    expect(() => compileLoopProgram(withName(createRamp(2, 2, 4), 'a'), LIMITS)).not.toThrow();
    expect(compileLoopProgram(withName(createRamp(2, 2, 4), 'a'), LIMITS)).toHaveLength(2);
    expect(x.length).toBe(4);
  });
});
