// The seed's Procedure API as a conformance suite: the same tests run against the local
// ExperimentManager and against a manager connected to a server (ExperimentManager.connect).
import {
  type ExperimentManagerContract,
  NDArray,
  ProcedureActivationTimeoutError,
  ProcedureNotActiveError,
  SequenceAlreadyRunningError,
  SequencePath,
  ShotlineError,
  type ShotlineEvent,
} from '@shotline/core';
import type * as Vitest from 'vitest';
import {
  createSimulatedLab,
  type SimulatedLab,
  type SimulatedLabOptions,
} from '../devices/simulated-lab.js';
import { countingScan as scan } from '../devices/counting-scan.js';
import { simulatedDevice as device } from '../devices/simulated-device-configurations.js';

// vitest is an optional peer dependency (see session-storage-conformance.ts).
const vitest: typeof Vitest | undefined = await import('vitest').catch(() => undefined);

/** How the suite gets an experiment manager for a lab. */
export interface ProcedureManagerFixture {
  /**
   * A manager that runs the sequences of `lab` (its storage, registry and recorder): the local
   * manager, or one connected to a server that owns the lab. Closed by the suite with `dispose`.
   */
  open(lab: SimulatedLab): Promise<OpenedProcedureManager>;
}

/** A manager opened by a {@link ProcedureManagerFixture}. */
export interface OpenedProcedureManager {
  readonly manager: ExperimentManagerContract;
  /**
   * Another manager of the same lab, as a second script would get one: locally a second manager
   * on the same storage, remotely a second client of the same server. Closed by `dispose`.
   */
  readonly another: () => Promise<ExperimentManagerContract>;
  /** Closes the managers and whatever the fixture started. */
  readonly dispose: () => Promise<void>;
}

/**
 * The Procedure and ExperimentManager semantics of the seed document, for any way of getting a
 * manager: one active procedure per lab, shared by every manager of it (activation waits, or fails
 * after its timeout), `startSequence` returns at once, `exception()` waits, `runSequence` rethrows
 * the sequence's error as a typed `ShotlineError`, `interruptSequence` then
 * `waitUntilSequenceFinished`, `sequences()`, leaving as the seed's `with` block (a normal exit
 * waits for the running sequence, an error interrupts it then waits; `await using` always waits),
 * events, per-device timing, and the documentation's example as written.
 */
