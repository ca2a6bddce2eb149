import {
  type DeviceCompiler,
  type ShotContext,
  type TimedInstruction,
  type TriggerableCompiler,
  AnalogRamp,
  AnalogTimeLane,
  DigitalTimeLane,
  Parameters,
  Pattern,
  Quantity,
  concatenate,
  createRamp,
  extractField,
  numberTicks,
  repeat,
} from '@shotline/core';
import { describe, expect, it } from 'vitest';
import type { ChannelConfiguration } from '../configuration/channel-configuration.js';
import type { ChannelOutput } from '../configuration/channel-output.js';
import type { SequencerConfiguration } from '../configuration/sequencer-configuration.js';
import type { SequencerLimits } from '../configuration/sequencer-limits.js';
import type { SequencerTrigger } from '../configuration/trigger.js';
import {
  ChannelOutputError,
  ChannelTypeError,
  ChannelUnitError,
  DeviceNotTriggerableError,
  SequencerCompilationError,
  SequencerProgramError,
  SequencerTriggerError,
  TriggerLoopError,
} from '../sequencer-errors.js';
import { stepTimeLanes, testSequenceContext, testShotContext } from '@shotline/testing';
import { analog, constant, digital, lane, sameValues, valuesOf } from '../sequencer.test-helper.js';
import { SequencerCompiler } from './sequencer-compiler.js';

const LIMITS: SequencerLimits = {
  model: 'test sequencer',
  maxChannels: 64,
  clockCycle: 1,
  minimumTimeStep: 1,
  triggers: ['software', 'externalStart', 'externalClock', 'externalClockOnChange'],
};

const T = Pattern.of([true], 'bool');
const F = Pattern.of([false], 'bool');

function config(
  channels: readonly ChannelConfiguration[],
  timeStep = '1',
  trigger: SequencerTrigger = { type: 'software' },
): SequencerConfiguration {
  return { timeStep, trigger, channels };
}

/** A device that asks to be triggered high during the step `step`. */
class StepTrigger implements DeviceCompiler, TriggerableCompiler {
  constructor(readonly step: number) {}
  initializationParameters(): unknown {
    return {};
  }
  compileShot(): unknown {
    return {};
  }
  computeTrigger(timeStep: number, shot: ShotContext): TimedInstruction {
    const s = shot.stepStartTimes;
    const end = s[s.length - 1]!;
    return concatenate(
      repeat(F, numberTicks(0, s[this.step]!, timeStep)),
      repeat(T, numberTicks(s[this.step]!, s[this.step + 1]!, timeStep)),
      repeat(F, numberTicks(s[this.step + 1]!, end, timeStep)),
    );
  }
}

