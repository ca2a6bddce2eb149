import {
  type TriggerEdge,
  AnalogTimeLane,
  AnalogRamp,
  DigitalTimeLane,
  InProcessTriggerBus,
  Parameters,
  changeTable,
  extractField,
} from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { clockSamples } from '../compiler/adaptive-clock.js';
import type { ChannelConfiguration } from '../configuration/channel-configuration.js';
import type { SequencerTrigger } from '../configuration/trigger.js';
import { SequencerController } from '../runtime/sequencer-controller.js';
import { SequencerProgramError } from '../sequencer-errors.js';
import {
  RecordingShot,
  stepTimeLanes,
  testSequenceContext,
  testShotContext,
} from '@shotline/testing';
import { analog, digital, lane } from '../sequencer.test-helper.js';
import { SequencerTimelineRecorder } from './sequencer-timeline.js';
import { SimulatedSequencer } from './simulated-sequencer.js';
import { SimulatedSequencerCompiler } from './simulated-sequencer-compiler.js';
import {
  type SimulatedPlayback,
  type SimulatedSequencerLimits,
  simulatedSequencerConfiguration,
  simulatedSequencerConfigurationSchema,
} from './simulated-sequencer-configuration.js';

const lanes = stepTimeLanes(['100 ns', '400 ns', '200 ns'], {
  shutter: new DigitalTimeLane([
    [false, 1],
    [true, 1],
    [false, 1],
  ]),
  mot: new AnalogTimeLane([
    ['1 V', 1],
    [new AnalogRamp(), 1],
    ['0 V', 1],
  ]),
});

function stored(
  name: string,
  channels: readonly ChannelConfiguration[],
  options: {
    timeStep?: string;
    trigger?: SequencerTrigger;
    limits?: Partial<SimulatedSequencerLimits>;
    playback?: SimulatedPlayback;
  } = {},
) {
  return {
    name,
    type: 'shotline.sequencer.simulated',
    configuration: simulatedSequencerConfiguration({ channels, ...options }),
  };
}

/** Compiles the named sequencers of one shot (they see each other, like in the engine). */
function compileShot(devices: ReturnType<typeof stored>[], parameters = Parameters.empty) {
  const context = testSequenceContext(lanes, { devices });
  const compilers = new Map(
    devices.map((d) => [d.name, new SimulatedSequencerCompiler(d.name, d.configuration, context)]),
  );
  const shot = testShotContext(context, { parameters, compilers });
  return { compilers, shot };
}

describe('the simulated sequencer configuration', () => {
  it('checks channels and time step against its configurable limits', () => {
    const channels = [digital('a', lane('shutter')), digital('b', lane('shutter'))];
    const parse = (limits: Partial<SimulatedSequencerLimits>, timeStep = '1') =>
      simulatedSequencerConfigurationSchema.safeParse({
        timeStep,
        trigger: { type: 'software' },
        channels,
        limits,
      });
    expect(parse({}).success).toBe(true);
    expect(parse({ maxChannels: 1 }).error?.issues[0]?.message).toMatch(
      /at most 1 channels, but 2 are configured/,
    );
    expect(parse({ clockCycle: '10' }, '15').error?.issues[0]?.message).toMatch(
      /not a multiple of the simulated sequencer clock period \(10 ns\)/,
    );
    expect(parse({ clockCycle: '10', minimumInstructionCycles: 5 }, '40').success).toBe(false);
  });
});

describe('the simulated sequencer program', () => {
  it('is refused at compile time when over its memory or loop limits', () => {
    const square = stepTimeLanes(['100 us'], {
      clock: new DigitalTimeLane([['square_wave(t / 100 ns)', 1]]),
    });
    const build = (limits: Partial<SimulatedSequencerLimits>) => {
      const device = stored('seq', [digital('clock', lane('clock'))], { limits });
      const context = testSequenceContext(square, { devices: [device] });
      return new SimulatedSequencerCompiler('seq', device.configuration, context).compileShot(
        testShotContext(context),
      );
    };
    expect(build({}).program.map((i) => i.opcode)).toEqual(['loop', 'endLoop', 'stop']);
    expect(() => build({ maxLoopCount: 999 })).toThrow(/over the simulated sequencer limit of 999/);
    const memory = catchError(() => build({ maxLoopCount: 2, maxInstructions: 100 }));
    expect(memory).toBeInstanceOf(SequencerProgramError);
    expect(memory.message).toMatch(/device "seq"/);
  });

  it('refuses analog ramps unless it may play them tick by tick', () => {
    const device = (ramps: boolean) =>
      stored('seq', [analog('mot', 'V', lane('mot')), digital('s', lane('shutter'))], {
        timeStep: '10',
        limits: { ramps },
      });
    expect(() => compileShot([device(false)]).shot.shotParametersOf('seq')).toThrow(
      /cannot play ramps/,
    );
    expect(() => compileShot([device(true)]).shot.shotParametersOf('seq')).not.toThrow();
  });
});