export function describeProcedureConformance(name: string, fixture: ProcedureManagerFixture): void {
  if (vitest === undefined) {
    throw new Error('the Procedure conformance suite runs under vitest: npm install -D vitest');
  }
  const { afterEach, describe, expect, it } = vitest;
  const TIMEOUT = 60_000;

  describe(`Procedure conformance: ${name}`, () => {
    const opened: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const dispose of opened.splice(0).reverse()) await dispose();
    });
    async function openManager(lab: SimulatedLab): Promise<OpenedProcedureManager> {
      const opening = await fixture.open(lab);
      opened.push(opening.dispose);
      return opening;
    }
    async function managerOf(lab: SimulatedLab): Promise<ExperimentManagerContract> {
      return (await openManager(lab)).manager;
    }
    async function labWith(options: SimulatedLabOptions, ...names: [string, number][]) {
      const lab = await createSimulatedLab(options);
      for (const [sequence, shots] of names)
        await lab.session.createSequence(`\\${sequence}`, scan(shots));
      return lab;
    }
    const slowLab = (...names: string[]) =>
      labWith(
        { devices: [device.slow('slow', { shotMs: 5 })] },
        ...names.map((n): [string, number] => [n, 5]),
      );

    it('refuses to start a sequence when not active', { timeout: TIMEOUT }, async () => {
      const manager = await managerOf(await slowLab('a'));
      const procedure = manager.createProcedure('idle');
      expect(() => procedure.startSequence('\\a')).toThrow(ProcedureNotActiveError);
      await expect(procedure.runSequence('\\a')).rejects.toThrow(/procedure "idle" is not active/);
    });

    it(
      'startSequence returns at once; exception() waits for the end',
      { timeout: TIMEOUT },
      async () => {
        const lab = await slowLab('a');
        const manager = await managerOf(lab);
        await manager.createProcedure('p').run(async (procedure) => {
          procedure.startSequence('\\a');
          expect(procedure.isRunningSequence()).toBe(true);
          expect(await lab.session.state('\\a')).not.toBe('finished');
          expect(await procedure.exception()).toBeUndefined();
          expect(procedure.isRunningSequence()).toBe(false);
          expect(await lab.session.state('\\a')).toBe('finished');
        });
      },
    );

    it('refuses a second sequence while one runs', { timeout: TIMEOUT }, async () => {
      const manager = await managerOf(await slowLab('a', 'b'));
      await manager.createProcedure('p').run(async (procedure) => {
        procedure.startSequence('\\a');
        expect(() => procedure.startSequence('\\b')).toThrow(SequenceAlreadyRunningError);
        expect(() => procedure.startSequence('\\b')).toThrow(/already running sequence \\a/);
        await procedure.exception();
      });
    });

    it(
      'interruptSequence returns whether a sequence was running',
      { timeout: TIMEOUT },
      async () => {
        const lab = await slowLab('a');
        const manager = await managerOf(lab);
        await manager.createProcedure('p').run(async (procedure) => {
          expect(procedure.interruptSequence()).toBe(false);
          procedure.startSequence('\\a');
          expect(procedure.interruptSequence()).toBe(true);
          expect(await procedure.exception()).toBeUndefined();
          expect(procedure.interruptSequence()).toBe(false);
        });
        expect(await lab.session.state('\\a')).toBe('interrupted');
      },
    );

    it(
      'lists the sequences started since activation, in order, the running one last',
      { timeout: TIMEOUT },
      async () => {
        const manager = await managerOf(await slowLab('a', 'b', 'c'));
        const procedure = manager.createProcedure('p');
        await procedure.run(async (p) => {
          await p.runSequence('\\a');
          await p.runSequence('\\b');
          p.startSequence('\\c');
          expect(p.sequences()).toEqual([
            SequencePath.parse('\\a'),
            SequencePath.parse('\\b'),
            SequencePath.parse('\\c'),
          ]);
          await p.exception();
        });
        // activating again starts a new list
        await procedure.run(async (p) => expect(p.sequences()).toEqual([]));
      },
    );

    it(
      'runSequence rethrows the error of a crashed sequence as a typed error; exception() returns it',
      { timeout: TIMEOUT },
      async () => {
        const lab = await labWith(
          {
            devices: [
              device.failing('bad', { phase: 'runShot', atShot: 1, error: 'invalid-value' }),
            ],
          },
          ['a', 3],
        );
        const manager = await managerOf(lab);
        await manager.createProcedure('p').run(async (procedure) => {
          const error = await procedure.runSequence('\\a').catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ShotlineError);
          expect((error as Error).message).toMatch(/device "bad" failed during the shot.*shot 1/);
          expect((error as ShotlineError).location).toMatchObject({ sequence: '\\a', shot: 1 });
          expect(await procedure.exception()).toBe(error);
        });
      },
    );

    it(
      'isActive() is about this procedure, not any procedure of the manager',
      { timeout: TIMEOUT },
      async () => {
        const manager = await managerOf(await slowLab());
        const first = manager.createProcedure('first');
        const second = manager.createProcedure('second');
        await first.run(async () => {
          expect(first.isActive()).toBe(true);
          expect(second.isActive()).toBe(false);
          expect(manager.activeProcedure()).toBe(first);
        });
        expect(first.isActive()).toBe(false);
      },
    );

    it('a second procedure waits until the first is left', { timeout: TIMEOUT }, async () => {
      const manager = await managerOf(await slowLab('a', 'b'));
      const order: string[] = [];
      const first = await manager.createProcedure('first').activate();
      const secondActive = manager
        .createProcedure('second')
        .activate()
        .then((p) => {
          order.push('second active');
          return p;
        });
      await first.runSequence('\\a');
      await new Promise((r) => setTimeout(r, 20));
      order.push('first leaving');
      await first.deactivate();
      const second = await secondActive;
      expect(order).toEqual(['first leaving', 'second active']);
      await second.runSequence('\\b');
      await second.deactivate();
    });

    it(
      'fails to activate with a timeout error when another procedure stays active',
      { timeout: TIMEOUT },
      async () => {
        const manager = await managerOf(await slowLab());
        await manager.createProcedure('long analysis').run(async () => {
          const error = await manager
            .createProcedure('impatient', { acquisitionTimeout: 30 })
            .activate()
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ProcedureActivationTimeoutError);
          expect((error as Error).message).toMatch(
            /could not activate procedure "impatient" within 30 ms: procedure "long analysis" is still active/,
          );
        });
        // the lock was not left in a broken state
        await manager
          .createProcedure('later', { acquisitionTimeout: 30 })
          .run(async () => undefined);
      },
    );

    const longLab = () =>
      labWith({ devices: [device.slow('slow', { shotMs: 20 })] }, ['long', 500]);

    it(
      'callback form: a body that throws interrupts its running sequence, waits for its end, and rethrows',
      { timeout: TIMEOUT },
      async () => {
        const lab = await longLab();
        const manager = await managerOf(lab);
        const error = await manager
          .createProcedure('p')
          .run(async (procedure) => {
            procedure.startSequence('\\long');
            await new Promise((r) => setTimeout(r, 100));
            throw new Error('analysis failed');
          })
          .catch((e: unknown) => e);
        expect((error as Error).message).toBe('analysis failed');
        // Already ended when run() rejects: it waited after interrupting.
        expect(await lab.session.state('\\long')).toBe('interrupted');
        expect(lab.recorder.closedDevices()).toEqual(['slow']);
        expect((await lab.session.shotIndices('\\long')).length).toBeLessThan(500);
        expect(manager.activeProcedure()).toBeUndefined();
      },
    );

    it(
      'callback form: a body that returns waits for its running sequence',
      { timeout: TIMEOUT },
      async () => {
        const lab = await slowLab('a');
        const manager = await managerOf(lab);
        await manager.createProcedure('p').run(async (procedure) => procedure.startSequence('\\a'));
        expect(await lab.session.state('\\a')).toBe('finished');
        expect(await lab.session.shotIndices('\\a')).toEqual([0, 1, 2, 3, 4]);
      },
    );

    it(
      'await using: leaving the block normally waits for a sequence still running',
      { timeout: TIMEOUT },
      async () => {
        const lab = await slowLab('a');
        const manager = await managerOf(lab);
        {
          await using procedure = await manager.createProcedure('p').activate();
          procedure.startSequence('\\a');
        }
        expect(await lab.session.state('\\a')).toBe('finished');
        expect(manager.activeProcedure()).toBeUndefined();
      },
    );

    it(
      'await using: the disposer cannot see that the block threw, so the block interrupts in a catch',
      { timeout: TIMEOUT },
      async () => {
        const lab = await longLab();
        const manager = await managerOf(lab);
        const error = await (async () => {
          await using procedure = await manager.createProcedure('p').activate();
          procedure.startSequence('\\long');
          try {
            await new Promise((r) => setTimeout(r, 100));
            throw new Error('body failed');
          } catch (e) {
            procedure.interruptSequence();
            throw e;
          }
        })().catch((e: unknown) => e);
        expect((error as Error).message).toBe('body failed');
        expect(await lab.session.state('\\long')).toBe('interrupted');
        expect(manager.activeProcedure()).toBeUndefined();
      },
    );

    it(
      'waitUntilSequenceFinished() waits for an interrupted or crashed sequence to end, and never throws',
      { timeout: TIMEOUT },
      async () => {
        const lab = await labWith(
          {
            devices: [
              device.slow('slow', { shotMs: 20 }),
              device.failing('bad', { phase: 'runShot', atShot: 3 }),
            ],
          },
          ['long', 500],
          ['failing', 10],
        );
        const manager = await managerOf(lab);
        await manager.createProcedure('p').run(async (procedure) => {
          await procedure.waitUntilSequenceFinished(); // nothing running: returns at once
          procedure.startSequence('\\long');
          await new Promise((r) => setTimeout(r, 60));
          expect(procedure.interruptSequence()).toBe(true);
          await procedure.waitUntilSequenceFinished();
          expect(procedure.isRunningSequence()).toBe(false);
          expect(await lab.session.state('\\long')).toBe('interrupted');
          procedure.startSequence('\\failing');
          await procedure.waitUntilSequenceFinished();
          expect(await lab.session.state('\\failing')).toBe('crashed');
          expect(await procedure.exception()).toBeInstanceOf(ShotlineError);
          expect((await procedure.exception())?.message).toMatch(/device "bad" failed/);
        });
      },
    );

    it(
      'one active procedure per lab: two managers of one lab take turns',
      { timeout: TIMEOUT },
      async () => {
        const lab = await slowLab('a');
        const { manager: one, another } = await openManager(lab);
        const two = await another();
        const first = await one.createProcedure('first').activate();
        const refused = await two
          .createProcedure('second', { acquisitionTimeout: 30 })
          .activate()
          .catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(ProcedureActivationTimeoutError);
        expect((refused as Error).message).toMatch(/procedure "first" is still active/);
        const waiting = two.createProcedure('third').activate();
        await first.deactivate();
        const third = await waiting;
        await third.runSequence('\\a');
        await third.deactivate();
        expect(await lab.session.state('\\a')).toBe('finished');
      },
    );

    it('the manager interrupts the running procedure', { timeout: TIMEOUT }, async () => {
      const lab = await labWith({ devices: [device.slow('slow', { shotMs: 20 })] }, ['long', 500]);
      const manager = await managerOf(lab);
      expect(await manager.interruptRunningProcedure()).toBe(false);
      const answers: Promise<boolean>[] = [];
      await manager.createProcedure('p').run(async (procedure) => {
        procedure.startSequence('\\long');
        manager.events.on('shot-stored', (e) => {
          if (e.index === 2) answers.push(Promise.resolve(manager.interruptRunningProcedure()));
        });
        expect(await procedure.exception()).toBeUndefined();
      });
      expect(await Promise.all(answers)).toEqual([true]);
      expect(await lab.session.state('\\long')).toBe('interrupted');
    });

    it(
      'emits the sequence states and one event of each kind per shot, with timings',
      { timeout: TIMEOUT },
      async () => {
        const lab = await labWith({ devices: [device.producer('camera'), device.noop('laser')] }, [
          'a',
          3,
        ]);
        const manager = await managerOf(lab);
        const events: ShotlineEvent[] = [];
        manager.events.onAny((e) => events.push(e));
        await manager.createProcedure('p').run((p) => p.runSequence('\\a'));
        const states = events.filter((e) => e.type === 'sequence-state').map((e) => e.state);
        expect(states).toEqual(['preparing', 'running', 'finished']);
        for (const type of [
          'shot-compiled',
          'shot-started',
          'shot-finished',
          'shot-stored',
        ] as const) {
          expect(
            events.filter((e) => e.type === type).map((e) => (e as { index: number }).index),
          ).toEqual([0, 1, 2]);
        }
        const stored = events.filter((e) => e.type === 'shot-stored');
        expect(stored.map((e) => [e.storedShots, e.expectedShots])).toEqual([
          [1, 3],
          [2, 3],
          [3, 3],
        ]);
        const finished = events.find((e) => e.type === 'sequence-state' && e.state === 'finished');
        expect(finished).toMatchObject({ storedShots: 3, expectedShots: 3 });
        const shot = events.find((e) => e.type === 'shot-finished');
        expect(shot?.startTime).toBeInstanceOf(Date);
        expect(Object.keys(shot?.devices ?? {}).sort()).toEqual(['camera', 'laser']);
      },
    );

    it('stores the per-device timing of every shot', { timeout: TIMEOUT }, async () => {
      const lab = await labWith(
        {
          devices: [
            device.producer('camera', { shotMs: 2 }),
            device.waiter('analysis', { waitFor: ['camera\\image'] }),
          ],
        },
        ['a', 2],
      );
      const manager = await managerOf(lab);
      await manager.createProcedure('p').run((p) => p.runSequence('\\a'));
      const shot = await lab.session.shot('\\a', 1);
      expect(shot.labels).toEqual(['analysis\\received', 'camera\\image']);
      const timing = shot.timing as {
        attempts: number;
        barrierMs: number;
        devices: Record<
          string,
          {
            readyMs: number;
            barrierMs: number;
            finishedMs: number;
            dataWaits: { name: string }[];
            dataSignals: { name: string }[];
          }
        >;
      };
      expect(timing.attempts).toBe(1);
      expect(Object.keys(timing.devices).sort()).toEqual(['analysis', 'camera']);
      const analysis = timing.devices.analysis!;
      expect(analysis.readyMs).toBeLessThanOrEqual(timing.barrierMs);
      expect(analysis.dataWaits.map((w) => w.name)).toEqual(['camera\\image']);
      expect(timing.devices.camera!.dataSignals.map((s) => s.name)).toEqual(['camera\\image']);
      expect(analysis.finishedMs).toBeGreaterThanOrEqual(analysis.barrierMs);
    });

    it("runs the documentation's example as written", { timeout: TIMEOUT }, async () => {
      const lab = await labWith(
        { devices: [device.producer('camera'), device.noop('laser')] },
        ['my sequence', 3],
        ['another sequence', 2],
      );
      const experimentManager = await managerOf(lab);
      {
        await using procedure = await experimentManager.createProcedure('my procedure').activate();
        await procedure.runSequence('\\my sequence');
        // do analysis, overwrite parameters, etc...
        await procedure.runSequence('\\another sequence');
        expect(procedure.sequences().map(String)).toEqual(['\\my sequence', '\\another sequence']);
      }
      expect(await lab.session.state('\\my sequence')).toBe('finished');
      expect(await lab.session.state('\\another sequence')).toBe('finished');
      expect(await lab.session.shotIndices('\\my sequence')).toEqual([0, 1, 2]);
      const image = (
        await lab.storage.getShotData(
          (await lab.session.sequence('\\my sequence')).path,
          2,
          'camera\\image',
        )
      ).unwrap();
      expect(image).toBeInstanceOf(NDArray);
      expect((image as NDArray).shape).toEqual([64, 64]);
      expect((image as NDArray<'uint16'>).data[0]).toBe(2);
      expect((await lab.session.shot('\\my sequence', 1)).parameters.get('i')).toBe(1);
      expect(lab.recorder.closedDevices()).toEqual(['camera', 'laser']);
    });
  });
}
