// The Procedure / ExperimentManager API of the seed document, with the reference's quirks fixed.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import {
  currentRunOwner,
  ExperimentManager,
  type RunOwner,
  sequenceResource,
  ProcedureActivationTimeoutError,
  ProcedureNotActiveError,
  SequenceAlreadyRunningError,
  SequencePath,
  ShotlineError,
} from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { collectEvents, device, scan } from './lab.test-helper.js';
import { createSimulatedLab, type SimulatedLab } from './simulated-lab.js';

async function labWithSequences(...names: string[]): Promise<SimulatedLab> {
  const lab = await createSimulatedLab({ devices: [device.slow('slow', { shotMs: 5 })] });
  for (const name of names) await lab.session.createSequence(`\\${name}`, scan(5));
  return lab;
}

function managerOf(lab: SimulatedLab, managerId?: string): Promise<ExperimentManager> {
  return ExperimentManager.create({
    storage: lab.storage,
    registry: lab.registry,
    events: lab.events,
    ...(managerId ? { managerId } : {}),
  });
}

describe('Procedure', () => {
  it('refuses to start a sequence when not active', async () => {
    const manager = await managerOf(await labWithSequences('a'));
    const procedure = manager.createProcedure('idle');
    expect(() => procedure.startSequence('\\a')).toThrow(ProcedureNotActiveError);
    await expect(procedure.runSequence('\\a')).rejects.toThrow(/procedure "idle" is not active/);
  });

  it('startSequence returns at once; exception() waits for the end', async () => {
    const lab = await labWithSequences('a');
    const manager = await managerOf(lab);
    await manager.createProcedure('p').run(async (procedure) => {
      procedure.startSequence('\\a');
      expect(procedure.isRunningSequence()).toBe(true);
      expect(await lab.session.state('\\a')).not.toBe('finished');
      expect(await procedure.exception()).toBeUndefined();
      expect(procedure.isRunningSequence()).toBe(false);
      expect(await lab.session.state('\\a')).toBe('finished');
    });
  });

  it('refuses a second sequence while one runs', async () => {
    const manager = await managerOf(await labWithSequences('a', 'b'));
    await manager.createProcedure('p').run(async (procedure) => {
      procedure.startSequence('\\a');
      expect(() => procedure.startSequence('\\b')).toThrow(SequenceAlreadyRunningError);
      expect(() => procedure.startSequence('\\b')).toThrow(/already running sequence \\a/);
      await procedure.exception();
    });
  });

  it('interruptSequence returns whether a sequence was running', async () => {
    const lab = await labWithSequences('a');
    const manager = await managerOf(lab);
    await manager.createProcedure('p').run(async (procedure) => {
      expect(procedure.interruptSequence()).toBe(false);
      procedure.startSequence('\\a');
      expect(procedure.interruptSequence()).toBe(true);
      expect(await procedure.exception()).toBeUndefined();
      expect(procedure.interruptSequence()).toBe(false);
    });
    expect(await lab.session.state('\\a')).toBe('interrupted');
  });

  it('lists the sequences started since activation, in order, the running one last', async () => {
    const manager = await managerOf(await labWithSequences('a', 'b', 'c'));
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
  });

  it('runSequence rethrows the error of a crashed sequence and exception() returns it', async () => {
    const lab = await createSimulatedLab({
      devices: [device.failing('bad', { phase: 'runShot', atShot: 1, error: 'invalid-value' })],
    });
    await lab.session.createSequence('\\a', scan(3));
    const manager = await managerOf(lab);
    await manager.createProcedure('p').run(async (procedure) => {
      const error = await procedure.runSequence('\\a').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ShotlineError);
      expect((error as Error).message).toMatch(/device "bad" failed during the shot.*shot 1/);
      expect(await procedure.exception()).toBe(error);
    });
  });

  it('isActive() is about this procedure, not any procedure of the manager', async () => {
    const manager = await managerOf(await labWithSequences());
    const first = manager.createProcedure('first');
    const second = manager.createProcedure('second');
    await first.run(async () => {
      expect(first.isActive()).toBe(true);
      expect(second.isActive()).toBe(false);
      expect(manager.activeProcedure()).toBe(first);
    });
    expect(first.isActive()).toBe(false);
  });

  it('a second procedure waits until the first is left', async () => {
    const lab = await labWithSequences('a', 'b');
    const manager = await managerOf(lab);
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

  it('fails to activate with a timeout error when another procedure stays active', async () => {
    const manager = await managerOf(await labWithSequences());
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
    await manager.createProcedure('later', { acquisitionTimeout: 30 }).run(async () => undefined);
  });

  it('callback form: a body that throws interrupts its running sequence and rethrows', async () => {
    const lab = await createSimulatedLab({ devices: [device.slow('slow', { shotMs: 20 })] });
    await lab.session.createSequence('\\long', scan(500));
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
    expect(await lab.session.state('\\long')).toBe('interrupted');
    expect((await lab.session.shotIndices('\\long')).length).toBeLessThan(500);
  });

  it('callback form: a body that returns waits for its running sequence', async () => {
    const lab = await labWithSequences('a');
    const manager = await managerOf(lab);
    await manager.createProcedure('p').run(async (procedure) => procedure.startSequence('\\a'));
    expect(await lab.session.state('\\a')).toBe('finished');
  });

  it('await using: leaving the block normally waits for a sequence still running', async () => {
    const lab = await labWithSequences('a');
    const manager = await managerOf(lab);
    {
      await using procedure = await manager.createProcedure('p').activate();
      procedure.startSequence('\\a');
    }
    expect(await lab.session.state('\\a')).toBe('finished');
    expect(manager.activeProcedure()).toBeUndefined();
  }, 60_000);

  it('await using: a block that throws cannot be seen by the disposer, so interrupt in a catch', async () => {
    const lab = await createSimulatedLab({ devices: [device.slow('slow', { shotMs: 20 })] });
    await lab.session.createSequence('\\long', scan(500));
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
  }, 60_000);

  it('waitUntilSequenceFinished() waits for an interrupted sequence to end, and never throws', async () => {
    const lab = await createSimulatedLab({
      devices: [
        device.slow('slow', { shotMs: 20 }),
        device.failing('bad', { phase: 'runShot', atShot: 3 }),
      ],
    });
    await lab.session.createSequence('\\long', scan(500));
    await lab.session.createSequence('\\failing', scan(10));
    const manager = await managerOf(lab);
    await manager.createProcedure('p').run(async (procedure) => {
      await procedure.waitUntilSequenceFinished();
      procedure.startSequence('\\long');
      await new Promise((r) => setTimeout(r, 60));
      expect(procedure.interruptSequence()).toBe(true);
      await procedure.waitUntilSequenceFinished();
      expect(procedure.isRunningSequence()).toBe(false);
      expect(await lab.session.state('\\long')).toBe('interrupted');
      procedure.startSequence('\\failing');
      await procedure.waitUntilSequenceFinished();
      expect(await lab.session.state('\\failing')).toBe('crashed');
      expect((await procedure.exception())?.message).toMatch(/device "bad" failed/);
    });
  }, 60_000);

  it('one procedure at a time per storage: two managers on one storage take turns', async () => {
    const lab = await labWithSequences('a');
    const one = await managerOf(lab);
    const two = await managerOf(lab);
    const first = await one.createProcedure('first').activate();
    expect(two.activeProcedure()).toBe(first);
    const refused = await two
      .createProcedure('second', { acquisitionTimeout: 30 })
      .activate()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProcedureActivationTimeoutError);
    expect((refused as Error).message).toMatch(/procedure "first" is still active/);
    await first.deactivate();
    await two.createProcedure('second').run((p) => p.runSequence('\\a'));
  }, 60_000);

  it('the manager interrupts the running procedure', async () => {
    const lab = await createSimulatedLab({ devices: [device.slow('slow', { shotMs: 20 })] });
    await lab.session.createSequence('\\long', scan(500));
    const manager = await managerOf(lab);
    expect(manager.interruptRunningProcedure()).toBe(false);
    await manager.createProcedure('p').run(async (procedure) => {
      procedure.startSequence('\\long');
      lab.events.on('shot-stored', (e) => {
        if (e.index === 2) expect(manager.interruptRunningProcedure()).toBe(true);
      });
      expect(await procedure.exception()).toBeUndefined();
    });
    expect(await lab.session.state('\\long')).toBe('interrupted');
  });

  it('emits the sequence states and one event of each kind per shot, with timings', async () => {
    const lab = await createSimulatedLab({
      devices: [device.producer('camera'), device.noop('laser')],
    });
    await lab.session.createSequence('\\a', scan(3));
    const events = collectEvents(lab.events);
    const manager = await managerOf(lab);
    await manager.createProcedure('p').run((p) => p.runSequence('\\a'));
    const states = events.filter((e) => e.type === 'sequence-state').map((e) => e.state);
    expect(states).toEqual(['preparing', 'running', 'finished']);
    for (const type of ['shot-compiled', 'shot-started', 'shot-finished', 'shot-stored'] as const) {
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
  });

  it('stores the per-device timing of every shot', async () => {
    const lab = await createSimulatedLab({
      devices: [
        device.producer('camera', { shotMs: 2 }),
        device.waiter('analysis', { waitFor: ['camera\\image'] }),
      ],
    });
    await lab.session.createSequence('\\a', scan(2));
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
});

describe('ExperimentManager start-up', () => {
  async function stuck(
    lab: SimulatedLab,
    name: string,
    owner: RunOwner,
    state: 'preparing' | 'running',
  ): Promise<SequencePath> {
    const path = await lab.session.createSequence(`\\${name}`, scan(2));
    (
      await lab.storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner })
    ).unwrap();
    if (state === 'running') (await lab.storage.setRunning(path, new Date())).unwrap();
    return path;
  }

  it('crashes the runs whose process is provably gone, and leaves the others', async () => {
    const lab = await labWithSequences();
    const here = hostname();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const owner = (pid: number, host = here, started: number | null = null): RunOwner => ({
      id: `run-${pid}`,
      host,
      pid,
      processStartedAt: started,
      label: `shotline run ${pid}`,
    });
    await stuck(lab, 'dead process', owner(Number(dead.stdout)), 'running');
    const reusedPid = owner(process.pid, here, 1_000_000);
    await stuck(lab, 'reused pid', reusedPid, 'preparing');
    await stuck(lab, 'other pc', owner(1234, 'other-pc.example'), 'running');
    const live = currentRunOwner('live');
    await stuck(lab, 'live process', live, 'running');
    const locks = (
      await lab.storage.acquireLocks({
        resources: [sequenceResource('\\live process')],
        holder: live,
      })
    ).unwrap();
    const manager = await managerOf(lab, 'lab-pc');
    expect(manager.recoveredSequences.map(String).sort()).toEqual([
      '\\dead process',
      '\\reused pid',
    ]);
    expect(await lab.session.state('\\dead process')).toBe('crashed');
    const error = (await lab.session.sequence('\\dead process')).error!;
    expect(error.code).toBe('RUN_PROCESS_GONE');
    expect(error.message).toMatch(
      /^the process that ran it stopped \(shotline run \d+ \(host .+, pid \d+\)\): no process of this machine has its pid any more/,
    );
    for (const left of ['\\other pc', '\\live process']) {
      expect(await lab.session.state(left)).toBe('running');
    }
    expect(manager.owner).toMatchObject({
      host: here,
      pid: process.pid,
      label: 'manager lab-pc',
    });
    await locks.release();
  }, 60_000);

  it('records its owner on the sequences it runs, and locks their devices while they run', async () => {
    const lab = await labWithSequences('a');
    const manager = await managerOf(lab, 'pc-7');
    const seen: string[][] = [];
    lab.events.on('sequence-state', (e) => {
      if (e.state === 'running') {
        void lab.storage.listLocks().then((l) => seen.push(l.map((x) => x.resource)));
      }
    });
    await manager.createProcedure('p').run((p) => p.runSequence('\\a'));
    expect((await lab.session.sequence('\\a')).owner).toEqual(manager.owner);
    expect(seen).toEqual([['device:slow', 'sequence:\\a']]);
    expect(await lab.storage.listLocks()).toEqual([]);
  }, 60_000);
});