describe('compiling a digital sequencer', () => {
  it("stacks one field per channel, split at the union of the channels' boundaries", () => {
    const lanes = stepTimeLanes(['1 s', '1 s'], {
      a: new DigitalTimeLane([
        [true, 1],
        [false, 1],
      ]),
      b: new DigitalTimeLane([[true, 2]]),
    });
    const compiler = new SequencerCompiler(
      'pb',
      config([digital('a', lane('a')), digital('b', lane('b'))]),
      testSequenceContext(lanes),
      LIMITS,
    );
    const shot = testShotContext(testSequenceContext(lanes));
    const { sequence, shotStart, shotTicks } = compiler.compileShot(shot);
    expect([shotStart, shotTicks, sequence.length]).toEqual([0, 2e9, 2e9]);
    expect(sequence.fields.map((f) => [f.name, f.dtype])).toEqual([
      ['ch 0', 'bool'],
      ['ch 1', 'bool'],
    ]);
    expect(extractField(sequence, 'ch 0').equals(concatenate(repeat(T, 1e9), repeat(F, 1e9)))).toBe(
      true,
    );
    expect(sameValues(extractField(sequence, 'ch 1'), repeat(T, 2e9))).toBe(true);
    expect(extractField(sequence, 'ch 1').kind).toBe('concatenated');
    expect(shot.usedLanes).toEqual(new Set(['a', 'b']));
  });

  it('evaluates Not/And/Or/Xor over two 1 s lanes at 1 ns exactly, keeping the structure', () => {
    const lanes = stepTimeLanes(['1 s', '1 s'], {
      a: new DigitalTimeLane([
        [true, 1],
        [false, 1],
      ]),
      b: new DigitalTimeLane([[true, 2]]),
    });
    const gate = (type: 'And' | 'Or' | 'Xor') =>
      digital(type, { type, inputs: [lane('a'), lane('b')] });
    const compiler = new SequencerCompiler(
      'pb',
      config([
        digital('not a', { type: 'Not', input: lane('a') }),
        gate('And'),
        gate('Or'),
        gate('Xor'),
      ]),
      testSequenceContext(lanes),
      LIMITS,
    );
    const { sequence } = compiler.compileShot(testShotContext(testSequenceContext(lanes)));
    const expectField = (field: string, first: boolean, second: boolean): void => {
      const expected = concatenate(repeat(first ? T : F, 1e9), repeat(second ? T : F, 1e9));
      expect(sameValues(extractField(sequence, field), expected)).toBe(true);
    };
    expectField('ch 0', false, true);
    expectField('ch 1', true, false);
    expectField('ch 2', true, true);
    expectField('ch 3', false, true);
    expect(extractField(sequence, 'ch 1').depth).toBeLessThanOrEqual(2);
  });
});

describe('compiling an analog sequencer', () => {
  it('outputs SI base units, ramps stay ramps, and a dB calibration maps in linear ratio', () => {
    const lanes = stepTimeLanes(['10 ns', '20 ns', '30 ns'], {
      aom: new AnalogTimeLane([
        ['10 V', 1],
        [new AnalogRamp(), 1],
        ['100 mV', 1],
      ]),
      power: new AnalogTimeLane([
        ['0 dB', 1],
        ['10 dB', 2],
      ]),
    });
    const compiler = new SequencerCompiler(
      'ni',
      config(
        [
          analog('aom', 'V', lane('aom')),
          analog('rf', 'V', {
            type: 'CalibratedAnalogMapping',
            input: lane('power'),
            inputUnit: 'dB',
            outputUnit: 'mV',
            points: [
              [0, 0],
              [10, 900],
            ],
          }),
        ],
        '10',
      ),
      testSequenceContext(lanes),
      LIMITS,
    );
    const { sequence } = compiler.compileShot(testShotContext(testSequenceContext(lanes)));
    expect(sequence.fields.map((f) => f.dtype)).toEqual(['float64', 'float64']);
    const aom = extractField(sequence, 'ch 0');
    expect(
      aom.valueEquals(
        concatenate(Pattern.of([10]), createRamp(10, 0.1, 2), repeat(Pattern.of([0.1]), 3)),
      ),
    ).toBe(true);
    // 0 dB = 1 and 10 dB = 10 in linear ratio, mapped to 0 V and 0.9 V.
    expect(valuesOf(sequence, 'ch 1').map((v) => Math.round(v * 1e9) / 1e9)).toEqual([
      0, 0.9, 0.9, 0.9, 0.9, 0.9,
    ]);
  });

  it('refuses a unit of the wrong dimension when the sequence is compiled, naming the device and channel', () => {
    const lanes = stepTimeLanes(['10 ns'], { aom: new AnalogTimeLane([['1 MHz', 1]]) });
    const error = catchError(
      () =>
        new SequencerCompiler(
          'ni',
          config([analog('AOM amplitude', 'V', lane('aom'))]),
          testSequenceContext(lanes),
          LIMITS,
        ),
    );
    expect(error).toBeInstanceOf(ChannelUnitError);
    expect(error.message).toMatch(/outputs V .*but its output lane "aom" gives 1\/s/);
    expect(error.message).toMatch(/device "ni", channel "AOM amplitude"/);
  });

  it('refuses a unit of the wrong dimension in a shot when only the shot knows it', () => {
    const lanes = stepTimeLanes(['10 ns'], { aom: new AnalogTimeLane([['f', 1]]) });
    const compiler = new SequencerCompiler(
      'ni',
      config([analog('AOM amplitude', 'V', lane('aom'))]),
      testSequenceContext(lanes),
      LIMITS,
    );
    const shot = testShotContext(testSequenceContext(lanes), {
      parameters: Parameters.of({ f: new Quantity(1, 'MHz') }),
    });
    const error = catchError(() => compiler.compileShot(shot));
    expect(error).toBeInstanceOf(ChannelUnitError);
    expect(error.message).toMatch(/device "ni", channel "AOM amplitude"/);
  });

  it('refuses values outside the analog range of the model', () => {
    const lanes = stepTimeLanes(['10 ns'], { aom: new AnalogTimeLane([['12 V', 1]]) });
    const compiler = new SequencerCompiler(
      'ni',
      config([analog('aom', 'V', lane('aom'))]),
      testSequenceContext(lanes),
      { ...LIMITS, analogRange: [-10, 10] },
    );
    expect(() => compiler.compileShot(testShotContext(testSequenceContext(lanes)))).toThrow(
      SequencerProgramError,
    );
  });
});

