import {
  type TimeLanes,
  type TimedInstruction,
  ConnectionFailedError,
  DigitalTimeLane,
  Pattern,
  changeTable,
  concatenate,
  createRamp,
  numberTicks,
  repeat,
  stackInstructions,
  withName,
} from '@shotline/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import type { ChannelConfiguration } from '../configuration/channel-configuration.js';
import { SequencerHardwareError, SequencerProgramError } from '../sequencer-errors.js';
import { stepTimeLanes, testSequenceContext, testShotContext } from '@shotline/testing';
import { digital, lane } from '../sequencer.test-helper.js';
import { FakeSpinapi } from './fake-spinapi.test-helper.js';
import { PulseBlaster } from './pulseblaster.js';
import { PulseBlasterCompiler } from './pulseblaster-compiler.js';
import {
  type PulseBlasterConfiguration,
  pulseBlasterConfiguration,
  pulseBlasterConfigurationSchema,
  pulseBlasterProgramLimits,
} from './pulseblaster-configuration.js';
import {
  type PulseBlasterProgram,
  compilePulseBlasterProgram,
  flagsAt,
  playPulseBlasterProgram,
} from './pulseblaster-program.js';

const fake = new FakeSpinapi();
beforeEach(() => fake.reset());

/** The longest instruction at 50 ns (5 cycles per tick): floor((2^32 - 1) / 5) ticks. */
const M = Math.floor((2 ** 32 - 1) / 5);

function compile(
  channels: readonly ChannelConfiguration[],
  lanes: TimeLanes,
  options: Partial<PulseBlasterConfiguration> = {},
): { compiler: PulseBlasterCompiler; parameters: SequencerShotParameters<PulseBlasterProgram> } {
  const configuration = pulseBlasterConfiguration({ ...options, channels, library: fake.path });
  const compiler = new PulseBlasterCompiler('pb', configuration, testSequenceContext(lanes));
  const parameters = compiler.compileShot(testShotContext(testSequenceContext(lanes)));
  return { compiler, parameters };
}

async function openBoard(compiler: PulseBlasterCompiler): Promise<PulseBlaster> {
  const device = new PulseBlaster(compiler.initializationParameters());
  await device.open();
  return device;
}

/**
 * Plays the program the fake board recorded and checks it outputs exactly the sequence: the same
 * flags from the same ticks (change table against change table), and a STOP holding the last flags.
 */
function expectBoardPlays(sequence: TimedInstruction, timeStepNs: number): void {
  const recorded = fake.recordedProgram();
  const times: number[] = [];
  const flags: number[] = [];
  let t = 0;
  playPulseBlasterProgram(recorded, (f, ns) => {
    if (flags.length === 0 || flags[flags.length - 1] !== f) {
      times.push(t);
      flags.push(f);
    }
    t += ns / timeStepNs;
  });
  const table = changeTable(sequence);
  const expectedTimes = Array.from(table.times);
  const expectedFlags = expectedTimes
    .slice(0, -1)
    .map((_, i) => table.columns.reduce((bits, column, f) => bits | (column[i]! << f), 0) >>> 0);
  times.push(t);
  expect(firstDifference(times, expectedTimes)).toBe(-1);
  expect(firstDifference(flags, expectedFlags)).toBe(-1);
  const stop = recorded.opcodes.length - 1;
  expect(recorded.opcodes[stop]).toBe(1);
  expect(recorded.flags[stop]).toBe(flagsAt(sequence, sequence.length - 1));
}

/** Index of the first difference between two arrays (or the shorter length), -1 if equal. */
function firstDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe('PulseBlaster configuration', () => {
  const base = pulseBlasterConfiguration();

  it('has 24 digital channels, a 50 ns default step and a software trigger', () => {
    expect(base.channels).toHaveLength(24);
    expect(base.timeStep).toBe('50');
    expect(pulseBlasterConfigurationSchema.parse(JSON.parse(JSON.stringify(base)))).toEqual(base);
  });

  it.each([
    [
      '23 channels',
      { channels: base.channels.slice(1) },
      /has 24 channels \(24 digital\), but 23 are configured/,
    ],
    [
      'an analog channel',
      {
        channels: [
          {
            type: 'analog',
            description: 'aom',
            outputUnit: 'V',
            output: { type: 'Constant', value: '0 V' },
          },
          ...base.channels.slice(1),
        ],
      },
      /channel 0 "aom" is configured as analog, but channel 0 of the SpinCore PulseBlaster is digital/,
    ],
    [
      'a 55 ns step',
      { timeStep: '55' },
      /55 ns is not a multiple of the SpinCore PulseBlaster clock period \(10 ns\)/,
    ],
    [
      'a 40 ns step',
      { timeStep: '40' },
      /40 ns is shorter than the SpinCore PulseBlaster minimum of 50 ns/,
    ],
    [
      'an external trigger',
      { trigger: { type: 'externalStart', edge: 'rising' } },
      /cannot be triggered by external start/,
    ],
  ])('refuses %s, saying why', (_what, change, message) => {
    const result = pulseBlasterConfigurationSchema.safeParse({ ...base, ...change });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join('\n')).toMatch(message);
  });
});

