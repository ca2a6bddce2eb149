// The example of README.md, as written there (the SQLite file goes to a temporary folder).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AnalogRamp,
  AnalogTimeLane,
  ArangeLoop,
  DeviceRegistry,
  ExecuteShot,
  ExperimentManager,
  ExperimentSession,
  IterationConfiguration,
  TimeLanes,
} from '@shotline/core';
import { niDaqmxPlugin, simulatedNi6738Configuration } from '@shotline/ni-daqmx';
import {
  SEQUENCER_TIMELINE_RECORDER_TOKEN,
  type SequencerTimelineRecorder,
  sequencerPlugin,
  simulatedSequencerConfiguration,
} from '@shotline/sequencer';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'shotline-ni-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the README example', async () => {
  const file = join(dir, 'lab.sqlite');
  // --- README example -------------------------------------------------------------------------
  const registry = new DeviceRegistry();
  await registry.use(sequencerPlugin);
  await registry.use(niDaqmxPlugin);
  const storage = await openSqliteStorage(file);
  const session = new ExperimentSession(storage, registry);
  await session.setDeviceConfiguration({
    name: 'master',
    type: 'shotline.sequencer.simulated',
    configuration: simulatedSequencerConfiguration({
      timeStep: '50',
      channels: [
        {
          type: 'digital',
          description: 'NI clock',
          output: { type: 'DeviceTrigger', device: 'ni' },
        },
      ],
    }),
  });
  await session.setDeviceConfiguration({
    name: 'ni',
    type: 'shotline.ni-daqmx.simulated-ni6738',
    configuration: simulatedNi6738Configuration({
      channels: [
        {
          type: 'analog',
          description: 'MOT coil',
          outputUnit: 'V',
          output: { type: 'LaneValues', lane: 'coil' },
        },
      ],
    }),
  });
  await session.createSequence('\\demo\\ramp', {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: '3',
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({
      stepNames: ['load', 'ramp', 'hold'],
      stepDurations: ['1 ms', '2 ms', '1 ms'],
      lanes: {
        coil: new AnalogTimeLane([
          ['2 V + i * 0.5 V', 1],
          [new AnalogRamp(), 1],
          ['0 V', 1],
        ]),
      },
    }),
  });
  const manager = await ExperimentManager.create({ storage, registry });
  await manager.createProcedure('demo').run((p) => p.runSequence('\\demo\\ramp'));
  // --------------------------------------------------------------------------------------------
  expect(await session.state('\\demo\\ramp')).toBe('finished');
  const recorder = registry.container.resolve<SequencerTimelineRecorder>(
    SEQUENCER_TIMELINE_RECORDER_TOKEN,
  );
  for (let shot = 0; shot < 3; shot++) {
    const coil = recorder.timeline('ni', shot)!.channels[0]!;
    expect(coil.values[0]).toBe(2 + shot * 0.5);
    expect(coil.values.at(-1)).toBe(0);
    expect(coil.times.at(-1)).toBe(3e9);
  }
  await manager.close();
  await storage.close();
});
