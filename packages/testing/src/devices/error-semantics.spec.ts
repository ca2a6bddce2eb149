// Error semantics of a sequence run ("Executing a sequence"; ARCHITECTURE §5), with the in-memory
// storage and simulated devices, compiled in a worker thread and on the main thread.
import {
  ExperimentManager,
  type ErrorSummary,
  type Procedure,
  type SequenceHaltingEvent,
  type ShotlineError,
  type ShotlineEvent,
  type ShotPipelineOptions,
} from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { collectEvents, device, scan } from './lab.test-helper.js';
import { createSimulatedLab, type SimulatedLab } from './simulated-lab.js';

async function run(
  lab: SimulatedLab,
  path: string,
  pipeline: ShotPipelineOptions = {},
  during?: (procedure: Procedure) => void,
): Promise<{ error: Error | undefined; manager: ExperimentManager }> {
  const manager = await ExperimentManager.create({
    storage: lab.storage,
    registry: lab.registry,
    events: lab.events,
    pipeline,
  });
  const error = await manager.createProcedure('test').run(async (procedure) => {
    procedure.startSequence(path);
    during?.(procedure);
    return procedure.exception();
  });
  return { error, manager };
}

async function storedError(lab: SimulatedLab, path: string): Promise<ErrorSummary> {
  const info = await lab.session.sequence(path);
  expect(info.state).toBe('crashed');
  return info.error!;
}

/** What a run did, in event order: when it halted and which shots started, finished and were stored. */
function timeline(events: ShotlineEvent[]) {
  const halting = events.findIndex((e) => e.type === 'sequence-halting');
  const indices = (type: ShotlineEvent['type'], from = 0, to = events.length) =>
    events
      .slice(from, to)
      .filter((e) => e.type === type)
      .map((e) => (e as { index: number }).index);
  return {
    halting: halting < 0 ? undefined : (events[halting] as SequenceHaltingEvent),
    started: indices('shot-started'),
    startedAfterHalting: halting < 0 ? [] : indices('shot-started', halting),
    /** Shots started but not finished when the run halted. */
    running:
      halting < 0
        ? []
        : indices('shot-started', 0, halting).filter(
            (i) => !indices('shot-finished', 0, halting).includes(i),
          ),
    finished: indices('shot-finished'),
    stored: indices('shot-stored'),
  };
}

describe.each([
  { threads: 'a compile worker', compileWorkers: 1, lookAhead: 8 },
  { threads: 'a compile worker', compileWorkers: 1, lookAhead: 1 },
  { threads: 'the main thread', compileWorkers: 0, lookAhead: 8 },
  { threads: 'the main thread', compileWorkers: 0, lookAhead: 1 },
])('the compile-error rule, compiling in $threads with look-ahead $lookAhead', (pipeline) => {
  it('a compile error at shot 5 starts nothing more: the running shot finishes and is stored, shots compiled ahead are dropped, CRASHED names shot and device', async () => {
    const lab = await createSimulatedLab({
      devices: [
        device.slow('slow', { shotMs: 100 }),
        device.failing('broken', { phase: 'compile', atShot: 5 }),
        device.producer('camera'),
      ],
    });
    await lab.session.createSequence('\\scan', scan(20));
    const events = collectEvents(lab.events);
    const { error } = await run(lab, '\\scan', pipeline);
    const t = timeline(events);
    const compiled = events.filter((e) => e.type === 'shot-compiled');
    expect(new Set(compiled.map((e) => e.thread))).toEqual(
      new Set([pipeline.compileWorkers ? 0 : 'main']),
    );
    expect(t.halting).toMatchObject({ reason: 'compile', error: { location: { shot: 5 } } });
    expect(t.startedAfterHalting).toEqual([]);
    // The shot running when the error was seen finished and is stored, like every shot before.
    expect(t.running.length).toBeLessThanOrEqual(1);
    for (const index of t.running) expect(t.finished).toContain(index);
    expect(await lab.session.shotIndices('\\scan')).toEqual(t.started);
    expect(t.stored).toEqual(t.started);
    if (pipeline.lookAhead === 1) {
      // Shot 5 is compiled while shot 4 runs.
      expect(t.started).toEqual([0, 1, 2, 3, 4]);
    } else {
      // Shots 0-7 compile at once: the error is seen while shot 0 runs, and the shots compiled
      // ahead of it never start.
      expect(t.started).not.toContain(4);
    }
    const summary = await storedError(lab, '\\scan');
    expect(summary.code).toBe('DEVICE_COMPILATION');
    expect(summary.location).toMatchObject({ sequence: '\\scan', shot: 5, device: 'broken' });
    expect(summary.message).toMatch(
      /^device "broken" could not compile the shot: simulated compile failure of device "broken" at shot 5/,
    );
    expect(error?.message).toBe(summary.message);
    expect((error as ShotlineError).code).toBe('DEVICE_COMPILATION');
    expect(lab.recorder.closedDevices()).toEqual(['broken', 'camera', 'slow']);
  }, 60_000);
});

