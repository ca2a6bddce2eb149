/**
 * The "done when": a sequence that moves a simulated ELL14 through 10 angles over a real
 * pseudo-terminal stores the measured position of each shot. Everything is real but the mount:
 * the plugin registered in a DeviceRegistry, the ExperimentManager and its Procedure, a SQLite file,
 * socat's pseudo-terminals and serialport's native bindings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeviceRegistry,
  ExecuteShot,
  ExperimentManager,
  ExperimentSession,
  IterationConfiguration,
  LinspaceLoop,
  type Quantity,
  TimeLanes,
  type SessionStorage,
} from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEll14 } from '../ell14/ell14.js';
import { ELL14_DEVICE_TYPE } from '../ell14/ell14-extension.js';
import plugin from '../plugin.js';
import { Ell14Simulator, REALISTIC_ELL14_MOTION } from '../simulator/ell14-simulator.js';
import { serveSimulator, type SimulatorServer } from '../simulator/serve-simulator.js';
import { isSocatAvailable, PtyPair } from './socat-pty-pair.js';

const socat = isSocatAvailable();
if (!socat) {
  console.warn('skipping the ELL14 sequence test: socat is not installed (apt-get install socat)');
}

const SEQUENCE = '\\rotation\\waveplate scan';

describe.skipIf(!socat)(
  'a sequence driving a simulated ELL14 over a pseudo-terminal',
  { timeout: 60_000 },
  () => {
    let directory: string;
    let pair: PtyPair;
    let simulator: Ell14Simulator;
    let server: SimulatorServer;
    let storage: SessionStorage;
    let session: ExperimentSession;
    let registry: DeviceRegistry;

    beforeEach(async () => {
      directory = await mkdtemp(join(tmpdir(), 'shotline-ell14-'));
      pair = await PtyPair.open({ directory });
      simulator = new Ell14Simulator({ motion: REALISTIC_ELL14_MOTION, initialDegrees: 180 });
      server = await serveSimulator(simulator, { path: pair.instrumentPath });
      registry = new DeviceRegistry();
      await registry.use(plugin);
      storage = await openSqliteStorage(join(directory, 'lab.sqlite'), { writer: 'inline' });
      session = new ExperimentSession(storage, registry);
      await session.setDeviceConfiguration({
        name: 'waveplate',
        type: ELL14_DEVICE_TYPE,
        configuration: { port: pair.hostPath, angle: 'angle', toleranceDegrees: 0.05 },
      });
      await session.createSequence(SEQUENCE, {
        iteration: new IterationConfiguration([
          new LinspaceLoop({
            variable: 'angle',
            start: '5°',
            stop: '320°',
            num: 10,
            steps: [new ExecuteShot()],
          }),
        ]),
        timeLanes: new TimeLanes({ stepNames: ['exposure'], stepDurations: ['1 ms'] }),
      });
    });

    afterEach(async () => {
      await storage.close();
      await server.close();
      simulator.dispose();
      await pair.close();
      await rm(directory, { recursive: true, force: true });
    });

    it('moves through 10 angles and stores the measured position of each shot', async () => {
      const manager = await ExperimentManager.create({
        storage,
        registry,
        pipeline: { compileWorkers: 0 },
      });
      await manager.createProcedure('waveplate scan').run(async (procedure) => {
        await procedure.runSequence(SEQUENCE);
      });
      await manager.close();

      expect(await session.state(SEQUENCE)).toBe('finished');
      expect(await session.shotIndices(SEQUENCE)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const path = (await session.sequence(SEQUENCE)).path;
      const measured: number[] = [];
      for (let index = 0; index < 10; index++) {
        const shot = await session.shot(SEQUENCE, index);
        const angle = shot.parameters.get('angle') as Quantity;
        const expected = 5 + index * 35;
        expect(angle.to('°').magnitude).toBeCloseTo(expected, 9);
        expect(shot.labels).toContain('waveplate\\position');
        const position = (await storage.getShotData(path, index, 'waveplate\\position')).unwrap();
        expect(typeof position).toBe('number');
        expect(Math.abs((position as number) - expected)).toBeLessThan(360 / 0x23000);
        measured.push(position as number);
      }
      // The simulator really moved: one absolute move per shot, the last one to 320°.
      expect(simulator.commands.filter((c) => c.startsWith('0ma'))).toHaveLength(10);
      expect(simulator.positionDegrees).toBeCloseTo(320, 2);
      expect(new Set(measured.map((m) => Math.round(m))).size).toBe(10);
    });

    it('a stuck move ends the shot with a timeout naming the port; the next sequence reads the true angle', async () => {
      // The move never answers; the shot times out long before the move's own 10 s timeout.
      simulator.injectFault({ kind: 'silence' }, 'ma');
      const manager = await ExperimentManager.create({
        storage,
        registry,
        pipeline: { compileWorkers: 0, shotTimeoutMs: 1500 },
      });
      const run = manager.createProcedure('stuck scan').run(async (procedure) => {
        await procedure.runSequence(SEQUENCE);
      });
      await expect(run).rejects.toMatchObject({ code: 'SHOT_TIMEOUT' });
      await expect(run).rejects.toThrow(
        `still running: "waveplate" (in "ell14 move on ${pair.hostPath}")`,
      );
      await manager.close();
      expect((await session.sequence(SEQUENCE)).state).toBe('crashed');
      // The mount never moved (it ignored the command): a new run starts from 180°, and every
      // shot stores its own measured angle.
      await session.resetToDraft(SEQUENCE);
      const again = await ExperimentManager.create({
        storage,
        registry,
        pipeline: { compileWorkers: 0 },
      });
      await again.createProcedure('second scan').run(async (procedure) => {
        await procedure.runSequence(SEQUENCE);
      });
      await again.close();
      const path = (await session.sequence(SEQUENCE)).path;
      for (let index = 0; index < 10; index++) {
        const position = (await storage.getShotData(path, index, 'waveplate\\position')).unwrap();
        expect(Math.abs((position as number) - (5 + index * 35))).toBeLessThan(360 / 0x23000);
      }
    });

    it('crashes the sequence with the device named when the mount slips, and closes the port', async () => {
      simulator.injectFault({ kind: 'slip', degrees: 1 }, 'ma');
      const manager = await ExperimentManager.create({
        storage,
        registry,
        pipeline: { compileWorkers: 0 },
      });
      const run = manager.createProcedure('slipping scan').run(async (procedure) => {
        await procedure.runSequence(SEQUENCE);
      });
      await expect(run).rejects.toThrow(
        /device "waveplate" failed during the shot: ELL14 is at 5\.99\d+° after a move to 5\.0000°.*sequence \\rotation\\waveplate scan, shot 0, device "waveplate"/,
      );
      await manager.close();
      const info = await session.sequence(SEQUENCE);
      expect(info.state).toBe('crashed');
      expect(JSON.stringify(info.error)).toContain('ELL14_POSITION');
      // The device was closed: the port can be opened again.
      const mount = createEll14({ path: pair.hostPath });
      await mount.open();
      await mount.close();
    });
  },
);
