import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArangeLoop,
  ExecuteShot,
  ExperimentManager,
  IterationConfiguration,
  ParameterNamespace,
  SequencePath,
  StoredShotsMismatchError,
  SuspenderConfigurationError,
  TimeLanes,
  VariableDeclaration,
  WrongSequenceStateError,
  currentRunOwner,
  type DeviceConfiguration,
  type SequenceEvent,
  type SessionStorage,
  type ShotlineEvent,
  type SuspenderDefinition,
  type SuspenderSpecInput,
} from '@shotline/core';
import type * as Vitest from 'vitest';
import { countingScan } from '../devices/counting-scan.js';
import { DataProducerDeviceExtension } from '../devices/data-producer-device.js';
import { LockMonitorDeviceExtension } from '../devices/lock-monitor-device.js';
import { createSimulatedLab, type SimulatedLab } from '../devices/simulated-lab.js';
import { SlowDeviceExtension } from '../devices/slow-device.js';

// vitest is an optional peer dependency, loaded here rather than imported (see the storage suite).
const vitest: typeof Vitest | undefined = await import('vitest').catch(() => undefined);

function testApi(): typeof Vitest {
  if (vitest === undefined) {
    throw new Error('the durable execution suite runs under vitest: npm install -D vitest');
  }
  return vitest;
}

/** How the durable execution suite gets storages of one backend. */
export interface DurableExecutionFixture {
  /** Opens a new, empty storage (a fresh database). */
  open(): Promise<SessionStorage>;
  /** Called once after the suite. */
  dispose?(): Promise<void>;
  /** When set, the suite is skipped and this reason is printed. */
  skipReason?: string;
}

/** Generous: a busy machine must never fail these; they catch hangs. */
const TIMEOUT = 120_000;

const slow = (name: string, configuration: Record<string, unknown> = {}): DeviceConfiguration => ({
  name,
  type: SlowDeviceExtension.type,
  configuration,
});
const lockMonitor = (
  name: string,
  configuration: Record<string, unknown>,
): DeviceConfiguration => ({
  name,
  type: LockMonitorDeviceExtension.type,
  configuration,
});
const producer = (
  name: string,
  configuration: Record<string, unknown> = {},
): DeviceConfiguration => ({
  name,
  type: DataProducerDeviceExtension.type,
  configuration,
});