describe('PulseBlaster programs at the limits of the board', () => {
  it.each([
    ['M - 1', M - 1],
    ['M', M],
    ['M + 1', M + 1],
    ['2M', 2 * M],
    ['2M + 1', 2 * M + 1],
    ['5M', 5 * M],
  ])(
    'a constant block of %s ticks plays exactly, with no instruction under the minimum',
    async (_name, ticks) => {
      const lanes = stepTimeLanes(['100 ns', `${ticks * 50} ns`, '100 ns'], {
        a: new DigitalTimeLane([
          [true, 1],
          [false, 1],
          [true, 1],
        ]),
      });
      const { compiler, parameters } = compile([digital('a', lane('a'))], lanes);
      expect(parameters.sequence.length).toBe(ticks + 4);
      const device = await openBoard(compiler);
      try {
        await device.program(parameters, 0);
      } finally {
        await device.close();
      }
      expectBoardPlays(parameters.sequence, 50);
      for (const length of fake.recordedProgram().lengthsNs)
        expect(length).toBeGreaterThanOrEqual(50);
    },
  );

  it('plays a square wave as one LOOP of 2^20 - 1, and refuses 2^20 at compile time', async () => {
    const lanes = (periods: number) =>
      stepTimeLanes([`${periods * 100} ns`, '100 ns'], {
        clock: new DigitalTimeLane([
          ['square_wave(t / 100 ns)', 1],
          [false, 1],
        ]),
      });
    const { compiler, parameters } = compile([digital('clock', lane('clock'))], lanes(2 ** 20 - 1));
    expect(Array.from(parameters.program.opcodes)).toEqual([2, 3, 0, 1]);
    expect(parameters.program.data[0]).toBe(2 ** 20 - 1);
    const device = await openBoard(compiler);
    try {
      await device.program(parameters, 0);
    } finally {
      await device.close();
    }
    expectBoardPlays(parameters.sequence, 50);
    expect(() => compile([digital('clock', lane('clock'))], lanes(2 ** 20))).toThrow(
      /loop count over the SpinCore PulseBlaster limit of 1048575 \(device "pb"\)/,
    );
  });

  it('plays nested repeated concatenations exactly', async () => {
    const configuration = pulseBlasterConfiguration({ library: fake.path });
    const compiler = new PulseBlasterCompiler(
      'pb',
      configuration,
      testSequenceContext(stepTimeLanes(['1 us'])),
    );
    const T = Pattern.of([true], 'bool');
    const F = Pattern.of([false], 'bool');
    const inner = repeat(concatenate(T, repeat(F, 3)), 7);
    const body = concatenate(inner, repeat(T, 10), repeat(concatenate(F, T), 5));
    const channel0 = repeat(body, 11);
    const channel1 = concatenate(repeat(F, channel0.length - 1), T);
    const full = stackInstructions([
      withName(channel0, 'ch 0'),
      withName(channel1, 'ch 1'),
      ...Array.from({ length: 22 }, (_, i) => withName(repeat(F, channel0.length), `ch ${i + 2}`)),
    ]);
    const program = compilePulseBlasterProgram(
      full,
      50_000,
      pulseBlasterProgramLimits(configuration, 50_000),
    );
    const device = await openBoard(compiler);
    try {
      await device.program({ sequence: full, shotStart: 0, shotTicks: full.length, program }, 0);
    } finally {
      await device.close();
    }
    expect(Array.from(fake.recordedProgram().opcodes)).toContain(2);
    expectBoardPlays(full, 50);
  });

  it('refuses a program over the board memory when the shot is compiled', () => {
    const lanes = stepTimeLanes(
      Array.from({ length: 40 }, () => '50 ns'),
      {
        a: new DigitalTimeLane(Array.from({ length: 40 }, (_, i) => [i % 2 === 0, 1] as const)),
      },
    );
    expect(() => compile([digital('a', lane('a'))], lanes, { memory: 32 })).toThrow(
      SequencerProgramError,
    );
    expect(() => compile([digital('a', lane('a'))], lanes, { memory: 41 })).not.toThrow();
  });

  it('refuses a ramp: the board has no analog output', () => {
    const configuration = pulseBlasterConfiguration();
    expect(() =>
      compilePulseBlasterProgram(
        withName(createRamp(0, 1, 10), 'ch 0'),
        50_000,
        pulseBlasterProgramLimits(configuration, 50_000),
      ),
    ).toThrow(/cannot play ramps/);
  });

  it("reports the board refusing an instruction, with spinapi's message", async () => {
    const lanes = stepTimeLanes(['1 us'], { a: new DigitalTimeLane([[true, 1]]) });
    const { compiler, parameters } = compile([digital('a', lane('a'))], lanes);
    fake.configure(1, 4096, 100);
    const device = await openBoard(compiler);
    try {
      await expect(device.program(parameters, 0)).rejects.toThrow(
        /spinapi failed writing instruction \d+ \(error -91: instruction shorter than the minimum length\)/,
      );
      await expect(device.program(parameters, 0)).rejects.toBeInstanceOf(SequencerHardwareError);
    } finally {
      await device.close();
    }
  });
});