describe.each([
  { threads: 'a compile worker', compileWorkers: 1 },
  { threads: 'the main thread', compileWorkers: 0 },
])('sequence errors, compiling in $threads', ({ compileWorkers }) => {
  it('a runShot error at shot 7 aborts the other controllers at once and ends CRASHED', async () => {
    const lab = await createSimulatedLab({
      devices: [
        device.slow('a', { shotMs: 30 }),
        device.slow('b', { shotMs: 30 }),
        device.failing('broken', { phase: 'runShot', atShot: 7 }),
      ],
    });
    await lab.session.createSequence('\\scan', scan(20));
    // a and b are still acquiring when "broken" fails right after the barrier
    const { error } = await run(lab, '\\scan', { compileWorkers });
    const shots = await lab.session.shotIndices('\\scan');
    expect(shots.length).toBeGreaterThanOrEqual(5);
    expect(shots.every((i) => i < 7)).toBe(true);
    const failed = lab.recorder.of('shot-failed', 'broken');
    expect(failed.map((e) => e.shot)).toEqual([7]);
    for (const name of ['a', 'b']) {
      const aborted = lab.recorder.of('aborted', name).filter((e) => e.shot === 7);
      expect(aborted).toHaveLength(1);
      expect(aborted[0]!.at - failed[0]!.at).toBeLessThan(50);
    }
    const summary = await storedError(lab, '\\scan');
    expect(summary.location).toMatchObject({ shot: 7, device: 'broken' });
    expect(summary.message).toMatch(/device "broken" failed during the shot/);
    expect(error?.message).toBe(summary.message);
    expect(lab.recorder.closedDevices()).toEqual(['a', 'b', 'broken']);
  });

  it('interruption at shot 7 lets that shot finish, stores at most 8 shots, and ends INTERRUPTED', async () => {
    const lab = await createSimulatedLab({
      devices: [device.slow('a', { shotMs: 5 }), device.producer('camera')],
    });
    await lab.session.createSequence('\\scan', scan(50));
    const { error } = await run(lab, '\\scan', { compileWorkers }, (procedure) => {
      lab.events.on('shot-started', (e) => {
        if (e.index === 7) procedure.interruptSequence();
      });
    });
    expect(error).toBeUndefined();
    expect(await lab.session.state('\\scan')).toBe('interrupted');
    const shots = await lab.session.shotIndices('\\scan');
    expect(shots.length).toBeLessThanOrEqual(8);
    expect(shots).toContain(7); // the running shot finished and was stored
    expect(lab.recorder.of('aborted')).toEqual([]);
    expect(lab.recorder.closedDevices()).toEqual(['a', 'camera']);
  });
});