/** Polls `condition` until it holds (a hang is caught by the test's timeout). */
async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** `arange i` from 0 to `shots` with `y = i + offset` in each shot (offset: a global). */
function offsetScan(shots: number | string): {
  iteration: IterationConfiguration;
  timeLanes: TimeLanes;
} {
  return {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: String(shots),
        step: '1',
        steps: [new VariableDeclaration('y', 'i + offset'), new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({ stepNames: ['run'], stepDurations: ['1 ms'] }),
  };
}

/** A PID that belongs to no process any more (a process that ran and exited). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

/**
 * Registers the durable execution suite for one storage backend: pause and resume at shot
 * boundaries (every shot exactly once, in order), interrupt while paused, reloading the globals on
 * resume, suspenders on a simulated lock signal, a global and a function (trips and resumes stored
 * as events), suspenders refused when the sequence is checked, continuing interrupted and crashed
 * runs (every index exactly once), and the typed errors of each wrong state. Memory, SQLite and
 * PostgreSQL call it from a spec file.
 */
export function describeDurableExecution(name: string, fixture: DurableExecutionFixture): void {
  const { afterAll, afterEach, describe, expect, it } = testApi();
  if (fixture.skipReason !== undefined) {
    console.warn(`Durable execution suite (${name}) is skipped: ${fixture.skipReason}`);
    describe.skip(`durable execution: ${name} (${fixture.skipReason})`, () => {
      it('is skipped', () => undefined);
    });
    return;
  }

  describe(`durable execution: ${name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'shotline-durable-'));
    const open: SessionStorage[] = [];
    afterEach(async () => {
      for (const storage of open.splice(0)) await storage.close();
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await fixture.dispose?.();
    });

    async function lab(devices: DeviceConfiguration[]): Promise<{
      lab: SimulatedLab;
      manager: ExperimentManager;
      events: ShotlineEvent[];
    }> {
      const storage = await fixture.open();
      open.push(storage);
      const simulated = await createSimulatedLab({ storage, devices });
      const manager = await ExperimentManager.create({
        storage,
        registry: simulated.registry,
        events: simulated.events,
        pipeline: { lookAhead: 4, controlPollMs: 20 },
      });
      const events: ShotlineEvent[] = [];
      simulated.events.onAny((e) => events.push(e));
      return { lab: simulated, manager, events };
    }

    async function stored(lab: SimulatedLab, path: string): Promise<number> {
      return (await lab.storage.getStats(SequencePath.parse(path))).unwrap().completedShots;
    }

    /** Every stored shot of a counting scan: index i has i = index, in order of time. */
    async function expectEveryShotOnceInOrder(lab: SimulatedLab, path: string, shots: number) {
      const p = SequencePath.parse(path);
      const indices = (await lab.storage.shotIndices(p)).unwrap();
      expect(indices).toEqual(Array.from({ length: shots }, (_, i) => i));
      const table = (await lab.storage.readShotTable(p, { labels: [] })).unwrap();
      expect(table.parameters.i).toEqual(indices);
      for (let k = 1; k < table.startTime.length; k++) {
        expect(table.startTime[k]!).toBeGreaterThanOrEqual(table.endTime[k - 1]!);
      }
    }

    function kinds(events: readonly SequenceEvent[]): string[] {
      return events.map((e) => e.kind);
    }

    describe('pause and resume', () => {
      it(
        'pauses at a shot boundary and resumes: every shot exactly once and in order, devices opened once',
        async () => {
          const { lab: l, manager, events } = await lab([slow('laser', { shotMs: 4 })]);
          await l.session.createSequence('\\scan', countingScan(40));
          let atPause = -1;
          await manager.createProcedure('pausing').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 5);
            await procedure.pauseSequence();
            expect(await l.session.state('\\scan')).toBe('paused');
            // Everything that ran before the pause is stored when PAUSED is.
            atPause = await stored(l, '\\scan');
            expect(atPause).toBeGreaterThanOrEqual(5);
            const again = await procedure.pauseSequence().catch((e: unknown) => e);
            expect(again).toBeInstanceOf(WrongSequenceStateError);
            expect((again as Error).message).toMatch(/it is PAUSED/);
            expect(await stored(l, '\\scan')).toBe(atPause);
            await procedure.resumeSequence();
            expect(['running', 'finished']).toContain(await l.session.state('\\scan'));
          });
          expect(await l.session.state('\\scan')).toBe('finished');
          await expectEveryShotOnceInOrder(l, '\\scan', 40);
          const stored_ = await l.session.events('\\scan');
          expect(kinds(stored_)).toEqual(['paused', 'resumed']);
          expect(stored_[0]!.data).toMatchObject({ reason: 'request', nextIndex: atPause });
          expect(stored_[1]!.data).toMatchObject({ reason: 'request', nextIndex: atPause });
          // No shot started between PAUSED and RUNNING again.
          const states = events.filter(
            (e) => e.type === 'sequence-state' || e.type === 'shot-started',
          );
          const paused = states.findIndex(
            (e) => e.type === 'sequence-state' && e.state === 'paused',
          );
          const resumed = states.findIndex(
            (e, i) => i > paused && e.type === 'sequence-state' && e.state === 'running',
          );
          expect(paused).toBeGreaterThan(0);
          expect(
            states.slice(paused + 1, resumed).filter((e) => e.type === 'shot-started'),
          ).toEqual([]);
          expect(l.recorder.devicesAskedToOpen()).toEqual(['laser']);
        },
        TIMEOUT,
      );

      it(
        'interrupts a paused sequence: INTERRUPTED with the shots run before the pause',
        async () => {
          const { lab: l, manager } = await lab([slow('laser', { shotMs: 2 })]);
          await l.session.createSequence('\\scan', countingScan(500));
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 3);
            await procedure.pauseSequence();
            const before = await stored(l, '\\scan');
            expect(procedure.interruptSequence()).toBe(true);
            await procedure.waitUntilSequenceFinished();
            expect(await procedure.exception()).toBeUndefined();
            expect(await stored(l, '\\scan')).toBe(before);
          });
          expect(await l.session.state('\\scan')).toBe('interrupted');
        },
        TIMEOUT,
      );

      it(
        'applies globals changed while paused only when asked, and records them on the sequence',
        async () => {
          // 100 shots of 10 ms: the run cannot finish before the test's second pause.
          const { lab: l, manager } = await lab([slow('laser', { shotMs: 10 })]);
          await l.session.setGlobals(ParameterNamespace.fromMapping({ offset: '0' }));
          await l.session.createSequence('\\scan', offsetScan(100));
          let k = -1;
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 4);
            await procedure.pauseSequence();
            await l.session.setGlobals(ParameterNamespace.fromMapping({ offset: '100' }));
            // Not asked: the old globals go on.
            await procedure.resumeSequence();
            await until(async () => (await stored(l, '\\scan')) >= 8);
            await procedure.pauseSequence();
            k = await stored(l, '\\scan');
            await procedure.resumeSequence({ reloadGlobals: true });
          });
          expect(await l.session.state('\\scan')).toBe('finished');
          const table = (
            await l.storage.readShotTable(SequencePath.parse('\\scan'), { labels: [] })
          ).unwrap();
          const y = table.parameters.y as number[];
          y.forEach((value, index) => expect(value).toBe(index < k ? index : index + 100));
          const resumed = (await l.session.events('\\scan')).filter((e) => e.kind === 'resumed');
          expect(
            resumed.map((e) => (e.data as { reloadedGlobals?: unknown }).reloadedGlobals),
          ).toEqual([
            undefined,
            {
              previous: [['offset', '0']],
              globals: [['offset', '100']],
              changed: ['offset'],
            },
          ]);
          expect((await l.session.sequence('\\scan')).globals?.toJSON()).toEqual([
            ['offset', '100'],
          ]);
        },
        TIMEOUT,
      );

      it(
        'refuses new globals that change the number of shots, and stays PAUSED',
        async () => {
          const { lab: l, manager } = await lab([slow('laser', { shotMs: 2 })]);
          await l.session.setGlobals(ParameterNamespace.fromMapping({ offset: '0', n: '50' }));
          await l.session.createSequence('\\scan', offsetScan('n'));
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 2);
            await procedure.pauseSequence();
            await l.session.setGlobals(ParameterNamespace.fromMapping({ offset: '0', n: '60' }));
            await expect(procedure.resumeSequence({ reloadGlobals: true })).rejects.toThrow(
              /change the number of shots from 50 to 60; it stays PAUSED/,
            );
            expect(await l.session.state('\\scan')).toBe('paused');
            await procedure.resumeSequence();
          });
          expect(await l.session.state('\\scan')).toBe('finished');
          expect(await stored(l, '\\scan')).toBe(50);
        },
        TIMEOUT,
      );

      it(
        'pauses and resumes on requests stored by another process (shotline seq pause / resume)',
        async () => {
          const { lab: l, manager } = await lab([slow('laser', { shotMs: 3 })]);
          await l.session.createSequence('\\scan', countingScan(60));
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 3);
            await l.session.requestPause('\\scan', 'another terminal');
            await until(async () => (await l.session.state('\\scan')) === 'paused');
            await expect(l.session.requestPause('\\scan', 'again')).rejects.toThrow(
              WrongSequenceStateError,
            );
            await l.session.requestResume('\\scan', 'another terminal');
            await procedure.waitUntilSequenceFinished();
          });
          await expectEveryShotOnceInOrder(l, '\\scan', 60);
          const events = await l.session.events('\\scan');
          expect(kinds(events)).toEqual([
            'pause-requested',
            'paused',
            'resume-requested',
            'resumed',
          ]);
          expect(events[1]!.data).toMatchObject({ reason: 'request', by: 'another terminal' });
        },
        TIMEOUT,
      );

      it(
        'names the state when pause, resume or continue is asked in the wrong one',
        async () => {
          const { lab: l, manager } = await lab([slow('laser', { shotMs: 2 })]);
          await l.session.createSequence('\\scan', countingScan(300));
          await l.session.createSequence('\\draft', countingScan(3));
          await manager.createProcedure('p').run(async (procedure) => {
            await expect(procedure.pauseSequence()).rejects.toThrow(
              /cannot pause sequence .*: it is NONE .*no sequence of this procedure is running/,
            );
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 1);
            const resume = await procedure.resumeSequence().catch((e: unknown) => e);
            expect(resume).toBeInstanceOf(WrongSequenceStateError);
            expect(resume).toMatchObject({ code: 'WRONG_SEQUENCE_STATE', state: 'running' });
            expect((resume as Error).message).toBe(
              'cannot resume sequence \\scan: it is RUNNING (only a PAUSED sequence can be resumed) (sequence \\scan)',
            );
            await expect(l.session.requestResume('\\scan', 'x')).rejects.toThrow(/it is RUNNING/);
            procedure.interruptSequence();
            await procedure.waitUntilSequenceFinished();
            await expect(procedure.continueSequence('\\draft')).rejects.toThrow(
              /cannot continue sequence \\draft: it is DRAFT \(only a INTERRUPTED or CRASHED sequence can be continued\); it never ran/,
            );
          });
          await expect(l.session.requestPause('\\draft', 'x')).rejects.toMatchObject({
            state: 'draft',
          });
        },
        TIMEOUT,
      );
    });

    describe('suspenders', () => {
      it(
        'a lock monitor trips, the running shot is repeated, probes watch the signal, the run resumes by itself',
        async () => {
          const signal = join(dir, `lock-${Math.random().toString(36).slice(2)}.txt`);
          writeFileSync(signal, '0.05');
          const {
            lab: l,
            manager,
            events,
          } = await lab([
            slow('laser', { shotMs: 3 }),
            lockMonitor('lock', { signalFile: signal }),
          ]);
          const suspenders: SuspenderSpecInput[] = [
            {
              name: 'cooler lock',
              watch: { data: 'lock\\error' },
              okWhen: { between: [-0.5, 0.5] },
              hold: '30 ms',
              onTrip: 'repeat',
              beforeResume: { warmupShots: 2 },
            },
          ];
          await l.session.createSequence('\\scan', countingScan(40));
          await l.session.setSuspenders('\\scan', suspenders);
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 5);
            writeFileSync(signal, '0.9'); // the laser unlocks
            await until(async () => (await l.session.state('\\scan')) === 'paused');
            const probes = () => events.filter((e) => e.type === 'shot-probed').length;
            const before = probes();
            await until(() => probes() >= before + 2); // the monitor is read again and again
            writeFileSync(signal, '0.1'); // relocked
            await procedure.waitUntilSequenceFinished();
            expect(await procedure.exception()).toBeUndefined();
          });
          expect(await l.session.state('\\scan')).toBe('finished');
          await expectEveryShotOnceInOrder(l, '\\scan', 40);
          // No stored shot saw the laser unlocked: the one that did was discarded and repeated.
          const table = (
            await l.storage.readShotTable(SequencePath.parse('\\scan'), { labels: ['lock\\error'] })
          ).unwrap();
          for (const value of table.data['lock\\error']!)
            expect(Math.abs(value as number)).toBeLessThan(0.5);
          const stored_ = await l.session.events('\\scan');
          expect(kinds(stored_)).toEqual([
            'suspenders',
            'suspender-tripped',
            'paused',
            'suspender-cleared',
            'resumed',
          ]);
          expect(stored_[1]!.data).toMatchObject({
            suspender: 'cooler lock',
            watch: 'data lock\\error',
            value: 0.9,
            action: 'repeat',
          });
          expect(stored_[2]!.data).toMatchObject({
            reason: 'suspender',
            suspenders: ['cooler lock'],
          });
          expect(stored_[3]!.data).toMatchObject({ suspender: 'cooler lock', value: 0.1 });
          expect((stored_[3]!.data as { heldMs: number }).heldMs).toBeGreaterThanOrEqual(30);
          expect(stored_[4]!.data).toMatchObject({ reason: 'suspender' });
          expect(
            events.filter((e) => e.type === 'shot-probed' && e.purpose === 'warmup'),
          ).toHaveLength(2);
        },
        TIMEOUT,
      );

      it(
        'a global trips a lab suspender at the shot boundary; the run pauses and resumes when it is back',
        async () => {
          const { lab: l } = await lab([slow('laser', { shotMs: 3 })]);
          await l.session.setGlobals(ParameterNamespace.fromMapping({ lock: { ok: 'Enabled' } }));
          await l.session.createSequence('\\scan', countingScan(40));
          const manager = await ExperimentManager.create({
            storage: l.storage,
            registry: l.registry,
            pipeline: { lookAhead: 2, controlPollMs: 20 },
            suspenders: [
              {
                name: 'lock flag',
                watch: { global: 'lock.ok' },
                okWhen: { equals: true },
                poll: '10 ms',
              },
            ],
          });
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 3);
            await l.session.setGlobals(
              ParameterNamespace.fromMapping({ lock: { ok: 'Disabled' } }),
            );
            await until(async () => (await l.session.state('\\scan')) === 'paused');
            await l.session.setGlobals(ParameterNamespace.fromMapping({ lock: { ok: 'Enabled' } }));
            await procedure.waitUntilSequenceFinished();
          });
          await expectEveryShotOnceInOrder(l, '\\scan', 40);
          const stored_ = await l.session.events('\\scan');
          expect(kinds(stored_)).toEqual([
            'suspenders',
            'suspender-tripped',
            'paused',
            'suspender-cleared',
            'resumed',
          ]);
          expect(stored_[1]!.data).toMatchObject({ value: false, action: 'pause' });
        },
        TIMEOUT,
      );

      it(
        'a function suspender in repeat mode aborts the running shot, which runs again after the action before resuming',
        async () => {
          const { lab: l, manager } = await lab([slow('laser', { shotMs: 40 })]);
          await l.session.createSequence('\\scan', countingScan(12));
          let locked = true;
          let relocks = 0;
          const suspender: SuspenderDefinition = {
            name: 'wavemeter',
            watch: { read: () => locked, describe: 'wavemeter lock' },
            okWhen: (value) => value === true,
            poll: '5 ms',
            onTrip: 'repeat',
            beforeResume: () => {
              relocks += 1;
            },
          };
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan', { suspenders: [suspender] });
            await until(async () => (await stored(l, '\\scan')) >= 2);
            locked = false;
            await until(async () => (await l.session.state('\\scan')) === 'paused');
            locked = true;
            await procedure.waitUntilSequenceFinished();
            expect(await procedure.exception()).toBeUndefined();
          });
          await expectEveryShotOnceInOrder(l, '\\scan', 12);
          expect(relocks).toBe(1);
          const aborted = l.recorder.events.filter((e) => e.kind === 'aborted');
          expect(aborted.length).toBeGreaterThanOrEqual(1);
          const tripped = (await l.session.events('\\scan')).find(
            (e) => e.kind === 'suspender-tripped',
          );
          expect(tripped?.data).toMatchObject({
            watch: 'function wavemeter lock',
            action: 'repeat',
          });
          // The aborted shot was the one running: it was stored once, by its repeat.
          expect((tripped!.data as { shot: number }).shot).toBeGreaterThanOrEqual(2);
        },
        TIMEOUT,
      );

      it(
        'refuses, when the sequence is checked, a suspender on an unknown device or label, a missing global, or a condition of the wrong type',
        async () => {
          const { lab: l, manager } = await lab([
            slow('laser'),
            producer('cam', { kind: 'value' }),
          ]);
          await l.session.setGlobals(
            ParameterNamespace.fromMapping({ lock: { ok: 'Enabled' }, detuning: '-12 MHz' }),
          );
          await l.session.createSequence('\\scan', countingScan(3));
          const cases: [SuspenderSpecInput, RegExp][] = [
            [
              { name: 'a', watch: { data: 'ghost\\error' }, okWhen: { below: 1 } },
              /^suspender "a" of the sequence: it watches "ghost\\error" of the unknown device "ghost" \(devices of this run: cam, laser\)/,
            ],
            [
              { name: 'b', watch: { data: 'cam\\voltage' }, okWhen: { below: 1 } },
              /device "cam" signals no data "cam\\voltage" in this sequence \(it signals: cam\\image\)/,
            ],
            [
              { name: 'c', watch: { data: 'error' }, okWhen: { below: 1 } },
              /"error" is not a data label/,
            ],
            [
              { name: 'd', watch: { global: 'lock.missing' }, okWhen: { equals: true } },
              /not a global parameter of this run/,
            ],
            [
              { name: 'e', watch: { global: 'lock.ok' }, okWhen: { below: '1 MHz' } },
              /^suspender "e" of the sequence: it watches global lock.ok, which is boolean true: its condition \{"below":"1 MHz"\} needs a number/,
            ],
            [
              { name: 'f', watch: { global: 'detuning' }, okWhen: { below: '1 V' } },
              /needs a value of dimension/,
            ],
            [
              {
                name: 'g',
                watch: { global: 'detuning' },
                okWhen: { below: '0 MHz' },
                hold: '2 MHz',
              },
              /hold "2 MHz" must be a time/,
            ],
          ];
          for (const [suspender, message] of cases) {
            await l.session.setSuspenders('\\scan', [suspender]);
            const refused = await manager
              .createProcedure('p')
              .run((p) => p.runSequence('\\scan'))
              .catch((e: unknown) => e);
            expect(refused, suspender.name).toBeInstanceOf(SuspenderConfigurationError);
            expect((refused as Error).message).toMatch(message);
            expect((refused as SuspenderConfigurationError).location).toMatchObject({
              sequence: '\\scan',
              suspender: suspender.name,
            });
            expect(await l.session.state('\\scan')).toBe('draft');
          }
          expect(l.recorder.devicesAskedToOpen()).toEqual([]);
        },
        TIMEOUT,
      );
    });

    describe('continuing a run', () => {
      it(
        'continues an interrupted run: every index exactly once, the continuation recorded',
        async () => {
          const { lab: l, manager } = await lab([slow('laser', { shotMs: 2 })]);
          await l.session.createSequence('\\scan', countingScan(50));
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 7);
            procedure.interruptSequence();
            await procedure.waitUntilSequenceFinished();
          });
          const k = await stored(l, '\\scan');
          const first = await l.session.sequence('\\scan');
          await manager
            .createProcedure('again')
            .run((p) => p.continueSequence('\\scan', { reason: 'the coffee break is over' }));
          expect(await l.session.state('\\scan')).toBe('finished');
          await expectEveryShotOnceInOrder(l, '\\scan', 50);
          const again = await l.session.sequence('\\scan');
          expect(again.startTime).toEqual(first.startTime);
          expect(again.globals?.toJSON()).toEqual(first.globals?.toJSON());
          const continued = (await l.session.events('\\scan')).filter(
            (e) => e.kind === 'continued',
          );
          expect(continued).toHaveLength(1);
          expect(continued[0]!.data).toMatchObject({
            fromIndex: k,
            storedShots: k,
            previousState: 'interrupted',
            reason: 'the coffee break is over',
          });
          await expect(
            manager.createProcedure('x').run((p) => p.continueSequence('\\scan')),
          ).rejects.toThrow(/it is FINISHED .*every shot already ran/);
        },
        TIMEOUT,
      );

      it(
        'continues a run whose process died (found CRASHED), on the snapshot it started with',
        async () => {
          const { lab: l } = await lab([slow('laser', { shotMs: 1 })]);
          await l.session.setGlobals(ParameterNamespace.fromMapping({ offset: '5' }));
          await l.session.createSequence('\\scan', offsetScan(20));
          // A run that stored 6 shots, then its process died (as after kill -9).
          const path = SequencePath.parse('\\scan');
          const plan = await l.session.planRun(path);
          const dead = { ...currentRunOwner('killed run'), pid: deadPid() };
          await l.session.markPreparing(plan, dead);
          await l.session.markRunning(path, new Date());
          const walk = IterationConfiguration.fromJSON(plan.iteration).walk(
            ParameterNamespace.fromJSON(plan.globals).evaluate(),
          );
          for (let index = 0; index < 6; index++) {
            const parameters = walk.next().value!;
            (
              await l.storage.createShot(path, {
                index,
                parameters: parameters.toJSON(),
                data: {},
                startTime: new Date(),
                endTime: new Date(),
                timing: null,
              })
            ).unwrap();
          }
          // The lab's globals changed since: the continuation keeps the snapshot.
          await l.session.setGlobals(ParameterNamespace.fromMapping({ offset: '1000' }));
          const manager = await ExperimentManager.create({
            storage: l.storage,
            registry: l.registry,
          });
          expect(manager.recoveredSequences.map(String)).toEqual(['\\scan']);
          expect(await l.session.state('\\scan')).toBe('crashed');
          await manager.createProcedure('p').run((p) => p.continueSequence('\\scan'));
          expect(await l.session.state('\\scan')).toBe('finished');
          const table = (await l.storage.readShotTable(path, { labels: [] })).unwrap();
          expect([...table.index]).toEqual(Array.from({ length: 20 }, (_, i) => i));
          expect(table.parameters.y).toEqual(Array.from({ length: 20 }, (_, i) => i + 5));
          const continued = (await l.session.events('\\scan')).find((e) => e.kind === 'continued');
          expect(continued?.data).toMatchObject({
            fromIndex: 6,
            previousState: 'crashed',
            error: { code: 'RUN_PROCESS_GONE' },
          });
        },
        TIMEOUT,
      );

      it(
        'refuses to continue when the stored shots do not match the iteration, naming the first mismatching shot',
        async () => {
          const { lab: l, manager } = await lab([slow('laser')]);
          await l.session.createSequence('\\scan', countingScan(10));
          const path = SequencePath.parse('\\scan');
          const plan = await l.session.planRun(path);
          await l.session.markPreparing(plan, currentRunOwner('another version'));
          await l.session.markRunning(path, new Date());
          for (const [index, i] of [
            [0, 0],
            [1, 1],
            [2, 7],
          ]) {
            (
              await l.storage.createShot(path, {
                index: index!,
                parameters: { i: i! },
                data: {},
                startTime: new Date(),
                endTime: new Date(),
                timing: null,
              })
            ).unwrap();
          }
          await l.session.markInterrupted(path, new Date());
          const refused = await manager
            .createProcedure('p')
            .run((p) => p.continueSequence('\\scan'))
            .catch((e: unknown) => e);
          expect(refused).toBeInstanceOf(StoredShotsMismatchError);
          expect((refused as Error).message).toMatch(
            /stored shot 2 has i = 7, but its iteration walked again gives 2/,
          );
          expect((refused as StoredShotsMismatchError).location).toMatchObject({
            shot: 2,
            parameter: 'i',
          });
          expect(await l.session.state('\\scan')).toBe('interrupted');
          expect(l.recorder.devicesAskedToOpen()).toEqual([]);
        },
        TIMEOUT,
      );

      it(
        'continues a run whose globals were reloaded on resume, checking each part with its globals',
        async () => {
          // Long enough (200 shots of 10 ms) that the run cannot end on its own between the
          // moment the test sees k + 4 shots stored and its interrupt, on a busy machine.
          const { lab: l, manager } = await lab([slow('laser', { shotMs: 10 })]);
          await l.session.setGlobals(ParameterNamespace.fromMapping({ offset: '0' }));
          await l.session.createSequence('\\scan', offsetScan(200));
          let k = -1;
          await manager.createProcedure('p').run(async (procedure) => {
            procedure.startSequence('\\scan');
            await until(async () => (await stored(l, '\\scan')) >= 4);
            await procedure.pauseSequence();
            k = await stored(l, '\\scan');
            await l.session.setGlobals(ParameterNamespace.fromMapping({ offset: '10' }));
            await procedure.resumeSequence({ reloadGlobals: true });
            await until(async () => (await stored(l, '\\scan')) >= k + 4);
            procedure.interruptSequence();
            await procedure.waitUntilSequenceFinished();
          });
          await manager.createProcedure('q').run((p) => p.continueSequence('\\scan'));
          const table = (
            await l.storage.readShotTable(SequencePath.parse('\\scan'), { labels: [] })
          ).unwrap();
          expect(table.parameters.y).toEqual(
            Array.from({ length: 200 }, (_, i) => (i < k ? i : i + 10)),
          );
        },
        TIMEOUT,
      );
    });
  });
}