describe('channel errors', () => {
  it('refuses numbers on a digital channel when the sequence is compiled', () => {
    const error = catchError(
      () =>
        new SequencerCompiler(
          'pb',
          config([digital('shutter', constant('2.5'))]),
          testSequenceContext(stepTimeLanes(['10 ns'])),
          LIMITS,
        ),
    );
    expect(error).toBeInstanceOf(ChannelTypeError);
    expect(error.message).toMatch(
      /channel 0 "shutter" is digital, but its output 2.5 gives numbers/,
    );
  });

  it('collects the errors of every failing channel, each naming it', () => {
    const lanes = stepTimeLanes(['10 ns']);
    const compiler = new SequencerCompiler(
      'pb',
      config([
        digital('ok', constant('Enabled')),
        digital('first', lane('missing')),
        digital('second', { type: 'DeviceTrigger', device: 'camera' }),
      ]),
      testSequenceContext(lanes),
      LIMITS,
    );
    const error = catchError(() =>
      compiler.compileShot(testShotContext(testSequenceContext(lanes))),
    );
    expect(error).toBeInstanceOf(SequencerCompilationError);
    const errors = (error as SequencerCompilationError).errors;
    expect(errors.map((e) => e.location.channel)).toEqual(['first', 'second']);
    expect(errors[0]).toBeInstanceOf(ChannelOutputError);
    expect(errors[0]!.message).toMatch(/no time lane "missing"/);
    expect(errors[1]!.message).toMatch(/no device "camera" in this sequence/);
    expect((error as SequencerCompilationError).recoverable).toBe(true);
  });

  it('uses the defaults of a missing lane and of an unused device', () => {
    const lanes = stepTimeLanes(['10 ns']);
    const compiler = new SequencerCompiler(
      'pb',
      config([
        digital('a', lane('missing', constant('Enabled'))),
        digital('b', {
          type: 'DeviceTrigger',
          device: 'camera',
          default: constant('Disabled'),
        }),
      ]),
      testSequenceContext(lanes),
      LIMITS,
    );
    const { sequence } = compiler.compileShot(testShotContext(testSequenceContext(lanes)));
    expect(valuesOf(sequence, 'ch 0')).toEqual(Array(10).fill(1));
    expect(valuesOf(sequence, 'ch 1')).toEqual(Array(10).fill(0));
  });

  it('refuses a non-boolean default for a device trigger', () => {
    expect(
      () =>
        new SequencerCompiler(
          'pb',
          config([
            digital('b', { type: 'DeviceTrigger', device: 'cam', default: constant('1 V') }),
          ]),
          testSequenceContext(stepTimeLanes(['10 ns'])),
          LIMITS,
        ),
    ).toThrow(/default of the trigger of "cam" must be boolean, not values in/);
  });

  it('refuses a gate or a broadening of non-boolean inputs when the sequence is compiled', () => {
    const make = (output: ChannelOutput) =>
      new SequencerCompiler(
        'pb',
        config([digital('g', output)]),
        testSequenceContext(stepTimeLanes(['10 ns'])),
        LIMITS,
      );
    expect(() => make({ type: 'Not', input: constant('1 V') })).toThrow(
      /inputs of Not must be boolean/,
    );
    expect(() => make({ type: 'And', inputs: [constant('Enabled'), constant('2')] })).toThrow(
      /inputs of And must be boolean, but 2 gives dimensionless values/,
    );
    expect(() => make({ type: 'BroadenLeft', input: constant('1 V'), width: '1 ns' })).toThrow(
      /BroadenLeft needs a boolean input/,
    );
  });

  it('refuses a device that cannot be triggered', () => {
    const lanes = stepTimeLanes(['10 ns']);
    const compiler = new SequencerCompiler(
      'pb',
      config([digital('b', { type: 'DeviceTrigger', device: 'laser' })]),
      testSequenceContext(lanes),
      LIMITS,
    );
    const laser: DeviceCompiler = { initializationParameters: () => ({}), compileShot: () => ({}) };
    const shot = testShotContext(testSequenceContext(lanes), {
      compilers: new Map([['laser', laser]]),
    });
    const error = catchError(() => compiler.compileShot(shot));
    expect(error).toBeInstanceOf(DeviceNotTriggerableError);
    expect(error.recoverable).toBe(true);
  });

  it('refuses a Constant that depends on time when the sequence is compiled', () => {
    expect(
      () =>
        new SequencerCompiler(
          'pb',
          config([analog('x', 'V', constant('t * 1 V/s'))]),
          testSequenceContext(stepTimeLanes(['1 ns'])),
          LIMITS,
        ),
    ).toThrow(/channel "x"/);
  });
});