describe('the simulated sequencer playing a shot', () => {
  it('records what every channel output, in shot time, and publishes its trigger edges', async () => {
    const master = stored(
      'master',
      [
        digital('shutter', { type: 'Advance', input: lane('shutter'), advance: '20 ns' }),
        digital('camera trigger', {
          type: 'DeviceTrigger',
          device: 'camera',
          default: lane('shutter'),
        }),
        analog('mot', 'V', lane('mot')),
      ],
      { timeStep: '10' },
    );
    const { compilers, shot } = compileShot([master]);
    const parameters = compilers.get('master')!.compileShot(shot);
    const bus = new InProcessTriggerBus();
    const recorder = new SequencerTimelineRecorder();
    const device = new SimulatedSequencer(
      compilers.get('master')!.initializationParameters(),
      bus,
      recorder,
    );
    const edges: TriggerEdge[] = [];
    bus.subscribe('camera', (e) => edges.push(e));
    const running = new RecordingShot({ deviceName: 'master', index: 7 });
    await device.open();
    await new SequencerController('master').runShot(device, parameters, running);
    await device.close();

    expect(running.events).toEqual(['program', 'barrier', 'start', 'play']);
    const timeline = recorder.timeline('master', 7)!;
    expect(timeline.start).toBe(-20_000);
    expect(timeline.end).toBe(700_000);
    const table = changeTable(parameters.sequence);
    parameters.sequence.fields.forEach((field, f) => {
      const column = table.columns[f]!;
      const times = Array.from(table.times)
        .slice(0, -1)
        .filter((_, i) => i === 0 || column[i] !== column[i - 1]);
      expect(timeline.channels[f]!.times).toEqual(times.map((t) => (t - 2) * 10_000));
    });
    expect(timeline.channels[0]!.times).toEqual([-20_000, 80_000, 480_000]);
    expect(edges).toEqual([
      { device: 'camera', time: 100_000, edge: 'rising', shot: 7 },
      { device: 'camera', time: 500_000, edge: 'falling', shot: 7 },
    ]);
  });

  it('returns a trigger still high at the end of the shot low when the program ends', async () => {
    // A picture in the last step: the trigger is high until the end of the program.
    const master = stored(
      'master',
      [
        digital('camera trigger', {
          type: 'DeviceTrigger',
          device: 'camera',
          default: lane('shutter'),
        }),
      ],
      { timeStep: '10' },
    );
    const endLanes = stepTimeLanes(['100 ns', '400 ns'], {
      shutter: new DigitalTimeLane([
        [false, 1],
        [true, 1],
      ]),
    });
    const context = testSequenceContext(endLanes, { devices: [master] });
    const compiler = new SimulatedSequencerCompiler('master', master.configuration, context);
    const shot = testShotContext(context, { compilers: new Map([['master', compiler]]) });
    const parameters = compiler.compileShot(shot);
    const bus = new InProcessTriggerBus();
    const device = new SimulatedSequencer(compiler.initializationParameters(), bus);
    const edges: TriggerEdge[] = [];
    bus.subscribe('camera', (e) => edges.push(e));
    await device.open();
    await new SequencerController('master').runShot(
      device,
      parameters,
      new RecordingShot({ deviceName: 'master', index: 3 }),
    );
    await device.close();

    expect(edges).toEqual([
      { device: 'camera', time: 100_000, edge: 'rising', shot: 3 },
      { device: 'camera', time: 500_000, edge: 'falling', shot: 3 },
    ]);
    expect(device.lastTimeline?.channels[0]?.values.at(-1)).toBe(1);
  });

  it('clocks a slave on change: its outputs in master time equal its compiled instruction', async () => {
    const master = stored(
      'master',
      [digital('clock', { type: 'DeviceTrigger', device: 'slave' })],
      {
        timeStep: '10',
      },
    );
    const slave = stored(
      'slave',
      [analog('mot', 'V', lane('mot')), digital('shutter', lane('shutter'))],
      {
        timeStep: '50',
        trigger: { type: 'externalClockOnChange', edge: 'rising' },
        limits: { ramps: true },
      },
    );
    const { compilers, shot } = compileShot([master, slave]);
    const masterParameters = compilers.get('master')!.compileShot(shot);
    const slaveParameters = shot.shotParametersOf('slave') as ReturnType<
      SimulatedSequencerCompiler['compileShot']
    >;
    const bus = new InProcessTriggerBus();
    const recorder = new SequencerTimelineRecorder();
    const masterDevice = new SimulatedSequencer(
      compilers.get('master')!.initializationParameters(),
      bus,
      recorder,
    );
    const slaveDevice = new SimulatedSequencer(
      compilers.get('slave')!.initializationParameters(),
      bus,
      recorder,
    );
    await masterDevice.open();
    await slaveDevice.open();
    const slaveShot = new RecordingShot({ deviceName: 'slave' });
    await Promise.all([
      new SequencerController('slave').runShot(slaveDevice, slaveParameters, slaveShot),
      new SequencerController('master').runShot(
        masterDevice,
        masterParameters,
        new RecordingShot({ deviceName: 'master' }),
      ),
    ]);
    expect(slaveShot.events).toEqual(['program', 'arm', 'barrier', 'play']);

    const timeline = recorder.timeline('slave', 0)!;
    const sequence = slaveParameters.sequence;
    const samples = [...clockSamples(sequence)];
    expect(samples.length).toBeGreaterThan(3);
    // In master time, sample k starts at its slave tick times the slave step.
    for (const [f, channel] of timeline.channels.entries()) {
      const values = extractField(sequence, f);
      const expectedTimes: number[] = [];
      const expectedValues: number[] = [];
      for (const s of samples) {
        const v = Number(values.at(s.start));
        if (expectedValues.length === 0 || expectedValues[expectedValues.length - 1] !== v) {
          expectedTimes.push(s.start * 50_000);
          expectedValues.push(v);
        }
      }
      expect(channel.times).toEqual(expectedTimes);
      expect(channel.values).toEqual(expectedValues);
    }
    expect(timeline.end).toBe(sequence.length * 50_000);
  });

  it('clocks a slave tick by tick with an external clock', async () => {
    const master = stored(
      'master',
      [digital('clock', { type: 'DeviceTrigger', device: 'slave' })],
      {
        timeStep: '10',
      },
    );
    const slave = stored('slave', [digital('shutter', lane('shutter'))], {
      timeStep: '100',
      trigger: { type: 'externalClock', edge: 'falling' },
    });
    const { compilers, shot } = compileShot([master, slave]);
    const bus = new InProcessTriggerBus();
    const recorder = new SequencerTimelineRecorder();
    const devices = ['slave', 'master'].map(
      (name) =>
        new SimulatedSequencer(compilers.get(name)!.initializationParameters(), bus, recorder),
    );
    for (const d of devices) await d.open();
    await Promise.all(
      devices.map((d) =>
        new SequencerController(d.deviceName).runShot(
          d,
          shot.shotParametersOf(d.deviceName) as never,
          new RecordingShot({ deviceName: d.deviceName }),
        ),
      ),
    );
    // Falling edges come half a slave tick (5 master ticks) after each tick starts.
    const timeline = recorder.timeline('slave', 0)!;
    expect(timeline.channels[0]!.times).toEqual([50_000, 150_000, 550_000]);
    expect(timeline.channels[0]!.values).toEqual([0, 1, 0]);
    expect(timeline.end).toBe(750_000);
  });

  it("starts a slave on the master's edge, in scaled real time", async () => {
    const realTime: SimulatedPlayback = { mode: 'realTime', speed: 1e-4 };
    const master = stored(
      'master',
      [digital('start', { type: 'DeviceTrigger', device: 'slave' })],
      {
        timeStep: '10',
        playback: realTime,
      },
    );
    const slave = stored('slave', [digital('shutter', lane('shutter'))], {
      timeStep: '10',
      trigger: { type: 'externalStart', edge: 'rising' },
      playback: realTime,
    });
    const { compilers, shot } = compileShot([master, slave]);
    const bus = new InProcessTriggerBus();
    const recorder = new SequencerTimelineRecorder();
    const devices = ['master', 'slave'].map(
      (name) =>
        new SimulatedSequencer(compilers.get(name)!.initializationParameters(), bus, recorder),
    );
    for (const d of devices) await d.open();
    const started = performance.now();
    await Promise.all(
      devices.map((d) =>
        new SequencerController(d.deviceName).runShot(
          d,
          shot.shotParametersOf(d.deviceName) as never,
          new RecordingShot({ deviceName: d.deviceName }),
        ),
      ),
    );
    // 700 ns of sequence at 1e-4 speed: 7 ms of wall time.
    expect(performance.now() - started).toBeGreaterThanOrEqual(6);
    const timeline = recorder.timeline('slave', 0)!;
    expect(timeline.channels[0]!.times).toEqual([0, 100_000, 500_000]);
  });

  it('stops when the shot is aborted, and refuses a program of the wrong width', async () => {
    const device = stored('seq', [digital('a', lane('shutter'))], {
      trigger: { type: 'externalStart', edge: 'rising' },
    });
    const { compilers, shot } = compileShot([device]);
    const simulated = new SimulatedSequencer(
      compilers.get('seq')!.initializationParameters(),
      new InProcessTriggerBus(),
    );
    await simulated.open();
    const running = new RecordingShot({ deviceName: 'seq' });
    const run = new SequencerController('seq').runShot(
      simulated,
      shot.shotParametersOf('seq') as never,
      running,
    );
    setTimeout(() => running.abort(new Error('camera failed')), 5);
    await expect(run).rejects.toThrow('camera failed');
    expect(simulated.lastTimeline?.channels[0]!.times).toEqual([]);

    const other = stored('other', [digital('a', lane('shutter')), digital('b', lane('shutter'))]);
    const wide = compileShot([other]);
    await expect(
      simulated.program(wide.shot.shotParametersOf('other') as never, 1),
    ).rejects.toThrow(/has 2 channels, but "seq" has 1/);
    await simulated.close();
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
