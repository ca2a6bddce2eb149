// The sequencer device types run sequences end to end with the core engine: the simulated
// sequencer (a master clocking a slave), the PulseBlaster through the fake spinapi, and the Pulse
// Streamer through its loopback simulator. Storage is the in-memory one from @shotline/testing.
import {
  type TimedInstruction,
  AnalogRamp,
  AnalogTimeLane,
  DigitalTimeLane,
  ExecuteShot,
  ExperimentManager,
  IterationConfiguration,
  LinspaceLoop,
  Pattern,
  TimeLanes,
  changeTable,
  concatenate,
  repeat,
} from '@shotline/core';
import { type SimulatedLab, createSimulatedLab } from '@shotline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sequencerPlugin } from './plugin.js';
import { FakeSpinapi } from './pulseblaster/fake-spinapi.test-helper.js';
import { PulseBlasterExtension } from './pulseblaster/pulseblaster-extension.js';
import { pulseBlasterConfiguration } from './pulseblaster/pulseblaster-configuration.js';
import { playPulseBlasterProgram } from './pulseblaster/pulseblaster-program.js';
import { PulseStreamerExtension } from './pulsestreamer/pulse-streamer-extension.js';
import { pulseStreamerConfiguration } from './pulsestreamer/pulse-streamer-configuration.js';
import { PulseStreamerSimulator } from './pulsestreamer/pulse-streamer-simulator.js';
import { digital, analog, lane } from './sequencer.test-helper.js';
import {
  SEQUENCER_TIMELINE_RECORDER_TOKEN,
  type SequencerTimelineRecorder,
} from './simulated/sequencer-timeline.js';
import { SimulatedSequencerExtension } from './simulated/simulated-sequencer-extension.js';
import { simulatedSequencerConfiguration } from './simulated/simulated-sequencer-configuration.js';