describe('PulseBlaster protocol', () => {
  const lanes = stepTimeLanes(['2 ms'], { a: new DigitalTimeLane([[true, 1]]) });

  it('initialises, programs, starts, waits for the end and stops, in the spinapi order', async () => {
    const { compiler, parameters } = compile([digital('a', lane('a'))], lanes);
    const device = await openBoard(compiler);
    const started = performance.now();
    try {
      await device.program(parameters, 0);
      const run = await device.run();
      await run.finished(new AbortController().signal);
      expect(performance.now() - started).toBeGreaterThanOrEqual(1.5);
      await run.stop();
    } finally {
      await device.close();
    }
    expect(fake.calls()).toEqual([
      'pb_count_boards',
      'pb_select_board',
      'pb_init',
      'pb_core_clock',
      'pb_start_programming',
      'pb_stop_programming',
      'pb_reset',
      'pb_start',
      'pb_stop',
      'pb_close',
    ]);
    expect(numberTicks(0, 2e9, 50_000)).toBe(parameters.sequence.length);
  });

  it('stops the board when the shot is aborted', async () => {
    const { compiler, parameters } = compile([digital('a', lane('a'))], lanes);
    fake.setTimeScale(1000);
    const device = await openBoard(compiler);
    try {
      await device.program(parameters, 0);
      const run = await device.run();
      const abort = new AbortController();
      setTimeout(() => abort.abort(new Error('another device failed')), 5);
      await expect(run.finished(abort.signal)).rejects.toThrow('another device failed');
      await run.stop(new Error('another device failed'));
    } finally {
      await device.close();
    }
    expect(fake.calls().slice(-2)).toEqual(['pb_stop', 'pb_close']);
  });

  it('refuses to stop without an error before the end, after stopping the board', async () => {
    const { compiler, parameters } = compile([digital('a', lane('a'))], lanes);
    fake.setTimeScale(1000);
    const device = await openBoard(compiler);
    try {
      await device.program(parameters, 0);
      const run = await device.run();
      await expect(run.stop()).rejects.toThrow(/stopped before it finished/);
      expect(fake.calls()).toContain('pb_stop');
    } finally {
      await device.close();
    }
  });

  it('fails to open a board that is not there, and a library that is not there', async () => {
    const { compiler } = compile([digital('a', lane('a'))], lanes, { board: 1 });
    const device = new PulseBlaster(compiler.initializationParameters());
    await expect(device.open()).rejects.toThrow(/board 1 not found: spinapi sees 1 board/);
    await device.close();
    const missing = new PulseBlaster({
      ...compiler.initializationParameters(),
      library: '/nonexistent/libspinapi.so',
    });
    await expect(missing.open()).rejects.toBeInstanceOf(ConnectionFailedError);
    await missing.close();
  });
});
