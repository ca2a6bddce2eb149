import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import {
  InvalidStorageDataError,
  LAB_RESOURCE,
  LockLostError,
  ResourceBusyError,
  type Result,
  type RunOwner,
  SequencePath,
  type SessionStorage,
  currentRunOwner,
  deviceResource,
  sequenceResource,
} from '@shotline/core';
import type * as Vitest from 'vitest';

/** What the run-ownership part of the conformance suite needs from the main suite. */
export interface RunOwnershipSuite {
  readonly api: typeof Vitest;
  /**
   * How the backend knows a holder is gone: `lease` rows (PostgreSQL, memory: an expired lease, or
   * a dead process of this machine) or `os` locks that the operating system releases when the
   * holder's process dies (SQLite).
   */
  readonly locks: 'lease' | 'os';
  /** The storage of the current test. */
  storage(): SessionStorage;
  /** A second storage on the same database, closed after the test. */
  another(of?: SessionStorage): Promise<SessionStorage>;
}

const p = (text: string): SequencePath => SequencePath.parse(text);

/** A holder on another machine: only its lease (or the OS lock) can say it is gone. */
function remote(id: string, pid = 4242): RunOwner {
  return { id, host: 'other-pc', pid, processStartedAt: 1_700_000_000_000, label: `run ${id}` };
}

/** The pid of a process of this machine that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

const DRAFT = {
  iteration: { steps: [] },
  timeLanes: { stepNames: [], stepDurations: [], lanes: {} },
  expectedShots: 3,
};

/** Brings a new sequence to RUNNING under `owner`, without taking any lock. */
async function runningWithout(storage: SessionStorage, path: SequencePath, owner: RunOwner) {
  (await storage.createSequence(path, DRAFT)).unwrap();
  (await storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner })).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
}

