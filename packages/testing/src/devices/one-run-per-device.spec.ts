// One run per device ("Failures end cleanly", issue 14): a run holds locks on the devices it uses,
// so a second run that needs one of them is refused before anything is opened, naming the running
// sequence, host and pid; runs on disjoint devices go ahead. Two managers on two connections to one
// database (the in-memory storage shared), as two processes of a lab would be.
import { hostname } from 'node:os';
import { ExperimentManager, ResourceBusyError, type ShotlineEvent } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { MemorySessionStorage } from '../storage/index.js';
import { device, scan } from './lab.test-helper.js';
import { createSimulatedLab } from './simulated-lab.js';

describe('one run per device', () => {
  it('refuses a run that needs a device in use, before opening anything, and lets disjoint runs go ahead', async () => {
    const lab = await createSimulatedLab({
      devices: [device.slow('a', { shotMs: 20 }), device.slow('b', { shotMs: 1 })],
    });
    const [a, b] = await lab.session.deviceConfigurations();
    for (const name of ['first', 'second', 'third']) {
      await lab.session.createSequence(`\\${name}`, scan(name === 'first' ? 2000 : 5));
    }
    const first = await ExperimentManager.create({
      storage: lab.storage,
      registry: lab.registry,
      events: lab.events,
      label: 'script on the lab PC',
    });
    const other = await ExperimentManager.create({
      storage: new MemorySessionStorage({ shareWith: lab.storage as MemorySessionStorage }),
      registry: lab.registry,
    });
    const running = new Promise<void>((resolve) =>
      lab.events.on('sequence-state', (e: Extract<ShotlineEvent, { type: 'sequence-state' }>) => {
        if (e.state === 'running') resolve();
      }),
    );
    await first.createProcedure('long').run(async (procedure) => {
      procedure.startSequence('\\first', { deviceConfigurations: [a!] });
      await running;
      const opened = lab.recorder.devicesAskedToOpen();
      expect(opened).toEqual(['a']);

      const refused = await other
        .createProcedure('needs a')
        .run((p) => p.runSequence('\\second', { deviceConfigurations: [a!, b!] }))
        .catch((e: unknown) => e as ResourceBusyError);
      expect(refused).toBeInstanceOf(ResourceBusyError);
      expect(refused!.message).toMatch(
        new RegExp(
          `^device "a" is in use by sequence \\\\first, run by script on the lab PC \\(host ${hostname()}, pid ${process.pid}\\) since `,
        ),
      );
      expect(await lab.session.state('\\second')).toBe('draft');
      expect(lab.recorder.devicesAskedToOpen()).toEqual(opened);

      await other
        .createProcedure('needs b')
        .run((p) => p.runSequence('\\third', { deviceConfigurations: [b!] }));
      expect(await lab.session.state('\\third')).toBe('finished');
      expect(await lab.session.state('\\first')).toBe('running');
      procedure.interruptSequence();
    });
    expect(await lab.session.state('\\first')).toBe('interrupted');
    expect(await lab.storage.listLocks()).toEqual([]);
    // Once the first run ended, its device is free.
    await other
      .createProcedure('now')
      .run((p) => p.runSequence('\\second', { deviceConfigurations: [a!, b!] }));
    expect(await lab.session.state('\\second')).toBe('finished');
  }, 60_000);
});