describe('sequence errors while preparing', () => {
  it('interruption while PREPARING, before the devices open, opens none and ends INTERRUPTED', async () => {
    const lab = await createSimulatedLab({ devices: [device.slow('slow', { openMs: 200 })] });
    await lab.session.createSequence('\\scan', scan(5));
    const { error } = await run(lab, '\\scan', {}, (procedure) => {
      lab.events.on('sequence-prepared', () => procedure.interruptSequence());
    });
    expect(error).toBeUndefined();
    expect(await lab.session.state('\\scan')).toBe('interrupted');
    expect(await lab.session.shotIndices('\\scan')).toEqual([]);
    expect(lab.recorder.devicesAskedToOpen()).toEqual([]);
  });

  it('interruption while the devices open closes them all and ends INTERRUPTED', async () => {
    const lab = await createSimulatedLab({
      devices: [device.slow('slow', { openMs: 200 }), device.noop('quick')],
    });
    await lab.session.createSequence('\\scan', scan(5));
    const { error } = await run(lab, '\\scan', {}, (procedure) => {
      lab.events.on('sequence-prepared', () => {
        setTimeout(() => procedure.interruptSequence(), 50);
      });
    });
    expect(error).toBeUndefined();
    expect(await lab.session.state('\\scan')).toBe('interrupted');
    expect(await lab.session.shotIndices('\\scan')).toEqual([]);
    expect(lab.recorder.devicesAskedToOpen()).toEqual(['quick', 'slow']);
    expect(lab.recorder.closedDevices()).toEqual(['quick', 'slow']);
  });

  it('a device failing to open closes every device, including itself, and names it', async () => {
    const lab = await createSimulatedLab({
      devices: [
        device.slow('early', { openMs: 0 }),
        device.failing('door', { phase: 'open', error: 'connection' }),
        device.slow('late', { openMs: 50 }),
      ],
    });
    await lab.session.createSequence('\\scan', scan(5));
    const { error } = await run(lab, '\\scan');
    expect(lab.recorder.devicesAskedToOpen()).toEqual(['door', 'early', 'late']);
    expect(lab.recorder.closedDevices()).toEqual(['door', 'early', 'late']);
    const summary = await storedError(lab, '\\scan');
    expect(summary.message).toMatch(/device "door" could not be opened: simulated open failure/);
    expect(summary.location).toMatchObject({ device: 'door' });
    expect(summary.recoverable).toBe(true);
    expect(error?.message).toBe(summary.message);
    expect(await lab.session.shotIndices('\\scan')).toEqual([]);
  });

  it('a compiler that cannot be created crashes the sequence before any device opens', async () => {
    const lab = await createSimulatedLab({
      devices: [device.noop('ok'), device.failing('bad', { phase: 'compiler' })],
    });
    await lab.session.createSequence('\\scan', scan(5));
    await run(lab, '\\scan');
    const summary = await storedError(lab, '\\scan');
    expect(summary.message).toMatch(/device "bad" could not create its compiler/);
    expect(lab.recorder.devicesAskedToOpen()).toEqual([]);
  });

  it("an error in a device's initialization step crashes the sequence before any device opens, naming it", async () => {
    const lab = await createSimulatedLab({
      devices: [device.noop('ok'), device.failing('bad', { phase: 'initialize' })],
    });
    await lab.session.createSequence('\\scan', scan(5));
    const { error } = await run(lab, '\\scan');
    const summary = await storedError(lab, '\\scan');
    expect(summary.code).toBe('DEVICE_COMPILATION');
    expect(summary.message).toMatch(
      /^device "bad" could not compute its initialization parameters: simulated initialize failure/,
    );
    expect(summary.location).toMatchObject({ sequence: '\\scan', device: 'bad' });
    expect(error?.message).toBe(summary.message);
    expect(lab.recorder.devicesAskedToOpen()).toEqual([]);
    expect(await lab.session.shotIndices('\\scan')).toEqual([]);
    expect(await lab.storage.listLocks()).toEqual([]);
  }, 60_000);

  it('a device failing to close crashes a sequence whose shots were all stored', async () => {
    const lab = await createSimulatedLab({
      devices: [device.noop('ok'), device.failing('sticky', { phase: 'close' })],
    });
    await lab.session.createSequence('\\scan', scan(3));
    await run(lab, '\\scan');
    expect(await lab.session.shotIndices('\\scan')).toEqual([0, 1, 2]);
    const summary = await storedError(lab, '\\scan');
    expect(summary.message).toMatch(/device "sticky" could not be closed/);
    expect(lab.recorder.closedDevices()).toEqual(['ok', 'sticky']);
  });

  it('refuses a sequence that is not a DRAFT before touching any instrument', async () => {
    const lab = await createSimulatedLab({ devices: [device.noop('ok')] });
    await lab.session.createSequence('\\scan', scan(2));
    await run(lab, '\\scan');
    const before = lab.recorder.events.length;
    const { error } = await run(lab, '\\scan');
    expect((error as ShotlineError).code).toBe('SEQUENCE_NOT_DRAFT');
    expect(error?.message).toMatch(/sequence "\\scan" is FINISHED; only a DRAFT can be run/);
    expect(lab.recorder.events.length).toBe(before);
    expect(await lab.session.state('\\scan')).toBe('finished');
  });

  it('names the device and the type when a configured device has no loaded plugin', async () => {
    const lab = await createSimulatedLab({ devices: [device.noop('ok')] });
    await lab.storage.setDeviceConfiguration({
      name: 'mystery',
      type: 'vendor.unknown-laser',
      configuration: {},
    });
    await lab.session.createSequence('\\scan', scan(2));
    const { error } = await run(lab, '\\scan');
    expect((error as ShotlineError).code).toBe('UNKNOWN_DEVICE_TYPE');
    expect(error?.message).toMatch(/"vendor\.unknown-laser".*device "mystery"/);
    expect(await lab.session.state('\\scan')).toBe('draft');
    expect(lab.recorder.devicesAskedToOpen()).toEqual([]);
  });
});

