// The PostgreSQL server stopped and started again in the middle of a run, by the test itself, on a
// server of its own (fast and immediate shutdowns). The process must never die from an unhandled
// 'error' event or rejection; a run whose database comes back within the reconnection window goes
// on and stores every shot exactly once; one whose database stays away ends CRASHED with the
// cause, recorded as soon as the database is back.
import { ExperimentManager, SequencePath, type ShotlineEvent } from '@shotline/core';
import { countingScan as scan, createSimulatedLab } from '@shotline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrowawayPostgres } from './postgres-cluster.test-helper.js';
import { openPostgresStorage } from './postgres-session-storage.js';

const skipReason = ThrowawayPostgres.skipReason();
if (skipReason) console.warn(`PostgreSQL restart tests are skipped: ${skipReason}`);

/** Records what would end the process: unhandled rejections and uncaught exceptions. */
function watchProcess() {
  const problems: unknown[] = [];
  const onProblem = (reason: unknown) => problems.push(reason);
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtExceptionMonitor', onProblem);
  return {
    problems,
    stop: () => {
      process.off('unhandledRejection', onProblem);
      process.off('uncaughtExceptionMonitor', onProblem);
    },
  };
}

/** Resolves at the first event that `matches`. */
function eventWhere(
  events: ExperimentManager['events'],
  matches: (e: ShotlineEvent) => boolean,
): Promise<ShotlineEvent> {
  return new Promise((resolve) => {
    const off = events.onAny((e) => {
      if (matches(e)) {
        off();
        resolve(e);
      }
    });
  });
}

describe.skipIf(skipReason !== undefined)('a PostgreSQL restart during a run', () => {
  let server: ThrowawayPostgres;
  let n = 0;
  beforeAll(async () => {
    server = await ThrowawayPostgres.start();
  }, 180_000);
  afterAll(async () => {
    await server?.dispose();
  }, 60_000);

  async function lab(reconnectWindowMs: number) {
    const storage = await openPostgresStorage(server.url, {
      schema: `restart_${process.pid}_${n++}`,
      reconnectWindowMs,
    });
    const simulated = await createSimulatedLab({
      storage,
      devices: [
        { name: 'slow', type: 'shotline.testing.slow', configuration: { shotMs: 15 } },
        { name: 'camera', type: 'shotline.testing.data-producer', configuration: {} },
      ],
    });
    const manager = await ExperimentManager.create({
      storage,
      registry: simulated.registry,
      events: simulated.events,
    });
    return { storage, simulated, manager };
  }

  it.each(['fast', 'immediate'] as const)(
    'goes on when the server comes back (%s shutdown), every shot stored once, nothing unhandled',
    async (mode) => {
      const watch = watchProcess();
      const { storage, simulated, manager } = await lab(120_000);
      try {
        await simulated.session.createSequence('\\scan', scan(150));
        const events: ShotlineEvent[] = [];
        manager.events.onAny((e) => events.push(e));
        const restarted = eventWhere(
          manager.events,
          (e) => e.type === 'shot-stored' && e.storedShots === 20,
        ).then(async () => {
          await server.stopServer(mode);
          await server.startServer();
        });
        await manager.createProcedure('restart').run((p) => p.runSequence('\\scan'));
        await restarted;
        const path = SequencePath.parse('\\scan');
        const record = (await storage.getSequence(path)).unwrap();
        expect(record.state).toBe('finished');
        expect((await storage.shotIndices(path)).unwrap()).toEqual([...Array(150).keys()]);
        const reported = events.filter((e) => e.type === 'shot-stored').map((e) => e.index);
        expect(reported).toEqual([...Array(150).keys()]);
        expect(await storage.listLocks()).toEqual([]);
        expect(watch.problems).toEqual([]);
      } finally {
        watch.stop();
        await storage.close();
      }
    },
    180_000,
  );

  it('ends CRASHED with the cause when the server stays away, recorded once it is back', async () => {
    const watch = watchProcess();
    const { storage, simulated, manager } = await lab(2000);
    try {
      await simulated.session.createSequence('\\scan', scan(150));
      const events: ShotlineEvent[] = [];
      manager.events.onAny((e) => events.push(e));
      void eventWhere(manager.events, (e) => e.type === 'shot-stored' && e.storedShots === 20).then(
        () => server.stopServer('fast'),
      );
      // Back only once the run has given up and waits to record how it ended.
      const waiting = eventWhere(
        manager.events,
        (e) => e.type === 'log' && /cannot record that the sequence is CRASHED/.test(e.message),
      ).then(() => server.startServer());
      const error = await manager
        .createProcedure('outage')
        .run((p) => p.runSequence('\\scan'))
        .then(() => undefined)
        .catch((e: unknown) => e as Error);
      await waiting;
      const path = SequencePath.parse('\\scan');
      const record = (await storage.getSequence(path)).unwrap();
      expect(record.state).toBe('crashed');
      expect(record.error?.code).toBe('SHOT_STORAGE');
      expect(record.error?.message).toMatch(
        /could not be reached for 2 s: .*; shots? [\d, -]+ ran but (is|are) not stored; \d+ shots \(0-\d+\) are stored/,
      );
      expect(record.error?.message).toContain(`127.0.0.1:${server.port}/postgres`);
      expect(record.error?.cause).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      expect(error?.message).toBe(record.error?.message);
      const stored = (await storage.shotIndices(path)).unwrap();
      expect(stored).toEqual([...Array(stored.length).keys()]);
      expect(events.filter((e) => e.type === 'shot-stored').map((e) => e.index)).toEqual(stored);
      const halting = events.findIndex((e) => e.type === 'sequence-halting');
      expect(events.slice(halting).filter((e) => e.type === 'shot-started')).toEqual([]);
      expect(watch.problems).toEqual([]);
    } finally {
      watch.stop();
      await storage.close();
    }
  }, 180_000);
});