describe('advance, delay and broadening', () => {
  const lanes = stepTimeLanes(['10 ns', '10 ns', '10 ns'], {
    aom: new DigitalTimeLane([
      [false, 1],
      [true, 1],
      [false, 1],
    ]),
  });

  it('pads every channel to max advance + shot + max delay, shifting each by its own amount', () => {
    const compiler = new SequencerCompiler(
      'swabian',
      config([
        digital('plain', lane('aom')),
        digital('advanced', { type: 'Advance', input: lane('aom'), advance: '3 ns' }),
        digital('delayed', { type: 'Delay', input: lane('aom'), delay: 'd' }),
        digital('broadened', { type: 'BroadenLeft', input: lane('aom'), width: '2 ns' }),
      ]),
      testSequenceContext(lanes),
      LIMITS,
    );
    const parameters = Parameters.of({ d: new Quantity(2, 'ns') });
    const { sequence, shotStart, shotTicks } = compiler.compileShot(
      testShotContext(testSequenceContext(lanes), { parameters: parameters }),
    );
    expect([shotStart, shotTicks, sequence.length]).toEqual([3, 30, 35]);
    const pulse = (before: number): number[] => [
      ...Array<number>(before).fill(0),
      ...Array<number>(10).fill(1),
      ...Array<number>(25 - before).fill(0),
    ];
    expect(valuesOf(sequence, 'ch 0')).toEqual(pulse(13));
    expect(valuesOf(sequence, 'ch 1')).toEqual(pulse(10));
    expect(valuesOf(sequence, 'ch 2')).toEqual(pulse(15));
    expect(valuesOf(sequence, 'ch 3')).toEqual([
      ...Array<number>(11).fill(0),
      ...Array<number>(12).fill(1),
      ...Array<number>(12).fill(0),
    ]);
  });

  it('refuses a negative advance and an advance that is not a duration', () => {
    const make = (advance: string) =>
      new SequencerCompiler(
        'x',
        config([digital('c', { type: 'Advance', input: lane('aom'), advance })]),
        testSequenceContext(lanes),
        LIMITS,
      ).compileShot(testShotContext(testSequenceContext(lanes)));
    expect(() => make('-2 ns')).toThrow(/negative/);
    expect(() => make('2 V')).toThrow(/must be a duration/);
  });
});

