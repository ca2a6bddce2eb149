import {
  AnalogRamp,
  AnalogTimeLane,
  ArangeLoop,
  ExecuteShot,
  ExperimentManager,
  IterationConfiguration,
  TimeLanes,
} from '@shotline/core';
import {
  SEQUENCER_TIMELINE_RECORDER_TOKEN,
  type SequencerTimelineRecorder,
  SimulatedSequencerExtension,
  sequencerPlugin,
  simulatedSequencerConfiguration,
} from '@shotline/sequencer';
import { createSimulatedLab } from '@shotline/testing';
import { describe, expect, it } from 'vitest';
import { constant, lane, volts } from '../ni6738.test-helper.js';
import { niDaqmxPlugin } from '../plugin.js';
import { SimulatedNi6738Extension } from './simulated-ni6738-extension.js';
import { simulatedNi6738Configuration } from './simulated-ni6738-configuration.js';

/** Three shots: 1 ms at (1 + i/2) V, a 2 ms ramp to -2 V, 1 ms at -2 V. */
const sequence = {
  iteration: new IterationConfiguration([
    new ArangeLoop({ variable: 'i', start: '0', stop: '3', step: '1', steps: [new ExecuteShot()] }),
  ]),
  timeLanes: new TimeLanes({
    stepNames: ['hold', 'ramp', 'rest'],
    stepDurations: ['1 ms', '2 ms', '1 ms'],
    lanes: {
      coil: new AnalogTimeLane([
        ['1 V + i * 0.5 V', 1],
        [new AnalogRamp(), 1],
        ['-2 V', 1],
      ]),
    },
  }),
};

async function runLab(playback: { mode: 'instant' } | { mode: 'realTime'; speed: number }) {
  const lab = await createSimulatedLab();
  await lab.registry.use(sequencerPlugin);
  await lab.registry.use(niDaqmxPlugin);
  await lab.session.setDeviceConfiguration({
    name: 'master',
    type: SimulatedSequencerExtension.type,
    configuration: simulatedSequencerConfiguration({
      timeStep: '50',
      playback,
      channels: [
        {
          type: 'digital',
          description: 'NI clock',
          output: { type: 'DeviceTrigger', device: 'ni' },
        },
      ],
    }),
  });
  await lab.session.setDeviceConfiguration({
    name: 'ni',
    type: SimulatedNi6738Extension.type,
    configuration: simulatedNi6738Configuration({
      channels: [volts('coil', lane('coil')), volts('bias', constant('0.25 V'))],
    }),
  });
  await lab.session.createSequence('\\ramps', sequence);
  const manager = await ExperimentManager.create({
    storage: lab.storage,
    registry: lab.registry,
    events: lab.events,
  });
  await manager.createProcedure('test').run((p) => p.runSequence('\\ramps'));
  expect(await lab.session.state('\\ramps')).toBe('finished');
  return lab.registry.container.resolve<SequencerTimelineRecorder>(
    SEQUENCER_TIMELINE_RECORDER_TOKEN,
  );
}

describe('the simulated NI 6738 clocked by a simulated master', () => {
  for (const playback of [{ mode: 'instant' as const }, { mode: 'realTime' as const, speed: 1 }]) {
    it(`outputs each sample at its clock edge, in master time (${playback.mode} playback)`, async () => {
      const recorder = await runLab(playback);
      for (let shot = 0; shot < 3; shot++) {
        const timeline = recorder.timeline('ni', shot)!;
        expect(timeline, `timeline of shot ${shot}`).toBeDefined();
        expect(timeline.timeStep).toBe(2_500_000);
        const coil = timeline.channels[0]!;
        const start = 1 + shot * 0.5;
        // the constant block at 0, every ramp tick from 1 ms, -2 V from 3 ms
        expect(coil.times).toEqual([
          0,
          ...Array.from({ length: 800 }, (_, k) => 1e9 + k * 2.5e6).slice(1),
          3e9,
        ]);
        expect(coil.values[0]).toBe(start);
        expect(coil.values[1]).toBe(start + (-2 - start) / 800);
        expect(coil.values.at(-1)).toBe(-2);
        expect(timeline.channels[1]).toMatchObject({
          description: 'bias',
          times: [0],
          values: [0.25],
        });
      }
    });
  }
});
