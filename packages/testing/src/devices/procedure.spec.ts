// The Procedure / ExperimentManager API of the seed document, with the reference's quirks fixed:
// the shared conformance suite on the local manager, and what only the local manager does.
import { hostname } from 'node:os';
import { ExperimentManager, type SequencePath } from '@shotline/core';
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
    const manager = await managerOf(lab);
    return { manager, dispose: () => manager.close() };
  },
});

describe('ExperimentManager start-up', () => {
  async function stuck(
    lab: SimulatedLab,
    name: string,
    owner: string,
    state: 'preparing' | 'running',
  ): Promise<SequencePath> {
    const path = await lab.session.createSequence(`\\${name}`, scan(2));
    (
      await lab.storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner })
    ).unwrap();
    if (state === 'running') (await lab.storage.setRunning(path, new Date())).unwrap();
    return path;
  }

  it('crashes the stale sequences whose manager is provably gone, and leaves the others', async () => {
    const lab = await labWithSequences();
    const here = hostname();
    await stuck(lab, 'dead process', `${here}:999999:old-manager`, 'running');
    await stuck(lab, 'same manager id', `${here}:${process.pid}:lab-pc`, 'preparing');
    await stuck(lab, 'other pc', `other-pc.example:1234:lab-pc-2`, 'running');
    await stuck(lab, 'live process', `${here}:${process.pid}:another-live-manager`, 'running');
    await stuck(lab, 'unknown owner', 'garbage', 'running');
    const manager = await managerOf(lab, 'lab-pc');
    expect(manager.recoveredSequences.map(String).sort()).toEqual([
      '\\dead process',
      '\\same manager id',
    ]);
    expect(await lab.session.state('\\dead process')).toBe('crashed');
    const error = (await lab.session.sequence('\\dead process')).error!;
    expect(error.code).toBe('STALE_SEQUENCE');
    expect(error.message).toMatch(/still RUNNING when manager .*:lab-pc started/);
    for (const left of ['\\other pc', '\\live process', '\\unknown owner']) {
      expect(await lab.session.state(left)).toBe('running');
    }
    expect(manager.owner).toBe(`${here}:${process.pid}:lab-pc`);
  });

  it('records its owner on the sequences it runs', async () => {
    const lab = await labWithSequences('a');
    const manager = await managerOf(lab, 'pc-7');
    await manager.createProcedure('p').run((p) => p.runSequence('\\a'));
    expect((await lab.session.sequence('\\a')).owner).toBe(`${hostname()}:${process.pid}:pc-7`);
  });
});