describe('device triggers and a realistic fixture', () => {
  it('compiles digital, analog and trigger channels with exact lengths (Swabian-like, 1.1 us advance)', () => {
    const lanes = stepTimeLanes(['100.5 us', '3.3 ms', '7 us', '0.25 ms'], {
      shutter: new DigitalTimeLane([
        [false, 1],
        [true, 2],
        [false, 1],
      ]),
      mot: new AnalogTimeLane([
        ['1 V', 1],
        [new AnalogRamp(), 2],
        ['0 V', 1],
      ]),
    });
    const compiler = new SequencerCompiler(
      'swabian',
      config(
        [
          digital('shutter', { type: 'BroadenLeft', input: lane('shutter'), width: '20 us' }),
          digital('camera', {
            type: 'Advance',
            input: { type: 'DeviceTrigger', device: 'cam' },
            advance: '1.1 us',
          }),
          analog('mot', 'V', lane('mot')),
          digital('off', constant('Disabled')),
        ],
        '1',
      ),
      testSequenceContext(lanes),
      LIMITS,
    );
    const shot = testShotContext(testSequenceContext(lanes), {
      compilers: new Map([['cam', new StepTrigger(2)]]),
    });
    const { sequence, shotStart, shotTicks } = compiler.compileShot(shot);
    const ticks = numberTicks(0, shot.shotDuration, 1000);
    expect(shotTicks).toBe(ticks);
    expect(shotStart).toBe(1100);
    expect(sequence.length).toBe(ticks + 1100);
    const camera = extractField(sequence, 'ch 1');
    // The camera trigger rises 1.1 us before step 2 starts, in sequence ticks.
    const rise = 1100 + numberTicks(0, shot.stepStartTimes[2]!, 1000) - 1100;
    expect(camera.at(rise - 1)).toBe(false);
    expect(camera.at(rise)).toBe(true);
  });
});

