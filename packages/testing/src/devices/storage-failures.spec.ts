// A shot write that fails ("Failures end cleanly", issue 14): no shot starts once a write failed,
// the shot running at that moment finishes, the sequence ends CRASHED with the storage error, and
// what the run reports as stored is exactly what the storage holds. The faults are injected on top
// of the real in-memory storage; the SQLite disk-full and PostgreSQL restart tests do the same with
// real faults.
import {
  ExperimentManager,
  type HeldLocks,
  InvalidStorageDataError,
  type LockRequest,
  LockLostError,
  err,
  ok,
  type SequenceHaltingEvent,
  SequencePath,
  type ShotInput,
  type ShotlineError,
  type ShotlineEvent,
} from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { MemorySessionStorage } from '../storage/index.js';
import { collectEvents, device, scan } from './lab.test-helper.js';
import { createSimulatedLab } from './simulated-lab.js';

type Fault = 'throws' | 'returns an error' | 'commits, then throws';

const SCAN = SequencePath.parse('\\scan');

/** The in-memory storage, whose write of one shot fails once, 20 ms after it was asked. */
class FaultyStorage extends MemorySessionStorage {
  constructor(
    private readonly atShot: number,
    private readonly fault: Fault,
  ) {
    super();
  }

  override async createShot(path: SequencePath, shot: ShotInput) {
    return this.createShots(path, [shot]);
  }

  override async createShots(path: SequencePath, shots: ShotInput[]) {
    if (!shots.some((s) => s.index === this.atShot)) return super.createShots(path, shots);
    await new Promise((resolve) => setTimeout(resolve, 20));
    switch (this.fault) {
      case 'throws':
        throw new Error('I/O error on the lab disk');
      case 'returns an error':
        return err(new InvalidStorageDataError('the shot was refused'));
      case 'commits, then throws':
        (await super.createShots(path, shots)).unwrap();
        throw new Error('connection lost after the commit');
    }
  }
}

describe.each<Fault>(['throws', 'returns an error', 'commits, then throws'])(
  'a shot write that %s',
  (fault) => {
    it('starts no further shot, lets the running one finish, and reports exactly what is stored', async () => {
      const storage = new FaultyStorage(3, fault);
      const lab = await createSimulatedLab({
        storage,
        devices: [device.slow('slow', { shotMs: 40 }), device.producer('camera')],
      });
      await lab.session.createSequence('\\scan', scan(20));
      const events = collectEvents(lab.events);
      const manager = await ExperimentManager.create({
        storage,
        registry: lab.registry,
        events: lab.events,
        pipeline: { storageBatch: 1 },
      });
      const error = await manager
        .createProcedure('p')
        .run((p) => p.runSequence('\\scan'))
        .then(() => undefined)
        .catch((e: unknown) => e as ShotlineError);

      const halting = events.findIndex((e) => e.type === 'sequence-halting');
      expect(events[halting]).toMatchObject({ reason: 'storage' });
      const started = (from: number, to = events.length) =>
        events
          .slice(from, to)
          .filter(
            (e): e is Extract<ShotlineEvent, { type: 'shot-started' }> => e.type === 'shot-started',
          )
          .map((e) => e.index);
      expect(started(halting)).toEqual([]);
      // Shot 4 was running when the write of shot 3 failed: it finished, but was not stored.
      expect(started(0)).toEqual([0, 1, 2, 3, 4]);
      const finished = events.filter((e) => e.type === 'shot-finished').map((e) => e.index);
      expect(finished).toEqual([0, 1, 2, 3, 4]);

      const stored = (await storage.shotIndices(SCAN)).unwrap();
      const reported = events.filter((e) => e.type === 'shot-stored').map((e) => e.index);
      const committed = fault === 'commits, then throws' ? [0, 1, 2, 3] : [0, 1, 2];
      expect(stored).toEqual(committed);
      expect(reported).toEqual(committed);

      const record = (await storage.getSequence(SCAN)).unwrap();
      expect(record.state).toBe('crashed');
      expect(record.completedShots).toBe(committed.length);
      expect(record.error?.code).toBe('SHOT_STORAGE');
      expect(record.error?.location).toMatchObject({ sequence: '\\scan', shot: 3 });
      const cause =
        fault === 'throws'
          ? 'I/O error on the lab disk'
          : fault === 'returns an error'
            ? 'the shot was refused'
            : 'connection lost after the commit';
      const lost =
        fault === 'commits, then throws'
          ? 'shot 4 ran but is not stored; 4 shots (0-3) are stored'
          : 'shots 3-4 ran but are not stored; 3 shots (0-2) are stored';
      expect(record.error?.message).toBe(
        `could not store shot 3 in memory storage memory: ${cause}; ${lost} (sequence \\scan, shot 3)`,
      );
      expect(error?.message).toBe(record.error?.message);
      const crashed = events.find(
        (e) => e.type === 'sequence-state' && e.state === 'crashed',
      ) as Extract<ShotlineEvent, { type: 'sequence-state' }>;
      expect(crashed.storedShots).toBe(committed.length);
      expect((events[halting] as SequenceHaltingEvent).error.message).toMatch(
        /^could not store shot 3/,
      );
      expect(lab.recorder.closedDevices()).toEqual(['camera', 'slow']);
    }, 60_000);
  },
);

/** The in-memory storage, whose run locks can be declared lost (as a takeover after a lapse would). */
class LosingStorage extends MemorySessionStorage {
  readonly lose = new AbortController();

  override async acquireLocks(request: LockRequest) {
    const result = await super.acquireLocks(request);
    if (!result.ok) return result;
    const held = result.value;
    const lost = this.lose.signal;
    return ok<HeldLocks>({
      resources: held.resources,
      holder: held.holder,
      lost,
      renew: () => held.renew(),
      release: () => held.release(),
      [Symbol.asyncDispose]: () => held.release(),
    });
  }
}

describe('a lost lock', () => {
  it('starts no further shot and ends CRASHED with LOCK_LOST', async () => {
    const storage = new LosingStorage();
    const lab = await createSimulatedLab({
      storage,
      devices: [device.slow('slow', { shotMs: 20 })],
    });
    await lab.session.createSequence('\\scan', scan(500));
    const events = collectEvents(lab.events);
    lab.events.on('shot-stored', (e) => {
      if (e.index === 3) storage.lose.abort(new LockLostError('device:slow'));
    });
    const manager = await ExperimentManager.create({
      storage,
      registry: lab.registry,
      events: lab.events,
    });
    const error = await manager
      .createProcedure('p')
      .run((p) => p.runSequence('\\scan'))
      .then(() => undefined)
      .catch((e: unknown) => e as ShotlineError);
    expect(error?.code).toBe('LOCK_LOST');
    const halting = events.findIndex((e) => e.type === 'sequence-halting');
    expect(events[halting]).toMatchObject({ reason: 'lock' });
    expect(events.slice(halting).filter((e) => e.type === 'shot-started')).toEqual([]);
    const record = (await storage.getSequence(SCAN)).unwrap();
    expect(record.state).toBe('crashed');
    expect(record.error?.message).toMatch(/^the lock on device "slow" was lost/);
    const stored = (await storage.shotIndices(SCAN)).unwrap();
    expect(events.filter((e) => e.type === 'shot-stored').map((e) => e.index)).toEqual(stored);
    expect(stored.length).toBeLessThan(10);
  }, 60_000);
});
