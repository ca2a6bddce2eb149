import {
  type TimedInstruction,
  AnalogRamp,
  AnalogTimeLane,
  InstructionLayout,
  Pattern,
  changeTable,
  concatenate,
  createRamp,
  mergeInstructions,
  repeat,
} from '@shotline/core';
import { SequencerProgramError, type SequencerTrigger } from '@shotline/sequencer';
import { stepTimeLanes, testSequenceContext, testShotContext } from '@shotline/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ni6738Compiler } from './ni6738-compiler.js';
import { ni6738Configuration } from './ni6738-configuration.js';
import { type Ni6738Clocking, compileNi6738Program, ni6738SampleCount } from './ni6738-program.js';
import { constant, expectedBuffer, lane, sameBits, volts } from './ni6738.test-helper.js';

const ON_CHANGE: SequencerTrigger = { type: 'externalClockOnChange', edge: 'rising' };
const EVERY_TICK: SequencerTrigger = { type: 'externalClock', edge: 'rising' };

/** 10 µs at 1 V, a 20 µs ramp to -2 V, 10 µs at -2 V; ao1 at 0.5 V. */
const RAMP_LANES = stepTimeLanes(['10 us', '20 us', '10 us'], {
  coil: new AnalogTimeLane([
    ['1 V', 1],
    [new AnalogRamp(), 1],
    ['-2 V', 1],
  ]),
});

function compile(trigger: SequencerTrigger, lanes = RAMP_LANES, coil = lane('coil')) {
  const configuration = ni6738Configuration({
    trigger,
    channels: [volts('coil', coil), volts('bias', constant('0.5 V'))],
  });
  const sequence = testSequenceContext(lanes, {
    devices: [{ name: 'ni', type: 'shotline.ni-daqmx.ni6738', configuration }],
  });
  const compiler = new Ni6738Compiler('ni', configuration, sequence);
  const shot = testShotContext(sequence, { compilers: { ni: compiler } });
  return { compiler, shot, parameters: compiler.compileShot(shot) };
}

function column(buffer: Float64Array, n: number, channel: number): number[] {
  return Array.from(buffer.subarray(channel * n, (channel + 1) * n));
}

