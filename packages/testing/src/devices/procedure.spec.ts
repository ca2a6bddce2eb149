// The Procedure / ExperimentManager API of the seed document, with the reference's quirks fixed:
// the shared conformance suite on the local manager, and what only the local manager does.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import {
  currentRunOwner,
  ExperimentManager,
  type RunOwner,
  sequenceResource,
  type SequencePath,
} from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { describeProcedureConformance } from '../conformance/procedure-conformance.js';
import { device, scan } from './lab.test-helper.js';
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

describeProcedureConformance('the local ExperimentManager', {
  async open(lab) {
    const managers = [await managerOf(lab)];
    return {
      manager: managers[0]!,
      another: async () => {
        const manager = await managerOf(lab);
        managers.push(manager);
        return manager;
      },
      dispose: async () => {
        for (const manager of managers) await manager.close();
      },
    };
  },
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
