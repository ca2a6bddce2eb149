// The shot pipeline seen from a lab: data exchange, timeouts, compile deadline, lane usage, and
// where shots compile.
import {
  ArangeLoop,
  DigitalTimeLane,
  ExecuteShot,
  IterationConfiguration,
  ParameterNamespace,
  ExperimentManager,
  TimeLanes,
  deviceNotUsed,
  discoverAndLoadPlugins,
  DeviceRegistry,
  type AnyDeviceExtension,
  type ShotPipelineOptions,
} from '@shotline/core';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectEvents, device, scan } from './lab.test-helper.js';
import { createSimulatedLab, type SimulatedLab } from './simulated-lab.js';

async function runOnce(
  lab: SimulatedLab,
  path: string,
  pipeline: ShotPipelineOptions = {},
): Promise<Error | undefined> {
  const manager = await ExperimentManager.create({
    storage: lab.storage,
    registry: lab.registry,
    events: lab.events,
    pipeline,
  });
  return manager.createProcedure('test').run(async (p) => {
    p.startSequence(path);
    return p.exception();
  });
}

describe('the shot pipeline', () => {
  it('runs shots in index order with compilation ahead in a worker', async () => {
    const lab = await createSimulatedLab({
      devices: [device.slow('slow', { shotMs: 1, compileMs: 2 })],
    });
    await lab.session.createSequence('\\scan', scan(30));
    const events = collectEvents(lab.events);
    expect(await runOnce(lab, '\\scan', { compileWorkers: 2, lookAhead: 4 })).toBeUndefined();
    const started = events.filter((e) => e.type === 'shot-started').map((e) => e.index);
    expect(started).toEqual([...Array(30).keys()]);
    const threads = new Set(events.filter((e) => e.type === 'shot-compiled').map((e) => e.thread));
    expect([...threads].every((t) => typeof t === 'number')).toBe(true);
    expect(events.find((e) => e.type === 'sequence-prepared')).toMatchObject({ compileWorkers: 2 });
  });

  it('passes data between controllers of a shot and stores it', async () => {
    const lab = await createSimulatedLab({
      devices: [
        device.producer('camera', { shotMs: 3 }),
        device.waiter('analysis', { waitFor: ['camera\\image'] }),
      ],
    });
    await lab.session.createSequence('\\scan', scan(3));
    expect(await runOnce(lab, '\\scan')).toBeUndefined();
    const data = (
      await lab.storage.getAllShotData((await lab.session.sequence('\\scan')).path, 2)
    ).unwrap();
    expect(Object.keys(data).sort()).toEqual(['analysis\\received', 'camera\\image']);
    expect(data['analysis\\received']).toBe(1);
  });

  it('fails the shot (timeout naming the label) when awaited data never comes', async () => {
    const lab = await createSimulatedLab({
      devices: [device.noop('camera'), device.waiter('analysis', { waitFor: ['camera\\image'] })],
    });
    await lab.session.createSequence('\\scan', scan(3));
    const error = await runOnce(lab, '\\scan', { shotTimeoutMs: 100 });
    expect(error?.message).toMatch(
      /did not finish within 0\.100 s.*"analysis" \(waiting for data "camera\\image"\)/,
    );
    const info = await lab.session.sequence('\\scan');
    expect(info.state).toBe('crashed');
    expect(info.error!.location).toMatchObject({ shot: 0 });
    expect(lab.recorder.closedDevices()).toEqual(['analysis', 'camera']);
  });

  it('terminates a compile that exceeds the deadline and crashes naming the shot', async () => {
    const lab = await createSimulatedLab({
      devices: [device.failing('stuck', { phase: 'compile', atShot: 2, hangMs: 5_000 })],
    });
    await lab.session.createSequence('\\scan', scan(5));
    const started = Date.now();
    const error = await runOnce(lab, '\\scan', { compileWorkers: 1, compileDeadlineMs: 300 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error?.message).toMatch(
      /compiling the shot took longer than 300 ms; compile worker 0 was terminated and replaced/,
    );
    const info = await lab.session.sequence('\\scan');
    expect(info.error).toMatchObject({ code: 'COMPILE_DEADLINE', location: { shot: 2 } });
    expect(await lab.session.shotIndices('\\scan')).toEqual([0, 1]);
  });

  it('crashes naming a time lane that no device uses, and runs when a device uses it', async () => {
    const lab = await createSimulatedLab({ devices: [device.noop('laser')] });
    const { iteration } = scan(2);
    const timeLanes = new TimeLanes({
      stepNames: ['load', 'image'],
      stepDurations: ['1 ms', '2 ms'],
      lanes: { 'repump shutter': DigitalTimeLane.fromValues([true, false]) },
    });
    await lab.session.createSequence('\\unused', { iteration, timeLanes });
    const error = await runOnce(lab, '\\unused');
    expect(error?.message).toMatch(/no device used the time lane "repump shutter"/);
    expect((await lab.session.sequence('\\unused')).error!.location).toMatchObject({
      shot: 0,
      lane: 'repump shutter',
    });

    await lab.session.setDeviceConfiguration(device.noop('laser', { lanes: ['repump shutter'] }));
    await lab.session.createSequence('\\used', { iteration, timeLanes });
    expect(await runOnce(lab, '\\used')).toBeUndefined();
  });

  it('compiles on the main thread, and says why, when a device type cannot be loaded in a worker', async () => {
    const lab = await createSimulatedLab({ devices: [device.noop('laser')] });
    const inline: AnyDeviceExtension = {
      type: 'lab.inline',
      label: 'Inline device',
      configurationSchema: z.object({ used: z.boolean().default(true) }),
      defaultConfiguration: () => ({ used: true }),
      createCompiler: (_name, config: { used: boolean }) =>
        config.used
          ? { initializationParameters: () => ({}), compileShot: () => ({}) }
          : deviceNotUsed('disabled'),
      createDevice: () => ({ open: async () => {}, close: async () => {} }),
      createController: () => ({
        runShot: async (_d, _p, shot) => void (await shot.waitAllDevicesReady()),
      }),
    };
    lab.registry.addDevice(inline);
    await lab.session.setDeviceConfiguration({
      name: 'inline',
      type: 'lab.inline',
      configuration: {},
    });
    await lab.session.setDeviceConfiguration({
      name: 'off',
      type: 'lab.inline',
      configuration: { used: false },
    });
    await lab.session.createSequence('\\scan', scan(2));
    const events = collectEvents(lab.events);
    expect(await runOnce(lab, '\\scan', { compileWorkers: 1 })).toBeUndefined();
    const log = events.find((e) => e.type === 'log' && /main thread/.test(e.message));
    expect(log).toMatchObject({
      message: expect.stringMatching(
        /device "inline" \(type "lab\.inline"\) was registered by the application/,
      ),
    });
    expect(events.filter((e) => e.type === 'shot-compiled').map((e) => e.thread)).toEqual([
      'main',
      'main',
    ]);
    expect(events.find((e) => e.type === 'sequence-prepared')).toMatchObject({
      devices: ['inline', 'laser'],
      notUsed: [{ device: 'off', reason: 'disabled' }],
      compileWorkers: 0,
    });
  });

  it('applies back-pressure when storage is slower than the experiment, losing no shot', async () => {
    const lab = await createSimulatedLab({ devices: [device.producer('camera')] });
    const storage = lab.storage;
    const delayed = new Set(['createShot', 'createShots']);
    const slow = new Proxy(storage, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => Promise<unknown>;
        if (!delayed.has(String(property))) return method.bind(target);
        return async (...args: unknown[]) => {
          await new Promise((r) => setTimeout(r, 5));
          return method.apply(target, args);
        };
      },
    });
    const slowLab = { ...lab, storage: slow };
    await lab.session.createSequence('\\scan', scan(40));
    const events = collectEvents(lab.events);
    let maxPending = 0;
    lab.events.on('shot-finished', (e) => {
      const stored = events.filter((x) => x.type === 'shot-stored').length;
      maxPending = Math.max(maxPending, e.index + 1 - stored);
    });
    expect(await runOnce(slowLab, '\\scan', { storageBuffer: 2, storageBatch: 1 })).toBeUndefined();
    expect(await lab.session.shotIndices('\\scan')).toEqual([...Array(40).keys()]);
    expect(maxPending).toBeLessThanOrEqual(3);
    expect(events.some((e) => e.type === 'log' && /storage is slower/.test(e.message))).toBe(true);
  });
});