function busy(result: Result<unknown, Error>): ResourceBusyError {
  if (result.ok) throw new Error('expected a ResourceBusyError, but the locks were granted');
  if (!(result.error instanceof ResourceBusyError)) throw result.error;
  return result.error;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Run ownership: resource locks (all or none, per holder, the lab lock, leases) and the recovery of
 * runs whose process is gone. Registered by the SessionStorage conformance suite.
 */
export function describeRunOwnership(suite: RunOwnershipSuite): void {
  const { describe, expect, it } = suite.api;

  describe('run ownership', () => {
    it('locks a run’s resources and refuses another holder, naming the sequence, host and pid', async () => {
      const storage = suite.storage();
      const a = remote('a');
      const held = (
        await storage.acquireLocks({
          resources: [sequenceResource('\\a'), deviceResource('camera')],
          holder: a,
          sequence: p('\\a'),
        })
      ).unwrap();
      const other = await suite.another();
      const refused = busy(
        await other.acquireLocks({
          resources: [sequenceResource('\\b'), deviceResource('camera')],
          holder: remote('b'),
          sequence: p('\\b'),
        }),
      );
      expect(refused.code).toBe('RESOURCE_BUSY');
      expect(refused.resource).toBe('device:camera');
      expect(refused.holder).toEqual(a);
      expect(refused.heldFor).toBe('\\a');
      expect(refused.message).toMatch(
        /^device "camera" is in use by sequence \\a, run by run a \(host other-pc, pid 4242\) since \d{4}-/,
      );
      expect(refused.location).toMatchObject({ device: 'camera' });
      // All or none: the sequence lock asked for with the busy camera was not taken.
      const locks = await storage.listLocks();
      expect(locks.map((l) => l.resource)).toEqual(['device:camera', 'sequence:\\a']);
      expect(locks[0]).toMatchObject({ holder: a, sequence: '\\a' });
      // Disjoint devices go ahead.
      const disjoint = (
        await other.acquireLocks({
          resources: [sequenceResource('\\b'), deviceResource('sequencer')],
          holder: remote('b'),
        })
      ).unwrap();
      await disjoint.release();
      await held.release();
      await held.release();
      expect(await storage.listLocks()).toEqual([]);
      (
        await other.acquireLocks({ resources: [deviceResource('camera')], holder: remote('b') })
      ).unwrap();
    }, 30_000);

    it('gives the lab lock only when nobody else holds anything, and then excludes every other holder', async () => {
      const storage = suite.storage();
      const other = await suite.another();
      const run = (
        await storage.acquireLocks({ resources: [deviceResource('camera')], holder: remote('run') })
      ).unwrap();
      const server = remote('server');
      const first = busy(await other.acquireLocks({ resources: [LAB_RESOURCE], holder: server }));
      expect(first.resource).toBe('device:camera');
      await run.release();
      const lab = (
        await other.acquireLocks({ resources: [LAB_RESOURCE], holder: server })
      ).unwrap();
      const refused = busy(
        await storage.acquireLocks({ resources: [deviceResource('laser')], holder: remote('cli') }),
      );
      expect(refused.resource).toBe(LAB_RESOURCE);
      expect(refused.message).toMatch(/^the lab is in use by run server \(host other-pc/);
      // The server's own runs go ahead under its lab lock.
      const own = (
        await other.acquireLocks({
          resources: [sequenceResource('\\s'), deviceResource('laser')],
          holder: server,
        })
      ).unwrap();
      await own.release();
      await lab.release();
      (
        await storage.acquireLocks({ resources: [deviceResource('laser')], holder: remote('cli') })
      ).unwrap();
    }, 30_000);

    it('refuses an empty request, a bad holder or a short lease', async () => {
      const storage = suite.storage();
      const bad = [
        { resources: [], holder: remote('x') },
        { resources: [''], holder: remote('x') },
        { resources: ['device:x'], holder: { ...remote('x'), pid: -1 } },
        { resources: ['device:x'], holder: remote('x'), leaseMs: 10 },
      ];
      for (const request of bad) {
        const result = await storage.acquireLocks(request);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error).toBeInstanceOf(InvalidStorageDataError);
      }
      expect(await storage.listLocks()).toEqual([]);
    }, 30_000);

    it('renews the leases of held locks (last seen) and releases them when the storage closes', async () => {
      const storage = suite.storage();
      const other = await suite.another();
      const held = (
        await other.acquireLocks({
          resources: [deviceResource('camera')],
          holder: remote('a'),
          leaseMs: 1000,
        })
      ).unwrap();
      const [before] = await storage.listLocks();
      await until(async () => {
        const [now] = await storage.listLocks();
        return now !== undefined && now.renewedAt > before!.renewedAt;
      }, 'a renewal');
      const [after] = await storage.listLocks();
      expect(after!.expiresAt.getTime()).toBeGreaterThan(before!.expiresAt.getTime());
      expect(held.lost.aborted).toBe(false);
      await other.close();
      expect(await storage.listLocks()).toEqual([]);
    }, 30_000);

    it(
      suite.locks === 'lease'
        ? 'lets a lapsed lease be taken over, and tells its holder that it lost it'
        : 'keeps the lock of a live process even when its lease lapsed (the OS lock decides)',
      async () => {
        const storage = suite.storage();
        const other = await suite.another();
        // A holder that stopped renewing (cut off from the database, or its machine went away).
        const silent = (
          await storage.acquireLocks({
            resources: [deviceResource('camera')],
            holder: remote('a'),
            leaseMs: 1000,
            renew: false,
          })
        ).unwrap();
        const [row] = await storage.listLocks();
        await until(() => Date.now() > row!.expiresAt.getTime() + 50, 'the lease to lapse');
        const taking = await other.acquireLocks({
          resources: [deviceResource('camera')],
          holder: remote('b'),
        });
        if (suite.locks === 'lease') {
          const taken = taking.unwrap();
          expect((await storage.listLocks())[0]!.holder.id).toBe('b');
          await silent.renew();
          expect(silent.lost.aborted).toBe(true);
          expect(silent.lost.reason).toBeInstanceOf(LockLostError);
          expect((silent.lost.reason as Error).message).toMatch(
            /^the lock on device "camera" was lost/,
          );
          await silent.release();
          // Releasing a lost lock leaves the new holder's alone.
          expect((await storage.listLocks())[0]!.holder.id).toBe('b');
          await taken.release();
        } else {
          expect(busy(taking).holder?.id).toBe('a');
          await silent.renew();
          expect(silent.lost.aborted).toBe(false);
          await silent.release();
        }
      },
      30_000,
    );

    if (suite.locks === 'lease') {
      it('ignores the locks of a process of this machine that is gone', async () => {
        const storage = suite.storage();
        const gone: RunOwner = {
          id: 'gone',
          host: hostname(),
          pid: deadPid(),
          processStartedAt: null,
          label: 'killed run',
        };
        (
          await storage.acquireLocks({ resources: [deviceResource('camera')], holder: gone })
        ).unwrap();
        const other = await suite.another();
        (
          await other.acquireLocks({
            resources: [deviceResource('camera')],
            holder: currentRunOwner('test'),
          })
        ).unwrap();
      }, 30_000);
    }

    it('marks CRASHED a run whose process is gone, naming it, and leaves live runs alone', async () => {
      const storage = suite.storage();
      const alive = currentRunOwner('live run');
      await runningWithout(storage, p('\\live'), alive);
      const held = (
        await storage.acquireLocks({
          resources: [sequenceResource('\\live')],
          holder: alive,
          sequence: p('\\live'),
        })
      ).unwrap();
      const gone: RunOwner = {
        id: 'gone',
        host: hostname(),
        pid: deadPid(),
        processStartedAt: null,
        label: 'shotline run \\killed',
      };
      await runningWithout(storage, p('\\killed'), gone);
      const stale = await storage.recoverStaleRuns();
      expect(stale.map((r) => r.path.toString())).toEqual(['\\killed']);
      expect(stale[0]).toMatchObject({ state: 'running', owner: gone, recovered: true });
      const record = (await storage.getSequence(p('\\killed'))).unwrap();
      expect(record.state).toBe('crashed');
      expect(record.error?.code).toBe('RUN_PROCESS_GONE');
      expect(record.error?.message).toContain(
        `the process that ran it stopped (shotline run \\killed (host ${hostname()}, pid ${gone.pid})`,
      );
      expect(record.error?.location).toEqual({ sequence: '\\killed' });
      expect((await storage.getStats(p('\\live'))).unwrap().state).toBe('running');
      // Recovering again (here, or from another connection) finds nothing; the crashed run can be
      // reset.
      expect(await storage.recoverStaleRuns()).toEqual([]);
      expect(await (await suite.another()).recoverStaleRuns()).toEqual([]);
      (await storage.resetToDraft(p('\\killed'))).unwrap();
      await held.release();
    }, 30_000);

    it(
      suite.locks === 'os'
        ? 'marks CRASHED a run whose operating-system lock is free, wherever its owner ran'
        : 'leaves alone a run of another machine that holds no lock (nothing proves it dead)',
      async () => {
        const storage = suite.storage();
        await runningWithout(storage, p('\\remote'), remote('r'));
        const stale = await storage.recoverStaleRuns();
        if (suite.locks === 'os') {
          expect(stale.map((r) => [r.path.toString(), r.recovered])).toEqual([['\\remote', true]]);
          expect(stale[0]!.error.message).toMatch(/released by the operating system/);
        } else {
          expect(stale).toEqual([]);
          expect((await storage.getStats(p('\\remote'))).unwrap().state).toBe('running');
        }
      },
      30_000,
    );

    if (suite.locks === 'lease') {
      it('marks CRASHED a run of another machine whose lease lapsed, with when it was last seen', async () => {
        const storage = suite.storage();
        const r = remote('r');
        await runningWithout(storage, p('\\remote'), r);
        const silent = (
          await storage.acquireLocks({
            resources: [sequenceResource('\\remote')],
            holder: r,
            sequence: p('\\remote'),
            leaseMs: 1000,
            renew: false,
          })
        ).unwrap();
        const [lock] = await storage.listLocks();
        expect(await storage.recoverStaleRuns()).toEqual([]);
        await until(() => Date.now() > lock!.expiresAt.getTime() + 50, 'the lease to lapse');
        const [stale] = await storage.recoverStaleRuns();
        expect(stale).toMatchObject({ state: 'running', owner: r, recovered: true });
        expect(stale!.lastSeen).toEqual(lock!.renewedAt);
        expect(stale!.error.message).toContain(
          `the process that ran it stopped (run r (host other-pc, pid 4242), last seen ${lock!.renewedAt.toISOString()}): its lease expired at`,
        );
        expect(await storage.listLocks()).toEqual([]);
        await silent.renew();
        expect(silent.lost.aborted).toBe(true);
        await silent.release();
      }, 30_000);
    }
  });
}