describe('the trigger of a slave sequencer', () => {
  const lanes = stepTimeLanes(['40 ns', '40 ns'], {
    ch: new DigitalTimeLane([
      [true, 1],
      [false, 1],
    ]),
  });

  function slave(trigger: SequencerTrigger, timeStep = '10'): SequencerCompiler {
    return new SequencerCompiler(
      'slave',
      config([digital('x', lane('ch'))], timeStep, trigger),
      testSequenceContext(lanes),
      LIMITS,
    );
  }

  function triggerFor(compiler: SequencerCompiler, masterStep: number): TimedInstruction {
    const shot = testShotContext(testSequenceContext(lanes), {
      compilers: new Map([['slave', compiler]]),
    });
    return compiler.computeTrigger(masterStep, shot);
  }

  it('is the first half of the shot for an external start', () => {
    const trigger = triggerFor(slave({ type: 'externalStart', edge: 'rising' }), 5000);
    expect(valuesOf(trigger)).toEqual([...Array<number>(8).fill(1), ...Array<number>(8).fill(0)]);
  });

  it('is one clock pulse per sample for an external clock on change', () => {
    const trigger = triggerFor(slave({ type: 'externalClockOnChange', edge: 'rising' }), 5000);
    // Two constant blocks of 4 slave ticks: one pulse (2 master ticks) each, low for the rest.
    expect(valuesOf(trigger)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('is one clock pulse per tick for an external clock', () => {
    const trigger = triggerFor(slave({ type: 'externalClock', edge: 'rising' }, '15'), 5000);
    // 3 master ticks per slave tick: high 2, low 1; the shot has 16 master ticks.
    expect(valuesOf(trigger)).toEqual([1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]);
  });

  it('refuses a falling-edge clock whose last edge would come after the shot', () => {
    // 80 ns of shot at 30 ns per slave tick: the last slave tick starts at 60 ns, its falling
    // edge (2 of 3 master ticks later) at 80 ns, the end of the shot.
    expect(() =>
      triggerFor(slave({ type: 'externalClock', edge: 'falling' }, '30'), 10_000),
    ).toThrow(/last falling clock edge of "slave" would come after the end of the shot/);
    expect(() =>
      triggerFor(slave({ type: 'externalClock', edge: 'rising' }, '30'), 10_000),
    ).not.toThrow();
  });

  it('refuses a software-triggered slave, a slave step under 2 master steps, or not a multiple', () => {
    expect(() => triggerFor(slave({ type: 'software' }), 5000)).toThrow(SequencerTriggerError);
    expect(() =>
      triggerFor(slave({ type: 'externalClockOnChange', edge: 'rising' }, '10'), 10_000),
    ).toThrow(/at least 2 master time steps/);
    expect(() =>
      triggerFor(slave({ type: 'externalClockOnChange', edge: 'rising' }, '15'), 10_000),
    ).toThrow(/not an integer multiple/);
  });
});

describe('triggers between sequencers, checked when the sequence is compiled', () => {
  const lanes = stepTimeLanes(['1 us']);
  const stored = (name: string, trigger: SequencerTrigger, targets: string[], timeStep = '1') => ({
    name,
    type: 'shotline.sequencer.simulated',
    configuration: {
      timeStep,
      trigger,
      channels: targets.map((device) => digital(`to ${device}`, { type: 'DeviceTrigger', device })),
    },
  });

  it('refuses two sequencers that trigger each other, naming the loop', () => {
    const a = stored('a', { type: 'externalStart', edge: 'rising' }, ['b']);
    const b = stored('b', { type: 'externalStart', edge: 'rising' }, ['a']);
    const error = catchError(
      () =>
        new SequencerCompiler(
          'a',
          a.configuration as SequencerConfiguration,
          testSequenceContext(lanes, { devices: [a, b] }),
          LIMITS,
        ),
    );
    expect(error).toBeInstanceOf(TriggerLoopError);
    expect(error.message).toMatch(/"a" \(channel "to b"\) -> "b", "b" \(channel "to a"\) -> "a"/);
    expect(error.location).toMatchObject({ device: 'a', channel: 'to b' });
  });

  it('refuses a sequencer that triggers itself', () => {
    const a = stored('a', { type: 'externalStart', edge: 'rising' }, ['a']);
    expect(
      () =>
        new SequencerCompiler(
          'a',
          a.configuration as SequencerConfiguration,
          testSequenceContext(lanes, { devices: [a] }),
          LIMITS,
        ),
    ).toThrow(TriggerLoopError);
  });

  it('refuses to trigger a software-triggered sequencer, or to clock one at a bad ratio', () => {
    const master = stored('m', { type: 'software' }, ['s']);
    const build = (slave: ReturnType<typeof stored>) =>
      new SequencerCompiler(
        'm',
        master.configuration as SequencerConfiguration,
        testSequenceContext(lanes, { devices: [master, slave] }),
        LIMITS,
      );
    expect(() => build(stored('s', { type: 'software' }, []))).toThrow(/software-triggered/);
    expect(() =>
      build(stored('s', { type: 'externalClockOnChange', edge: 'rising' }, [], '1.5')),
    ).toThrow(/not an integer multiple/);
    expect(() =>
      build(stored('s', { type: 'externalClockOnChange', edge: 'rising' }, [], '3')),
    ).not.toThrow();
  });
});

function catchError(
  f: () => unknown,
): SequencerCompilationError & Error & { location: Record<string, unknown>; recoverable: boolean } {
  try {
    f();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected an error');
}