describe('the NI 6738 buffer of a shot', () => {
  it('clocked on change, has one sample per tick of a ramp and one per constant block', () => {
    const { parameters } = compile(ON_CHANGE);
    const { program, sequence } = parameters;
    expect(sequence.length).toBe(16); // 40 µs at 2.5 µs
    expect(program.samplesPerChannel).toBe(1 + 8 + 1);
    expect(program.channels).toBe(32);
    expect(program.durationPs).toBe(40e6);
    const coil = column(program.samples, 10, 0);
    expect(coil[0]).toBe(1);
    expect(coil.slice(1, 9)).toEqual(Array.from({ length: 8 }, (_, i) => 1 + (i * -3) / 8));
    expect(coil[9]).toBe(-2);
    expect(column(program.samples, 10, 1)).toEqual(Array(10).fill(0.5));
    expect(column(program.samples, 10, 31)).toEqual(Array(10).fill(0));
    expect(sameBits(program.samples, expectedBuffer(sequence, 'onChange'))).toBe(true);
  });

  it('clocked on every tick, has one sample per time step', () => {
    const { parameters } = compile(EVERY_TICK);
    const { program, sequence } = parameters;
    expect(program.samplesPerChannel).toBe(16);
    const coil = column(program.samples, 16, 0);
    expect(coil.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(coil.slice(12)).toEqual([-2, -2, -2, -2]);
    expect(sameBits(program.samples, expectedBuffer(sequence, 'everyTick'))).toBe(true);
  });

  it('asks its master for exactly one clock edge per sample', () => {
    for (const trigger of [ON_CHANGE, EVERY_TICK]) {
      const { compiler, shot, parameters } = compile(trigger);
      const clock = compiler.computeTrigger(50_000, shot); // a 50 ns master
      expect(clock.length).toBe(800);
      const { columns } = changeTable(clock);
      const values = Array.from(columns[0]!);
      const rising = values.filter((v, i) => v === 1 && (i === 0 || values[i - 1] === 0)).length;
      expect(rising).toBe(parameters.program.samplesPerChannel);
    }
  });

  it('gives a shot where nothing changes two samples, the last tick being the second', () => {
    const lanes = stepTimeLanes(['10 us']);
    const { compiler, shot, parameters } = compile(ON_CHANGE, lanes, constant('3 V'));
    expect(parameters.sequence.length).toBe(4);
    expect(parameters.program.samplesPerChannel).toBe(2);
    expect(column(parameters.program.samples, 2, 0)).toEqual([3, 3]);
    const { times } = changeTable(compiler.computeTrigger(50_000, shot));
    // rising at 0, falling after half a period, rising again at the last tick (master tick 150)
    expect(Array.from(times)).toEqual([0, 25, 150, 175, 200]);
  });

  it('refuses a shot of one time step: a finite generation needs two samples', () => {
    expect(() => compile(ON_CHANGE, stepTimeLanes(['2.5 us']), constant('1 V'))).toThrow(
      /lasts 1 time step\(s\) of the NI 6738, but a finite generation needs at least 2 samples.*device "ni"/,
    );
  });

  it('refuses a value outside ±10 V when the shot is compiled, naming device, channel, value and limit', () => {
    const lanes = stepTimeLanes(['10 us', '10 us'], {
      coil: new AnalogTimeLane([
        ['1 V', 1],
        ['11 V', 1],
      ]),
    });
    let error: unknown;
    try {
      compile(ON_CHANGE, lanes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SequencerProgramError);
    expect((error as Error).message).toMatch(
      /channel 0 "coil" would output 11 V at 10 µs \(sample 1\): outside the NI 6738 range \[-10 V, 10 V\].*device "ni", channel "coil"/,
    );
  });
});

describe('flattening any instruction into the card buffer', () => {
  const layout = InstructionLayout.scalar('float64');

  it('refuses a value that is not finite, naming the channel, the sample and its time', () => {
    const nan = new Pattern(layout, [new Float64Array([0, Number.NaN])], 0, 2);
    const sequence = mergeInstructions({ 'ch 0': Pattern.of([1, 2]), 'ch 1': nan });
    expect(() =>
      compileNi6738Program(sequence, 2_500_000, 'everyTick', [
        { description: 'coil' },
        { description: 'probe' },
      ]),
    ).toThrow(
      /channel 1 "probe" would output NaN V at 2.5 µs \(sample 1\): not a finite voltage.*channel "probe"/,
    );
  });

  it('refuses a value beyond 10 V with the limit', () => {
    const sequence = mergeInstructions({ 'ch 0': createRamp(0, 20, 4) });
    expect(() =>
      compileNi6738Program(sequence, 2_500_000, 'onChange', [{ description: '' }]),
    ).toThrow(
      /channel 0 would output 15 V at 7.5 µs \(sample 3\): outside the NI 6738 range \[-10 V, 10 V\]/,
    );
  });

  it('plays repeated blocks, nested repeats and ramps exactly, bit for bit', () => {
    const body = concatenate(
      createRamp(-1, 1, 5),
      Pattern.of([0.25, 0.5]),
      repeat(Pattern.of([9]), 4),
    );
    const a = concatenate(repeat(body, 3), repeat(repeat(Pattern.of([-3, 3]), 2), 5));
    const b = concatenate(repeat(Pattern.of([7]), a.length - 1), Pattern.of([-7]));
    const sequence = mergeInstructions({ 'ch 0': a, 'ch 1': b });
    for (const clocking of ['onChange', 'everyTick'] as const) {
      const program = compileNi6738Program(sequence, 2_500_000, clocking, []);
      expect(program.samplesPerChannel).toBe(ni6738SampleCount(sequence, clocking));
      expect(sameBits(program.samples, expectedBuffer(sequence, clocking))).toBe(true);
    }
  });

  it('gives the samples read tick by tick from the instruction, for any instruction (property)', () => {
    const value = fc.double({ min: -10, max: 10, noNaN: true });
    const leaf: fc.Arbitrary<TimedInstruction> = fc.oneof(
      fc.array(value, { minLength: 1, maxLength: 6 }).map((values) => Pattern.of(values)),
      fc
        .tuple(value, value, fc.integer({ min: 1, max: 6 }))
        .map(([a, b, n]) => createRamp(a, b, n)),
      fc.tuple(value, fc.integer({ min: 1, max: 9 })).map(([v, n]) => repeat(Pattern.of([v]), n)),
    );
    const tree = fc.letrec<{ node: TimedInstruction }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('node'), fc.integer({ min: 2, max: 4 })).map(([x, n]) => repeat(x, n)),
        fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((xs) => concatenate(...xs)),
      ),
    })).node;
    fc.assert(
      fc.property(
        tree,
        tree,
        fc.constantFrom<Ni6738Clocking>('onChange', 'everyTick'),
        (x, y, clocking) => {
          const length = Math.max(x.length, y.length);
          const pad = (z: TimedInstruction) =>
            z.length === length ? z : concatenate(z, repeat(Pattern.of([0]), length - z.length));
          const sequence = mergeInstructions({ 'ch 0': pad(x), 'ch 1': pad(y) });
          const program = compileNi6738Program(sequence, 2_500_000, clocking, []);
          return sameBits(program.samples, expectedBuffer(sequence, clocking));
        },
      ),
      { numRuns: 300 },
    );
  });
});