describe('shot retries', () => {
  it('retries a configured error type and stores the shot with its attempt count', async () => {
    const lab = await createSimulatedLab({
      devices: [
        device.noop('ok'),
        device.failing('flaky', { phase: 'runShot', atShot: 2, error: 'timeout', attempts: 1 }),
      ],
    });
    await lab.session.createSequence('\\scan', scan(4));
    const events = collectEvents(lab.events);
    const { error } = await run(lab, '\\scan', {
      retry: { maxAttempts: 3, retryOn: ['DEVICE_TIMEOUT'] },
    });
    expect(error).toBeUndefined();
    expect(await lab.session.state('\\scan')).toBe('finished');
    expect(await lab.session.shotIndices('\\scan')).toEqual([0, 1, 2, 3]);
    expect((await lab.session.shot('\\scan', 2)).timing).toMatchObject({ attempts: 2 });
    const retries = events.filter((e) => e.type === 'shot-retry');
    expect(retries).toMatchObject([{ index: 2, attempt: 1 }]);
  });

  it('does not retry an error type that is not configured', async () => {
    const lab = await createSimulatedLab({
      devices: [
        device.failing('flaky', {
          phase: 'runShot',
          atShot: 1,
          error: 'invalid-value',
          attempts: 1,
        }),
      ],
    });
    await lab.session.createSequence('\\scan', scan(4));
    await run(lab, '\\scan', { retry: { maxAttempts: 3, retryOn: ['DEVICE_TIMEOUT'] } });
    expect(lab.recorder.of('shot-started', 'flaky').filter((e) => e.shot === 1)).toHaveLength(1);
    expect(await lab.session.shotIndices('\\scan')).toEqual([0]);
    expect((await storedError(lab, '\\scan')).code).toBe('DEVICE_SHOT');
  });

  it('gives up after the configured number of attempts', async () => {
    const lab = await createSimulatedLab({
      devices: [device.failing('dead', { phase: 'runShot', atShot: 0, error: 'timeout' })],
    });
    await lab.session.createSequence('\\scan', scan(2));
    await run(lab, '\\scan', { retry: { maxAttempts: 3, retryOn: ['DEVICE_TIMEOUT'] } });
    expect(lab.recorder.of('shot-started', 'dead')).toHaveLength(3);
    const summary = await storedError(lab, '\\scan');
    expect(summary.code).toBe('SHOT_ATTEMPTS_EXCEEDED');
    expect(summary.message).toMatch(
      /failed 3 times.*simulated runShot failure of device "dead" at shot 0/,
    );
  });
});