/** Three shots whose pulse lasts 1, 2 and 3 us, between 1 us of loading and 0.5 us of rest. */
function pulseSequence(analogLane = true): {
  iteration: IterationConfiguration;
  timeLanes: TimeLanes;
} {
  return {
    iteration: new IterationConfiguration([
      new LinspaceLoop({
        variable: 'width',
        start: '1 us',
        stop: '3 us',
        num: 3,
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({
      stepNames: ['load', 'pulse', 'rest'],
      stepDurations: ['1 us', 'width', '500 ns'],
      lanes: {
        shutter: new DigitalTimeLane([
          [false, 1],
          [true, 1],
          [false, 1],
        ]),
        ...(analogLane
          ? {
              mot: new AnalogTimeLane([
                ['1 V', 1],
                [new AnalogRamp(), 1],
                ['0 V', 1],
              ]),
            }
          : {}),
        aom: new DigitalTimeLane([
          [true, 1],
          [false, 1],
          [true, 1],
        ]),
      },
    }),
  };
}

/** The shutter of shot `i` at `stepNs` per tick: low 1 us, high (i + 1) us, low 0.5 us. */
function shutterOf(shot: number, stepNs: number): TimedInstruction {
  const F = Pattern.of([false], 'bool');
  const T = Pattern.of([true], 'bool');
  return concatenate(
    repeat(F, 1000 / stepNs),
    repeat(T, ((shot + 1) * 1000) / stepNs),
    repeat(F, 500 / stepNs),
  );
}

async function labWith(
  devices: { name: string; type: string; configuration: unknown }[],
  analogLane = true,
): Promise<SimulatedLab> {
  const lab = await createSimulatedLab();
  await lab.registry.use(sequencerPlugin);
  for (const device of devices) await lab.session.setDeviceConfiguration(device);
  await lab.session.createSequence('\\pulses', pulseSequence(analogLane));
  return lab;
}

async function run(lab: SimulatedLab, compileWorkers = 0): Promise<void> {
  const manager = await ExperimentManager.create({
    storage: lab.storage,
    registry: lab.registry,
    events: lab.events,
    pipeline: { compileWorkers },
  });
  await manager.createProcedure('test').run((procedure) => procedure.runSequence('\\pulses'));
  expect(await lab.session.state('\\pulses')).toBe('finished');
  expect(await lab.session.shotIndices('\\pulses')).toEqual([0, 1, 2]);
}

describe('end to end with the core engine', () => {
  it('runs a simulated master clocking a simulated slave, shot after shot', async () => {
    const lab = await labWith([
      {
        name: 'master',
        type: SimulatedSequencerExtension.type,
        configuration: simulatedSequencerConfiguration({
          timeStep: '10',
          channels: [
            digital('shutter', lane('shutter')),
            analog('mot', 'V', lane('mot')),
            digital('slave clock', { type: 'DeviceTrigger', device: 'slave' }),
          ],
        }),
      },
      {
        name: 'slave',
        type: SimulatedSequencerExtension.type,
        configuration: simulatedSequencerConfiguration({
          timeStep: '50',
          trigger: { type: 'externalClockOnChange', edge: 'rising' },
          channels: [digital('aom', lane('aom'))],
        }),
      },
    ]);
    await run(lab);
    const recorder = lab.registry.container.resolve<SequencerTimelineRecorder>(
      SEQUENCER_TIMELINE_RECORDER_TOKEN,
    );
    for (const shot of [0, 1, 2]) {
      const master = recorder.timeline('master', shot)!;
      const end = (1500 + (shot + 1) * 1000) * 1000;
      expect(master.channels[0]!.times).toEqual([0, 1_000_000, end - 500_000]);
      expect(master.end).toBe(end);
      const slave = recorder.timeline('slave', shot)!;
      // The slave's aom: high, low during the pulse, high again, in master time.
      expect(slave.channels[0]!.times).toEqual([0, 1_000_000, end - 500_000]);
      expect(slave.channels[0]!.values).toEqual([1, 0, 1]);
      expect(slave.end).toBe(end);
    }
  });

  it('compiles the simulated sequencers in a worker thread as well', async () => {
    const lab = await labWith([
      {
        name: 'master',
        type: SimulatedSequencerExtension.type,
        configuration: simulatedSequencerConfiguration({
          timeStep: '10',
          channels: [digital('shutter', lane('shutter')), analog('mot', 'V', lane('mot'))],
        }),
      },
    ]);
    await lab.session.setDeviceConfiguration({
      name: 'aom',
      type: SimulatedSequencerExtension.type,
      configuration: simulatedSequencerConfiguration({ channels: [digital('aom', lane('aom'))] }),
    });
    await run(lab, 1);
    const recorder = lab.registry.container.resolve<SequencerTimelineRecorder>(
      SEQUENCER_TIMELINE_RECORDER_TOKEN,
    );
    expect(recorder.timeline('master', 2)!.channels[0]!.times).toEqual([0, 1_000_000, 4_000_000]);
  });

  describe('with the PulseBlaster through the fake spinapi', () => {
    const fake = new FakeSpinapi();
    beforeEach(() => {
      fake.reset();
      fake.setTimeScale(0.01);
    });

    it("writes every shot's program, which plays the lanes bit for bit", async () => {
      const lab = await labWith(
        [
          {
            name: 'pb',
            type: PulseBlasterExtension.type,
            configuration: pulseBlasterConfiguration({
              library: fake.path,
              channels: [digital('shutter', lane('shutter')), digital('aom', lane('aom'))],
            }),
          },
        ],
        false,
      );
      await run(lab);
      const calls = fake.calls();
      expect(calls.filter((c) => c === 'pb_start')).toHaveLength(3);
      expect(calls.filter((c) => c === 'pb_stop')).toHaveLength(3);
      expect(calls[calls.length - 1]).toBe('pb_close');
      // The board holds the last shot's program: replay it.
      const expected = shutterOf(2, 50);
      const played: number[] = [];
      playPulseBlasterProgram(fake.recordedProgram(), (flags, ns) => {
        for (let i = 0; i < ns / 50; i++) played.push(flags);
      });
      const aomHigh = (i: number): boolean => i < 20 || i >= 80;
      expect(played).toHaveLength(expected.length);
      played.forEach((flags, i) => {
        expect(flags & 1).toBe(expected.at(i) ? 1 : 0);
        expect((flags >> 1) & 1).toBe(aomHigh(i) ? 1 : 0);
      });
    });

    it('refuses a channel of the wrong dimension before the board is opened', async () => {
      const lab = await labWith([
        {
          name: 'pb',
          type: PulseBlasterExtension.type,
          configuration: pulseBlasterConfiguration({
            library: fake.path,
            channels: [
              digital('shutter', lane('shutter')),
              digital('aom', lane('aom')),
              digital('mot', lane('mot')),
            ],
          }),
        },
      ]);
      const manager = await ExperimentManager.create({
        storage: lab.storage,
        registry: lab.registry,
        pipeline: { compileWorkers: 0 },
      });
      await expect(
        manager.createProcedure('test').run((procedure) => procedure.runSequence('\\pulses')),
      ).rejects.toThrow(/channel 2 "mot" is digital, but its output lane "mot" gives values in/);
      expect(await lab.session.state('\\pulses')).toBe('crashed');
      expect(fake.calls()).toEqual([]);
    });
  });

  it('refuses sequencers that trigger each other before any device is opened', async () => {
    const loop = (name: string, other: string) => ({
      name,
      type: SimulatedSequencerExtension.type,
      configuration: simulatedSequencerConfiguration({
        trigger: { type: 'externalStart', edge: 'rising' },
        channels: [
          digital('shutter', lane('shutter')),
          digital(`start ${other}`, { type: 'DeviceTrigger', device: other }),
        ],
      }),
    });
    const lab = await labWith([loop('a', 'b'), loop('b', 'a')], false);
    const manager = await ExperimentManager.create({
      storage: lab.storage,
      registry: lab.registry,
      pipeline: { compileWorkers: 0 },
    });
    await expect(
      manager.createProcedure('test').run((procedure) => procedure.runSequence('\\pulses')),
    ).rejects.toThrow(/sequencers trigger each other in a loop/);
    expect(await lab.session.state('\\pulses')).toBe('crashed');
    const recorder = lab.registry.container.resolve<SequencerTimelineRecorder>(
      SEQUENCER_TIMELINE_RECORDER_TOKEN,
    );
    expect(recorder.timelines()).toEqual([]);
  });

  describe('with the Pulse Streamer through its loopback simulator', () => {
    let simulator: PulseStreamerSimulator;
    beforeEach(async () => {
      simulator = await PulseStreamerSimulator.start({ timeScale: 1 });
    });
    afterEach(async () => {
      await simulator.close();
    });

    it('streams every shot, each replaying the lanes bit for bit', async () => {
      const lab = await labWith(
        [
          {
            name: 'swabian',
            type: PulseStreamerExtension.type,
            configuration: pulseStreamerConfiguration({
              address: simulator.host,
              port: simulator.port,
              channels: [digital('shutter', lane('shutter')), digital('aom', lane('aom'))],
            }),
          },
        ],
        false,
      );
      await run(lab);
      expect(simulator.streams).toHaveLength(3);
      simulator.streams.forEach((stream, shot) => {
        const shutter = changeTable(shutterOf(shot, 1));
        let t = 0;
        const times: number[] = [];
        for (const pulse of stream.pulses) {
          times.push(t);
          t += pulse.duration;
        }
        times.push(t);
        expect(times).toEqual(Array.from(shutter.times));
        expect(stream.pulses.map((p) => p.digital)).toEqual([0b10, 0b01, 0b10]);
      });
      expect(simulator.calls.filter((c) => c === 'startNow')).toHaveLength(3);
    });
  });
});