describe('globals given to a run', () => {
  it('recount the shots, so a run with more shots than at creation stores them all', async () => {
    const lab = await createSimulatedLab({ devices: [device.noop('laser')] });
    await lab.session.setGlobals(ParameterNamespace.fromMapping({ n: '3' }));
    const iteration = new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: 'n',
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]);
    await lab.session.createSequence('\\scan', { iteration, timeLanes: scan(1).timeLanes });
    expect((await lab.session.sequence('\\scan')).expectedShots).toBe(3);
    const manager = await ExperimentManager.create({
      storage: lab.storage,
      registry: lab.registry,
    });
    await manager
      .createProcedure('p')
      .run((p) => p.runSequence('\\scan', { globals: ParameterNamespace.fromMapping({ n: '5' }) }));
    const info = await lab.session.sequence('\\scan');
    expect(info).toMatchObject({ state: 'finished', expectedShots: 5, completedShots: 5 });
    expect(info.globals?.get('n')?.source).toBe('5');
  });
});

describe('the testing plugin', () => {
  it('is discovered from the workspace like any installed driver package', async () => {
    const registry = new DeviceRegistry();
    const report = await discoverAndLoadPlugins(
      resolve(import.meta.dirname, '../../../..'),
      registry,
      {
        packages: ['@shotline/testing'],
      },
    );
    expect(report.failed).toEqual([]);
    expect(report.loaded).toMatchObject([
      {
        packageName: '@shotline/testing',
        entryUrl: expect.stringMatching(/packages\/testing\/dist\/plugin\.js$/),
        deviceTypes: [
          'shotline.testing.noop',
          'shotline.testing.slow',
          'shotline.testing.failing',
          'shotline.testing.data-producer',
          'shotline.testing.data-waiter',
          'shotline.testing.lock-monitor',
          'shotline.testing.mot',
        ],
      },
    ]);
  });
});
