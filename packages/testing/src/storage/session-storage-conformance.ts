import {
  DTYPES,
  type DType,
  DataNotFoundError,
  DeviceConfigurationNotFoundError,
  DuplicateShotError,
  type ErrorSummary,
  InvalidStateTransitionError,
  InvalidStorageDataError,
  NDArray,
  PathExistsError,
  PathHasChildrenError,
  PathIsNotSequenceError,
  PathIsRootError,
  PathIsSequenceError,
  PathNotFoundError,
  RecursivePathMoveError,
  type Result,
  type RunOwner,
  SEQUENCE_STATES,
  SequenceNotCrashedError,
  SequenceNotEditableError,
  SequenceNotLaunchedError,
  SequenceNotRunningError,
  SequencePath,
  SequenceRunningError,
  type SequenceState,
  type SessionStorage,
  ShotIndexError,
  type ShotInput,
  ShotNotFoundError,
  type StoredDeviceConfiguration,
  SEQUENCE_TRANSITIONS,
  type SequenceEventInput,
  type SequenceTransition,
  copyPath,
  isTransitionAllowedBy,
} from '@shotline/core';
import type * as Vitest from 'vitest';
import { describeRunOwnership } from './run-ownership-conformance.js';

// vitest is an optional peer dependency: it is loaded here, not imported statically, so the rest of
// @shotline/testing (memory storage, simulated devices) works in programs that do not install it.
const vitest: typeof Vitest | undefined = await import('vitest').catch(() => undefined);

function testApi(): typeof Vitest {
  if (vitest === undefined) {
    throw new Error(
      'the SessionStorage conformance suite runs under vitest: npm install -D vitest',
    );
  }
  return vitest;
}

/** How the conformance suite gets storages of one backend. */
export interface SessionStorageFixture {
  /** Opens a new, empty storage: a fresh database (file, schema...) on every call. */
  open(): Promise<SessionStorage>;
  /**
   * Opens a second storage on the same database as `storage`, through its own connection: the
   * suite uses it as a second manager (another lab PC) racing the first one.
   */
  openAnother(storage: SessionStorage): Promise<SessionStorage>;
  /**
   * Optional: makes the stored parameters of one shot unreadable, as a corrupted or hand-edited
   * database would (malformed JSON text, or JSON that is not an object). Backends without raw
   * storage (memory) leave it out and that behaviour is not checked for them.
   */
  corruptShotParameters?(storage: SessionStorage, path: SequencePath, index: number): Promise<void>;
  /** Called once after the suite (delete files, drop schemas). */
  dispose?(): Promise<void>;
  /**
   * How the backend knows that the holder of a lock is gone: `lease` rows (default; an expired
   * lease, or a dead process of this machine) or `os` locks that the operating system releases when
   * the holder's process dies.
   */
  locks?: 'lease' | 'os';
  /**
   * When set, the suite is skipped and this reason is printed (e.g. `SHOTLINE_PG_URL is not set`).
   */
  skipReason?: string;
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** Asserts that a result failed with an error of `type` and returns the error. */
export function expectStorageError<E extends Error>(
  result: Result<unknown, Error>,
  type: ErrorClass<E>,
): E {
  const { expect } = testApi();
  if (result.ok) {
    throw new Error(`expected a ${type.name}, but the operation succeeded`);
  }
  expect(result.error, result.error.message).toBeInstanceOf(type);
  return result.error as E;
}

const p = (text: string): SequencePath => SequencePath.parse(text);

const ITERATION = { steps: [{ type: 'linspace', variable: 'x', start: '0', stop: '1', num: 3 }] };
const TIME_LANES = { stepNames: ['load', 'image'], stepDurations: ['10 ms', '1 ms'], lanes: {} };
const GLOBALS = [{ name: 'mot.detuning', value: '-10 MHz' }];
const DEVICES: StoredDeviceConfiguration[] = [
  { name: 'cam', type: 'simulated-camera', configuration: { exposure: 0.001, roi: [0, 0, 4, 4] } },
  { name: 'seq', type: 'simulated-sequencer', configuration: { timeStep: 2500 } },
];
/** A run owner on another machine (so no liveness check applies to it here). */
function owner(id: string, host = 'pc1', pid = 1): RunOwner {
  return { id, host, pid, processStartedAt: 1_700_000_000_000, label: `manager ${id}` };
}

const SUMMARY: ErrorSummary = {
  type: 'DeviceTimeoutError',
  code: 'DEVICE_TIMEOUT',
  message: 'camera did not answer (device "cam")',
  detail: 'camera did not answer',
  recoverable: true,
  location: { device: 'cam', shot: 3 },
  cause: { type: 'Error', message: 'ETIMEDOUT', recoverable: false },
};

function draft(expectedShots: number | null = 3) {
  return { iteration: ITERATION, timeLanes: TIME_LANES, expectedShots };
}

function shot(index: number, extra: Partial<ShotInput> = {}): ShotInput {
  const start = Date.UTC(2024, 4, 6, 7, 8, 9, 123) + index * 1000;
  return {
    index,
    parameters: { x: index * 0.5, n: index, 'mot.detuning': { magnitude: -10, unit: 'MHz' } },
    data: {
      'cam\\picture': new NDArray('uint16', [2, 3], Uint16Array.from([1, 2, 3, 4, 5, index])),
      'counter\\counts': index * 10,
    },
    startTime: new Date(start),
    endTime: new Date(start + 250),
    timing: { cam: { ready: 1.5, finished: 3.25 } },
    ...extra,
  };
}

async function running(
  storage: SessionStorage,
  path: SequencePath,
  expectedShots: number | null = 3,
): Promise<void> {
  (await storage.createSequence(path, draft(expectedShots))).unwrap();
  (
    await storage.setPreparing(path, {
      globals: GLOBALS,
      deviceConfigurations: DEVICES,
      owner: owner('m1', 'pc1', 1),
    })
  ).unwrap();
  (await storage.setRunning(path, new Date(Date.UTC(2024, 4, 6, 7, 8, 0, 5)))).unwrap();
}

/** Brings a fresh sequence to `state` by the allowed transitions. */
async function bringTo(storage: SessionStorage, path: SequencePath, state: SequenceState) {
  (await storage.createSequence(path, draft())).unwrap();
  if (state === 'draft') return;
  (
    await storage.setPreparing(path, {
      globals: GLOBALS,
      deviceConfigurations: DEVICES,
      owner: owner('m1', 'pc1', 1),
    })
  ).unwrap();
  if (state === 'preparing') return;
  (await storage.setRunning(path, new Date())).unwrap();
  if (state === 'running') return;
  if (state === 'paused') {
    (await storage.setPaused(path, event('paused', { nextIndex: 0 }))).unwrap();
    return;
  }
  if (state === 'finished') (await storage.setFinished(path, new Date())).unwrap();
  if (state === 'interrupted') (await storage.setInterrupted(path, new Date())).unwrap();
  if (state === 'crashed') (await storage.setCrashed(path, SUMMARY, new Date())).unwrap();
}

/** An event of a run, at a fixed time. */
function event(kind: string, data: SequenceEventInput['data'] = {}, ms = 0): SequenceEventInput {
  return { kind, time: new Date(Date.UTC(2024, 4, 6, 7, 9, 0, ms)), data };
}

/** The storage method of each operation that changes the state. */
const TRANSITIONS: {
  transition: SequenceTransition;
  apply: (s: SessionStorage, path: SequencePath) => Promise<Result<void, Error>>;
}[] = [
  {
    transition: 'prepare',
    apply: (s, path) =>
      s.setPreparing(path, {
        globals: GLOBALS,
        deviceConfigurations: DEVICES,
        owner: owner('m2', 'pc2', 7),
      }),
  },
  {
    transition: 'continue',
    apply: (s, path) =>
      s.setContinuing(path, {
        owner: owner('m2', 'pc2', 7),
        event: event('continued', { fromIndex: 0 }),
      }),
  },
  { transition: 'run', apply: (s, path) => s.setRunning(path, new Date()) },
  { transition: 'pause', apply: (s, path) => s.setPaused(path, event('paused')) },
  { transition: 'resume', apply: (s, path) => s.setResumed(path, event('resumed')) },
  { transition: 'finish', apply: (s, path) => s.setFinished(path, new Date()) },
  { transition: 'interrupt', apply: (s, path) => s.setInterrupted(path, new Date()) },
  { transition: 'crash', apply: (s, path) => s.setCrashed(path, SUMMARY, new Date()) },
  { transition: 'reset', apply: (s, path) => s.resetToDraft(path) },
];

function filled(dtype: DType, shape: number[]): NDArray {
  const array = NDArray.zeros(dtype, shape);
  const data = array.data;
  for (let i = 0; i < data.length; i++) {
    if (data instanceof BigInt64Array) data[i] = BigInt(i) * -3_000_000_000n;
    else if (data instanceof BigUint64Array) data[i] = BigInt(i) * 5_000_000_000n + 1n;
    else if (dtype === 'bool') data[i] = i % 2;
    else if (data instanceof Float32Array || data instanceof Float64Array) data[i] = (i - 2) / 3;
    else data[i] = (i * 37 + 3) * (dtype.startsWith('int') && i % 2 ? -1 : 1);
  }
  if ((dtype === 'float32' || dtype === 'float64') && data.length > 2) {
    data[0] = NaN;
    data[1] = -0;
    data[2] = -Infinity;
  }
  return array;
}

/**
 * Registers the shared {@link SessionStorage} conformance suite for one backend: the path tree, the
 * sequence state machine and its refusals, snapshots, errors, shots and data of every dtype, JSON
 * data, 64 MiB arrays, globals, device configurations, reset, duplicate, copy, and the start
 * compare-and-set between two storages on one database. Every backend (memory, SQLite, PostgreSQL)
 * calls it from a spec file.
 */
export function describeSessionStorage(name: string, fixture: SessionStorageFixture): void {
  const { afterAll, afterEach, beforeEach, describe, expect, it } = testApi();
  if (fixture.skipReason !== undefined) {
    console.warn(`SessionStorage conformance (${name}) is skipped: ${fixture.skipReason}`);
    describe.skip(`SessionStorage conformance: ${name} (${fixture.skipReason})`, () => {
      it('is skipped', () => undefined);
    });
    return;
  }

  describe(`SessionStorage conformance: ${name}`, () => {
    let storage: SessionStorage;
    const extra: SessionStorage[] = [];
    const another = async (of: SessionStorage = storage) => {
      const s = await fixture.openAnother(of);
      extra.push(s);
      return s;
    };
    const fresh = async () => {
      const s = await fixture.open();
      extra.push(s);
      return s;
    };

    beforeEach(async () => {
      storage = await fixture.open();
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await storage.close();
    });
    afterAll(async () => {
      await fixture.dispose?.();
    });

    describe('the storage', () => {
      it('names its kind and location', () => {
        expect(storage.kind).toMatch(/\S/);
        expect(storage.location).toMatch(/\S/);
      });

      it('closes idempotently', async () => {
        const s = await fresh();
        await s.close();
        await s.close();
      });
    });

    describe('path tree', () => {
      it('always has the root, and nothing else when empty', async () => {
        expect(await storage.pathExists(SequencePath.root)).toBe(true);
        expect(await storage.pathExists(p('\\a'))).toBe(false);
        expect((await storage.children(SequencePath.root)).unwrap()).toEqual([]);
      });

      it('creates a folder with its missing ancestors, parent first, idempotently', async () => {
        const created = (await storage.createPath(p('\\a\\b\\c'))).unwrap();
        expect(created.map(String)).toEqual(['\\a', '\\a\\b', '\\a\\b\\c']);
        expect(await storage.pathExists(p('\\a\\b'))).toBe(true);
        expect((await storage.createPath(p('\\a\\b\\c'))).unwrap()).toEqual([]);
        expect((await storage.createPath(SequencePath.root)).unwrap()).toEqual([]);
        expect((await storage.createPath(p('\\a\\d'))).unwrap().map(String)).toEqual(['\\a\\d']);
      });

      it('refuses to create a folder at or below a sequence, creating nothing', async () => {
        (await storage.createSequence(p('\\s'), draft())).unwrap();
        expectStorageError(await storage.createPath(p('\\s')), PathIsSequenceError);
        expectStorageError(await storage.createPath(p('\\s\\x\\y')), PathIsSequenceError);
        expect(await storage.pathExists(p('\\s\\x'))).toBe(false);
      });

      it('lists the children of a folder sorted by name', async () => {
        for (const path of ['\\b', '\\a\\z', '\\a\\y 2', '\\a\\y', '\\c']) {
          (await storage.createPath(p(path))).unwrap();
        }
        (await storage.createSequence(p('\\a\\x'), draft())).unwrap();
        expect((await storage.children(SequencePath.root)).unwrap().map(String)).toEqual([
          '\\a',
          '\\b',
          '\\c',
        ]);
        expect((await storage.children(p('\\a'))).unwrap().map(String)).toEqual([
          '\\a\\x',
          '\\a\\y',
          '\\a\\y 2',
          '\\a\\z',
        ]);
        expectStorageError(await storage.children(p('\\nope')), PathNotFoundError);
        expectStorageError(await storage.children(p('\\a\\x')), PathIsSequenceError);
      });

      it('keeps the creation date given, to the millisecond, and defaults to now', async () => {
        const date = new Date('2021-03-04T05:06:07.089Z');
        (await storage.createPath(p('\\old\\older'), { createdAt: date })).unwrap();
        expect((await storage.creationDate(p('\\old\\older'))).unwrap()).toEqual(date);
        expect((await storage.creationDate(p('\\old'))).unwrap()).toEqual(date);
        const before = Date.now();
        (await storage.createPath(p('\\new'))).unwrap();
        const created = (await storage.creationDate(p('\\new'))).unwrap().getTime();
        expect(created).toBeGreaterThanOrEqual(before - 5);
        expect(created).toBeLessThanOrEqual(Date.now() + 5);
        expectStorageError(await storage.creationDate(SequencePath.root), PathIsRootError);
        expectStorageError(await storage.creationDate(p('\\missing')), PathNotFoundError);
      });

      it('refuses an invalid creation date, creating nothing', async () => {
        const result = await storage.createPath(p('\\a\\b'), { createdAt: new Date(NaN) });
        expectStorageError(result, InvalidStorageDataError);
        expect(await storage.pathExists(p('\\a'))).toBe(false);
      });

      it('deletes a leaf and keeps its parent; deleting again is not found', async () => {
        (await storage.createPath(p('\\a\\b'))).unwrap();
        (await storage.deletePath(p('\\a\\b'))).unwrap();
        expect(await storage.pathExists(p('\\a\\b'))).toBe(false);
        expect(await storage.pathExists(p('\\a'))).toBe(true);
        expectStorageError(await storage.deletePath(p('\\a\\b')), PathNotFoundError);
        expectStorageError(await storage.deletePath(SequencePath.root), PathIsRootError);
      });

      it('deletes a folder with everything below, then allows re-creating it', async () => {
        (await storage.createPath(p('\\a\\b\\c'))).unwrap();
        (await storage.createPath(p('\\a\\d'))).unwrap();
        (await storage.deletePath(p('\\a'))).unwrap();
        expect(await storage.pathExists(p('\\a\\b\\c'))).toBe(false);
        expect((await storage.children(SequencePath.root)).unwrap()).toEqual([]);
        expect((await storage.createPath(p('\\a\\b'))).unwrap().map(String)).toEqual([
          '\\a',
          '\\a\\b',
        ]);
      });

      it('refuses to delete sequences unless asked, deleting nothing', async () => {
        (await storage.createPath(p('\\a\\empty'))).unwrap();
        (await storage.createSequence(p('\\a\\s'), draft())).unwrap();
        expectStorageError(await storage.deletePath(p('\\a')), PathIsSequenceError);
        expectStorageError(await storage.deletePath(p('\\a\\s')), PathIsSequenceError);
        expect(await storage.pathExists(p('\\a\\empty'))).toBe(true);
        expect((await storage.isSequence(p('\\a\\s'))).unwrap()).toBe(true);
        (await storage.deletePath(p('\\a'), { deleteSequences: true })).unwrap();
        expect(await storage.pathExists(p('\\a'))).toBe(false);
        (await storage.createSequence(p('\\a\\s'), draft())).unwrap();
        expect((await storage.getStats(p('\\a\\s'))).unwrap().state).toBe('draft');
      });

      it('deletes the shots of deleted sequences', async () => {
        await running(storage, p('\\a\\s'));
        (await storage.createShot(p('\\a\\s'), shot(0))).unwrap();
        (await storage.setFinished(p('\\a\\s'), new Date())).unwrap();
        (await storage.deletePath(p('\\a'), { deleteSequences: true })).unwrap();
        await running(storage, p('\\a\\s'));
        expect((await storage.shotIndices(p('\\a\\s'))).unwrap()).toEqual([]);
        (await storage.createShot(p('\\a\\s'), shot(0))).unwrap();
      });

      it('never deletes a running or preparing sequence', async () => {
        await bringTo(storage, p('\\a\\run'), 'running');
        await bringTo(storage, p('\\b\\prep'), 'preparing');
        const refused = expectStorageError(
          await storage.deletePath(p('\\a'), { deleteSequences: true }),
          SequenceRunningError,
        );
        expect(refused.path.toString()).toBe('\\a\\run');
        expectStorageError(
          await storage.deletePath(p('\\b\\prep'), { deleteSequences: true }),
          SequenceRunningError,
        );
        expect(await storage.pathExists(p('\\a\\run'))).toBe(true);
      });

      it('tells sequences from folders', async () => {
        (await storage.createSequence(p('\\f\\s'), draft())).unwrap();
        expect((await storage.isSequence(SequencePath.root)).unwrap()).toBe(false);
        expect((await storage.isSequence(p('\\f'))).unwrap()).toBe(false);
        expect((await storage.isSequence(p('\\f\\s'))).unwrap()).toBe(true);
        expectStorageError(await storage.isSequence(p('\\g')), PathNotFoundError);
      });

      it('lists the sequences at or below a path, sorted', async () => {
        for (const path of ['\\b\\s2', '\\a\\s1', '\\a\\deep\\s3', '\\c']) {
          (await storage.createSequence(p(path), draft())).unwrap();
        }
        (await storage.createPath(p('\\d\\empty'))).unwrap();
        expect((await storage.sequencesUnder(SequencePath.root)).unwrap().map(String)).toEqual([
          '\\a\\deep\\s3',
          '\\a\\s1',
          '\\b\\s2',
          '\\c',
        ]);
        expect((await storage.sequencesUnder(p('\\a'))).unwrap().map(String)).toEqual([
          '\\a\\deep\\s3',
          '\\a\\s1',
        ]);
        expect((await storage.sequencesUnder(p('\\c'))).unwrap().map(String)).toEqual(['\\c']);
        expect((await storage.sequencesUnder(p('\\d'))).unwrap()).toEqual([]);
        expectStorageError(await storage.sequencesUnder(p('\\e')), PathNotFoundError);
      });

      it('finds sequences by state', async () => {
        await bringTo(storage, p('\\r1'), 'running');
        await bringTo(storage, p('\\x\\r2'), 'running');
        await bringTo(storage, p('\\d'), 'draft');
        expect((await storage.sequencesInState('running')).map(String)).toEqual([
          '\\r1',
          '\\x\\r2',
        ]);
        expect((await storage.sequencesInState('draft')).map(String)).toEqual(['\\d']);
        expect(await storage.sequencesInState('crashed')).toEqual([]);
      });

      it('keeps names with spaces, quotes, wildcards and non-ASCII letters apart', async () => {
        const names = ['a', 'a ', 'ab', 'a_', 'a%', "a'b", 'a"b', 'été', 'a.b', '[x]'];
        for (const n of names)
          (await storage.createSequence(SequencePath.root.join(n), draft())).unwrap();
        (await storage.movePath(p('\\a'), p('\\moved\\a'))).unwrap();
        const all = (await storage.sequencesUnder(SequencePath.root)).unwrap().map(String);
        expect(all).toEqual(
          [...names.filter((n) => n !== 'a').map((n) => `\\${n}`), '\\moved\\a'].sort(),
        );
        (await storage.deletePath(p('\\a_'), { deleteSequences: true })).unwrap();
        expect(await storage.pathExists(p('\\ab'))).toBe(true);
        expect(await storage.pathExists(p('\\a%'))).toBe(true);
      });
    });

    describe('moving paths', () => {
      it('moves a single node', async () => {
        const date = new Date('2022-01-02T03:04:05.678Z');
        (await storage.createPath(p('\\a'), { createdAt: date })).unwrap();
        (await storage.movePath(p('\\a'), p('\\b'))).unwrap();
        expect(await storage.pathExists(p('\\a'))).toBe(false);
        expect((await storage.creationDate(p('\\b'))).unwrap()).toEqual(date);
      });

      it('moves to a deeper new path, creating the parents', async () => {
        (await storage.createPath(p('\\a\\child'))).unwrap();
        (await storage.movePath(p('\\a'), p('\\x\\y\\a2'))).unwrap();
        expect((await storage.children(p('\\x\\y\\a2'))).unwrap().map(String)).toEqual([
          '\\x\\y\\a2\\child',
        ]);
        expect((await storage.children(SequencePath.root)).unwrap().map(String)).toEqual(['\\x']);
      });

      it('renames a folder with several children and leaves its sibling alone', async () => {
        for (const path of ['\\f\\c1', '\\f\\c2\\g', '\\f2\\c3']) {
          (await storage.createPath(p(path))).unwrap();
        }
        (await storage.createSequence(p('\\f\\s'), draft())).unwrap();
        (await storage.movePath(p('\\f'), p('\\g'))).unwrap();
        expect((await storage.children(p('\\g'))).unwrap().map(String)).toEqual([
          '\\g\\c1',
          '\\g\\c2',
          '\\g\\s',
        ]);
        expect(await storage.pathExists(p('\\g\\c2\\g'))).toBe(true);
        expect((await storage.children(p('\\f2'))).unwrap().map(String)).toEqual(['\\f2\\c3']);
        expect((await storage.isSequence(p('\\g\\s'))).unwrap()).toBe(true);
      });

      it('keeps the iteration, time lanes, snapshots and shots of a moved sequence', async () => {
        await running(storage, p('\\a\\s'));
        (await storage.createShot(p('\\a\\s'), shot(1))).unwrap();
        (await storage.setFinished(p('\\a\\s'), new Date())).unwrap();
        (await storage.movePath(p('\\a\\s'), p('\\b\\t'))).unwrap();
        const record = (await storage.getSequence(p('\\b\\t'))).unwrap();
        expect(record.iteration).toEqual(ITERATION);
        expect(record.timeLanes).toEqual(TIME_LANES);
        expect(record.globals).toEqual(GLOBALS);
        expect(record.path.toString()).toBe('\\b\\t');
        expect((await storage.shotIndices(p('\\b\\t'))).unwrap()).toEqual([1]);
        expect((await storage.getShotData(p('\\b\\t'), 1, 'counter\\counts')).unwrap()).toBe(10);
      });

      it('refuses to move into or onto itself, or to move the root', async () => {
        (await storage.createPath(p('\\a\\b'))).unwrap();
        expectStorageError(await storage.movePath(p('\\a'), p('\\a')), RecursivePathMoveError);
        expectStorageError(
          await storage.movePath(p('\\a'), p('\\a\\b\\c')),
          RecursivePathMoveError,
        );
        expectStorageError(
          await storage.movePath(SequencePath.root, p('\\z')),
          RecursivePathMoveError,
        );
        expect(await storage.pathExists(p('\\a\\b\\c'))).toBe(false);
      });

      it('refuses a missing source', async () => {
        expectStorageError(await storage.movePath(p('\\a'), p('\\b')), PathNotFoundError);
        expect(await storage.pathExists(p('\\b'))).toBe(false);
      });

      it('refuses an existing destination or the root', async () => {
        (await storage.createPath(p('\\a'))).unwrap();
        (await storage.createPath(p('\\b'))).unwrap();
        expectStorageError(await storage.movePath(p('\\a'), p('\\b')), PathExistsError);
        expectStorageError(await storage.movePath(p('\\a'), SequencePath.root), PathExistsError);
        expect(await storage.pathExists(p('\\a'))).toBe(true);
      });

      it('refuses to move below a sequence', async () => {
        (await storage.createPath(p('\\a'))).unwrap();
        (await storage.createSequence(p('\\s'), draft())).unwrap();
        expectStorageError(await storage.movePath(p('\\a'), p('\\s\\a')), PathIsSequenceError);
        expectStorageError(await storage.movePath(p('\\a'), p('\\s\\x\\a')), PathIsSequenceError);
        expect(await storage.pathExists(p('\\a'))).toBe(true);
      });

      it('refuses to move a running sequence or a folder holding one', async () => {
        await bringTo(storage, p('\\f\\s'), 'running');
        expectStorageError(await storage.movePath(p('\\f\\s'), p('\\g')), SequenceRunningError);
        expectStorageError(await storage.movePath(p('\\f'), p('\\g')), SequenceRunningError);
        expect(await storage.pathExists(p('\\g'))).toBe(false);
      });
    });

    describe('sequences', () => {
      it('creates a DRAFT with its parents, iteration, time lanes and expected shots', async () => {
        const createdAt = new Date('2023-06-07T08:09:10.111Z');
        (await storage.createSequence(p('\\lab\\mot\\scan 3'), draft(7), { createdAt })).unwrap();
        const record = (await storage.getSequence(p('\\lab\\mot\\scan 3'))).unwrap();
        expect(record).toEqual({
          path: p('\\lab\\mot\\scan 3'),
          createdAt,
          state: 'draft',
          iteration: ITERATION,
          timeLanes: TIME_LANES,
          expectedShots: 7,
          completedShots: 0,
          startTime: null,
          stopTime: null,
          globals: null,
          deviceConfigurations: null,
          error: null,
          owner: null,
          suspenders: [],
        });
        expect((await storage.isSequence(p('\\lab\\mot'))).unwrap()).toBe(false);
        expect((await storage.getStats(p('\\lab\\mot\\scan 3'))).unwrap()).toEqual({
          state: 'draft',
          completedShots: 0,
          expectedShots: 7,
          startTime: null,
          stopTime: null,
        });
      });

      it('accepts an unknown shot count', async () => {
        (await storage.createSequence(p('\\s'), draft(null))).unwrap();
        expect((await storage.getStats(p('\\s'))).unwrap().expectedShots).toBeNull();
      });

      it('refuses to create a sequence twice, below a sequence, on the root or on a folder with children', async () => {
        (await storage.createSequence(p('\\s'), draft())).unwrap();
        expectStorageError(await storage.createSequence(p('\\s'), draft()), PathIsSequenceError);
        expectStorageError(await storage.createSequence(p('\\s\\t'), draft()), PathIsSequenceError);
        (await storage.createPath(p('\\f\\child'))).unwrap();
        expectStorageError(await storage.createSequence(p('\\f'), draft()), PathHasChildrenError);
        expectStorageError(
          await storage.createSequence(SequencePath.root, draft()),
          PathIsRootError,
        );
        expect((await storage.isSequence(p('\\f'))).unwrap()).toBe(false);
      });

      it('turns an existing empty folder into a sequence, keeping its creation date', async () => {
        const createdAt = new Date('2020-01-01T00:00:00.001Z');
        (await storage.createPath(p('\\f'), { createdAt })).unwrap();
        (await storage.createSequence(p('\\f'), draft())).unwrap();
        expect((await storage.isSequence(p('\\f'))).unwrap()).toBe(true);
        expect((await storage.creationDate(p('\\f'))).unwrap()).toEqual(createdAt);
      });

      it('refuses non-JSON iteration or time lanes and a bad shot count, creating nothing', async () => {
        const bad = [
          { ...draft(), iteration: { steps: [NaN] } },
          { ...draft(), iteration: { at: new Date() } },
          { ...draft(), timeLanes: { f: () => 1 } },
          { ...draft(), timeLanes: new Map() },
          { ...draft(), expectedShots: -1 },
          { ...draft(), expectedShots: 1.5 },
        ];
        for (const d of bad) {
          const error = expectStorageError(
            await storage.createSequence(p('\\x\\s'), d as never),
            InvalidStorageDataError,
          );
          expect(error.location.sequence).toBe('\\x\\s');
        }
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        expectStorageError(
          await storage.createSequence(p('\\x\\s'), { ...draft(), iteration: cyclic as never }),
          InvalidStorageDataError,
        );
        expect(await storage.pathExists(p('\\x'))).toBe(false);
      });

      it('reports missing paths and folders when a sequence is expected', async () => {
        (await storage.createPath(p('\\f'))).unwrap();
        expectStorageError(await storage.getSequence(p('\\nope')), PathNotFoundError);
        expectStorageError(await storage.getSequence(p('\\f')), PathIsNotSequenceError);
        expectStorageError(await storage.getStats(p('\\f')), PathIsNotSequenceError);
        expectStorageError(
          await storage.setIteration(p('\\f'), ITERATION, 1),
          PathIsNotSequenceError,
        );
        expectStorageError(await storage.setRunning(p('\\nope'), new Date()), PathNotFoundError);
        expectStorageError(await storage.shotIndices(p('\\f')), PathIsNotSequenceError);
        expectStorageError(await storage.createShot(p('\\nope'), shot(0)), PathNotFoundError);
      });

      it('edits the iteration of a DRAFT and keeps its time lanes', async () => {
        (await storage.createSequence(p('\\s'), draft(3))).unwrap();
        const iteration = { steps: [{ type: 'execute shot' }] };
        (await storage.setIteration(p('\\s'), iteration, 1)).unwrap();
        (await storage.setIteration(p('\\s'), iteration, 2)).unwrap();
        const record = (await storage.getSequence(p('\\s'))).unwrap();
        expect(record.iteration).toEqual(iteration);
        expect(record.expectedShots).toBe(2);
        expect(record.timeLanes).toEqual(TIME_LANES);
        const lanes = { stepNames: ['only'], stepDurations: ['1 s'], lanes: { x: [true] } };
        (await storage.setTimeLanes(p('\\s'), lanes)).unwrap();
        expect((await storage.getSequence(p('\\s'))).unwrap().timeLanes).toEqual(lanes);
      });

      it('refuses non-JSON edits of a draft, changing nothing', async () => {
        (await storage.createSequence(p('\\s'), draft(3))).unwrap();
        expectStorageError(
          await storage.setIteration(p('\\s'), { x: Infinity } as never, 1),
          InvalidStorageDataError,
        );
        expectStorageError(
          await storage.setIteration(p('\\s'), ITERATION, -2),
          InvalidStorageDataError,
        );
        expectStorageError(
          await storage.setTimeLanes(p('\\s'), [undefined] as never),
          InvalidStorageDataError,
        );
        const record = (await storage.getSequence(p('\\s'))).unwrap();
        expect(record.iteration).toEqual(ITERATION);
        expect(record.expectedShots).toBe(3);
        expect(record.timeLanes).toEqual(TIME_LANES);
      });

      for (const state of SEQUENCE_STATES.filter((s) => s !== 'draft')) {
        it(`refuses to edit the iteration or the time lanes of a ${state.toUpperCase()} sequence, both the same way`, async () => {
          await bringTo(storage, p('\\s'), state);
          const a = expectStorageError(
            await storage.setIteration(p('\\s'), { steps: [] }, 0),
            SequenceNotEditableError,
          );
          const b = expectStorageError(
            await storage.setTimeLanes(p('\\s'), { lanes: [] }),
            SequenceNotEditableError,
          );
          expect(a.state).toBe(state);
          expect(b.state).toBe(state);
          const record = (await storage.getSequence(p('\\s'))).unwrap();
          expect(record.iteration).toEqual(ITERATION);
          expect(record.timeLanes).toEqual(TIME_LANES);
        });
      }

      for (const from of SEQUENCE_STATES) {
        it(`allows exactly the documented transitions out of ${from.toUpperCase()}`, async () => {
          for (const { transition, apply } of TRANSITIONS) {
            const to = SEQUENCE_TRANSITIONS[transition].to;
            const path = p(`\\${from}\\${transition}`);
            await bringTo(storage, path, from);
            const result = await apply(storage, path);
            const state = (await storage.getStats(path)).unwrap().state;
            if (isTransitionAllowedBy(transition, from)) {
              expect(result.ok, `${from} -> ${to}`).toBe(true);
              expect(state).toBe(to);
            } else {
              const refused = expectStorageError(result, InvalidStateTransitionError);
              expect([refused.from, refused.to]).toEqual([from, to]);
              expect(state, `${from} -> ${to} must change nothing`).toBe(from);
            }
          }
        });
      }

      it('records the times and snapshots of a run', async () => {
        (await storage.createSequence(p('\\s'), draft())).unwrap();
        expectStorageError(await storage.getSnapshot(p('\\s')), SequenceNotLaunchedError);
        (
          await storage.setPreparing(p('\\s'), {
            globals: GLOBALS,
            deviceConfigurations: DEVICES,
            owner: owner('m1', 'lab-pc', 4242),
          })
        ).unwrap();
        expect((await storage.getSnapshot(p('\\s'))).unwrap()).toEqual({
          globals: GLOBALS,
          deviceConfigurations: DEVICES,
        });
        const start = new Date('2024-01-02T03:04:05.678Z');
        const stop = new Date('2024-01-02T04:05:06.789Z');
        (await storage.setRunning(p('\\s'), start)).unwrap();
        (await storage.setFinished(p('\\s'), stop)).unwrap();
        const record = (await storage.getSequence(p('\\s'))).unwrap();
        expect(record).toMatchObject({
          state: 'finished',
          startTime: start,
          stopTime: stop,
          globals: GLOBALS,
          deviceConfigurations: DEVICES,
          owner: owner('m1', 'lab-pc', 4242),
          error: null,
        });
      });

      it('refuses a bad snapshot or time, changing nothing', async () => {
        (await storage.createSequence(p('\\s'), draft())).unwrap();
        const bad = [
          { globals: [NaN], deviceConfigurations: DEVICES, owner: owner('m1') },
          {
            globals: GLOBALS,
            deviceConfigurations: [DEVICES[0]!, DEVICES[0]!],
            owner: owner('m1'),
          },
          {
            globals: GLOBALS,
            deviceConfigurations: [{ name: '', type: 't', configuration: 1 }],
            owner: owner('m1'),
          },
          {
            globals: GLOBALS,
            deviceConfigurations: [{ name: 'd', type: 't', configuration: { f: Symbol('x') } }],
            owner: owner('m1'),
          },
          { globals: GLOBALS, deviceConfigurations: DEVICES, owner: { ...owner('m1'), pid: -1 } },
          { globals: GLOBALS, deviceConfigurations: DEVICES, owner: 'pc' },
        ];
        for (const snapshot of bad) {
          expectStorageError(
            await storage.setPreparing(p('\\s'), snapshot as never),
            InvalidStorageDataError,
          );
        }
        expect((await storage.getStats(p('\\s'))).unwrap().state).toBe('draft');
        (
          await storage.setPreparing(p('\\s'), {
            globals: GLOBALS,
            deviceConfigurations: [],
            owner: owner('m1'),
          })
        ).unwrap();
        expectStorageError(
          await storage.setRunning(p('\\s'), new Date('not a date')),
          InvalidStorageDataError,
        );
        expect((await storage.getStats(p('\\s'))).unwrap()).toMatchObject({
          state: 'preparing',
          startTime: null,
        });
      });

      it('interrupts a PREPARING sequence without a start time', async () => {
        await bringTo(storage, p('\\s'), 'preparing');
        const stop = new Date('2024-02-03T04:05:06.007Z');
        (await storage.setInterrupted(p('\\s'), stop)).unwrap();
        expect((await storage.getStats(p('\\s'))).unwrap()).toMatchObject({
          state: 'interrupted',
          startTime: null,
          stopTime: stop,
        });
      });

      it('stores the error summary of a crash and replaces it after a reset and a new crash', async () => {
        await bringTo(storage, p('\\s'), 'running');
        expectStorageError(await storage.getError(p('\\s')), SequenceNotCrashedError);
        (await storage.setCrashed(p('\\s'), SUMMARY, new Date())).unwrap();
        expect((await storage.getError(p('\\s'))).unwrap()).toEqual(SUMMARY);
        expect((await storage.getSequence(p('\\s'))).unwrap().error).toEqual(SUMMARY);
        (await storage.resetToDraft(p('\\s'))).unwrap();
        expectStorageError(await storage.getError(p('\\s')), SequenceNotCrashedError);
        (
          await storage.setPreparing(p('\\s'), {
            globals: [],
            deviceConfigurations: [],
            owner: owner('m1'),
          })
        ).unwrap();
        const second: ErrorSummary = {
          type: 'AggregateError',
          message: 'two devices failed',
          recoverable: false,
          errors: [SUMMARY, { type: 'Error', message: 'boom', recoverable: false }],
        };
        (await storage.setCrashed(p('\\s'), second, new Date())).unwrap();
        expect((await storage.getError(p('\\s'))).unwrap()).toEqual(second);
      });

      it('refuses an error summary that does not match the schema', async () => {
        await bringTo(storage, p('\\s'), 'running');
        expectStorageError(
          await storage.setCrashed(p('\\s'), { type: 'X' } as never, new Date()),
          InvalidStorageDataError,
        );
        expect((await storage.getStats(p('\\s'))).unwrap().state).toBe('running');
      });

      it('resets a finished sequence to DRAFT, erasing shots, snapshots, times, owner and error', async () => {
        await running(storage, p('\\s'));
        (await storage.createShot(p('\\s'), shot(0))).unwrap();
        (await storage.createShot(p('\\s'), shot(1))).unwrap();
        (await storage.setFinished(p('\\s'), new Date())).unwrap();
        (await storage.resetToDraft(p('\\s'))).unwrap();
        const record = (await storage.getSequence(p('\\s'))).unwrap();
        expect(record).toMatchObject({
          state: 'draft',
          completedShots: 0,
          startTime: null,
          stopTime: null,
          globals: null,
          deviceConfigurations: null,
          owner: null,
          error: null,
          iteration: ITERATION,
          timeLanes: TIME_LANES,
          expectedShots: 3,
        });
        expect((await storage.shotIndices(p('\\s'))).unwrap()).toEqual([]);
        expectStorageError(await storage.getShot(p('\\s'), 0), ShotNotFoundError);
        await (async () => {
          (
            await storage.setPreparing(p('\\s'), {
              globals: [],
              deviceConfigurations: [],
              owner: owner('m1'),
            })
          ).unwrap();
          (await storage.setRunning(p('\\s'), new Date())).unwrap();
          (await storage.createShot(p('\\s'), shot(0))).unwrap();
        })();
      });

      it('duplicates a sequence as a new DRAFT without its shots or snapshots', async () => {
        await running(storage, p('\\a\\s'), 5);
        (await storage.createShot(p('\\a\\s'), shot(0))).unwrap();
        (await storage.setFinished(p('\\a\\s'), new Date())).unwrap();
        const createdAt = new Date('2025-01-01T01:01:01.001Z');
        (await storage.duplicateSequence(p('\\a\\s'), p('\\b\\copy'), { createdAt })).unwrap();
        expect((await storage.getSequence(p('\\b\\copy'))).unwrap()).toEqual({
          path: p('\\b\\copy'),
          createdAt,
          state: 'draft',
          iteration: ITERATION,
          timeLanes: TIME_LANES,
          expectedShots: 5,
          completedShots: 0,
          startTime: null,
          stopTime: null,
          globals: null,
          deviceConfigurations: null,
          error: null,
          owner: null,
          suspenders: [],
        });
        expect((await storage.getStats(p('\\a\\s'))).unwrap().completedShots).toBe(1);
      });

      it('refuses to duplicate from a missing path or a folder, or onto a sequence', async () => {
        (await storage.createSequence(p('\\s'), draft())).unwrap();
        (await storage.createSequence(p('\\t'), draft())).unwrap();
        (await storage.createPath(p('\\f\\g'))).unwrap();
        expectStorageError(await storage.duplicateSequence(p('\\x'), p('\\y')), PathNotFoundError);
        expectStorageError(
          await storage.duplicateSequence(p('\\f'), p('\\y')),
          PathIsNotSequenceError,
        );
        expectStorageError(
          await storage.duplicateSequence(p('\\s'), p('\\t')),
          PathIsSequenceError,
        );
        expectStorageError(
          await storage.duplicateSequence(p('\\s'), p('\\f')),
          PathHasChildrenError,
        );
        expect(await storage.pathExists(p('\\y'))).toBe(false);
      });

      it('lets exactly one of two storages on one database start a sequence', async () => {
        const other = await another();
        const paths = Array.from({ length: 12 }, (_, i) => p(`\\race\\s${i}`));
        for (const path of paths) (await storage.createSequence(path, draft())).unwrap();
        const attempts = paths.flatMap((path, i) => {
          const first = (s: SessionStorage, id: string) =>
            s.setPreparing(path, {
              globals: GLOBALS,
              deviceConfigurations: DEVICES,
              owner: owner(id),
            });
          return i % 2 === 0
            ? [first(storage, 'manager-1'), first(other, 'manager-2')]
            : [first(other, 'manager-2'), first(storage, 'manager-1')];
        });
        const results = await Promise.all(attempts);
        for (let i = 0; i < paths.length; i++) {
          const pair = [results[2 * i]!, results[2 * i + 1]!];
          expect(
            pair.filter((r) => r.ok),
            `exactly one winner for ${paths[i]!.toString()}`,
          ).toHaveLength(1);
          const loser = pair.find((r) => !r.ok)!;
          const refused = expectStorageError(loser, InvalidStateTransitionError);
          expect(refused.from).toBe('preparing');
          const winner = (await other.getSequence(paths[i]!)).unwrap().owner;
          expect(['manager-1', 'manager-2']).toContain(winner?.id);
        }
      });

      it('stores a shot index once when two storages write it at the same time', async () => {
        const other = await another();
        await running(storage, p('\\s'), null);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => [
            storage.createShot(p('\\s'), shot(i)),
            other.createShot(p('\\s'), shot(i, { parameters: { x: -1 } })),
          ]).flat(),
        );
        for (let i = 0; i < 10; i++) {
          const pair = [results[2 * i]!, results[2 * i + 1]!];
          expect(
            pair.filter((r) => r.ok),
            `shot ${i}`,
          ).toHaveLength(1);
          expectStorageError(
            pair.find((r) => !r.ok)!,
            DuplicateShotError,
          );
        }
        expect((await storage.getStats(p('\\s'))).unwrap().completedShots).toBe(10);
      });

      it('shows each storage the changes committed by the other', async () => {
        const other = await another();
        await running(storage, p('\\s'));
        (await storage.createShot(p('\\s'), shot(0))).unwrap();
        expect((await other.getStats(p('\\s'))).unwrap()).toMatchObject({
          state: 'running',
          completedShots: 1,
        });
        (await other.setFinished(p('\\s'), new Date())).unwrap();
        expect((await storage.getStats(p('\\s'))).unwrap().state).toBe('finished');
      });
    });

    describe('durable execution: pauses, events, continuations, suspenders', () => {
      it('pauses and resumes a run, storing each change with its event, in order', async () => {
        await running(storage, p('\\s'), 3);
        (await storage.createShot(p('\\s'), shot(0))).unwrap();
        (await storage.setPaused(p('\\s'), event('paused', { nextIndex: 1 }, 1))).unwrap();
        expect((await storage.getStats(p('\\s'))).unwrap().state).toBe('paused');
        expectStorageError(await storage.createShot(p('\\s'), shot(1)), SequenceNotRunningError);
        const tripped = (
          await storage.addSequenceEvent(p('\\s'), event('suspender-tripped', { value: 0.7 }, 2))
        ).unwrap();
        const globals = [{ name: 'mot.detuning', value: '-12 MHz' }];
        (
          await storage.setResumed(p('\\s'), event('resumed', { nextIndex: 1 }, 3), { globals })
        ).unwrap();
        const record = (await storage.getSequence(p('\\s'))).unwrap();
        expect(record.state).toBe('running');
        expect(record.globals).toEqual(globals);
        (await storage.createShot(p('\\s'), shot(1))).unwrap();
        const events = (await storage.sequenceEvents(p('\\s'))).unwrap();
        expect(events.map((e) => [e.kind, e.data, e.time])).toEqual([
          ['paused', { nextIndex: 1 }, event('', {}, 1).time],
          ['suspender-tripped', { value: 0.7 }, event('', {}, 2).time],
          ['resumed', { nextIndex: 1 }, event('', {}, 3).time],
        ]);
        expect(events[0]!.id).toBeLessThan(events[1]!.id);
        expect(events[1]!.id).toBe(tripped);
        expect(events[1]!.id).toBeLessThan(events[2]!.id);
        const later = (await storage.sequenceEvents(p('\\s'), { afterId: tripped })).unwrap();
        expect(later.map((e) => e.kind)).toEqual(['resumed']);
        // Another connection sees them, and a second sequence has its own.
        const other = await another();
        expect((await other.sequenceEvents(p('\\s'))).unwrap()).toEqual(events);
        await running(storage, p('\\t'), 3);
        expect((await storage.sequenceEvents(p('\\t'))).unwrap()).toEqual([]);
      });

      it('refuses an event of a draft, a malformed event or cursor, changing nothing', async () => {
        (await storage.createSequence(p('\\d'), draft())).unwrap();
        expectStorageError(
          await storage.addSequenceEvent(p('\\d'), event('note')),
          SequenceNotLaunchedError,
        );
        await running(storage, p('\\s'), 3);
        for (const bad of [
          event('Paused!'),
          event(''),
          event('x'.repeat(65)),
          event('paused', { value: NaN }),
          { kind: 'paused', time: new Date(NaN), data: {} },
          { kind: 'paused', time: 'yesterday', data: {} },
        ]) {
          expectStorageError(
            await storage.setPaused(p('\\s'), bad as SequenceEventInput),
            InvalidStorageDataError,
          );
          expectStorageError(
            await storage.addSequenceEvent(p('\\s'), bad as SequenceEventInput),
            InvalidStorageDataError,
          );
        }
        expect((await storage.getStats(p('\\s'))).unwrap().state).toBe('running');
        expect((await storage.sequenceEvents(p('\\s'))).unwrap()).toEqual([]);
        expectStorageError(
          await storage.sequenceEvents(p('\\s'), { afterId: -1 }),
          InvalidStorageDataError,
        );
        expectStorageError(
          await storage.addSequenceEvent(p('\\missing'), event('note')),
          PathNotFoundError,
        );
      });

      it('continues a crashed run: new owner, error and stop time cleared, shots and snapshots kept', async () => {
        await running(storage, p('\\s'), 4);
        const record0 = (await storage.getSequence(p('\\s'))).unwrap();
        for (const i of [0, 1]) (await storage.createShot(p('\\s'), shot(i))).unwrap();
        (await storage.setCrashed(p('\\s'), SUMMARY, new Date())).unwrap();
        const next = owner('m2', 'pc2', 7);
        (
          await storage.setContinuing(p('\\s'), {
            owner: next,
            event: event('continued', { fromIndex: 2, previousState: 'crashed' }),
          })
        ).unwrap();
        const record = (await storage.getSequence(p('\\s'))).unwrap();
        expect(record).toMatchObject({
          state: 'preparing',
          owner: next,
          error: null,
          stopTime: null,
          startTime: record0.startTime,
          completedShots: 2,
          globals: GLOBALS,
          deviceConfigurations: DEVICES,
        });
        expect((await storage.sequenceEvents(p('\\s'))).unwrap().map((e) => e.data)).toEqual([
          { fromIndex: 2, previousState: 'crashed' },
        ]);
        (await storage.setRunning(p('\\s'), record0.startTime!)).unwrap();
        expectStorageError(await storage.createShot(p('\\s'), shot(1)), DuplicateShotError);
        (await storage.createShot(p('\\s'), shot(2))).unwrap();
        (await storage.setFinished(p('\\s'), new Date())).unwrap();
        expect((await storage.shotIndices(p('\\s'))).unwrap()).toEqual([0, 1, 2]);
      });

      it('refuses a continuation without a valid owner or event, changing nothing', async () => {
        await bringTo(storage, p('\\s'), 'interrupted');
        for (const run of [
          { owner: { ...owner('m2'), pid: -3 }, event: event('continued') },
          { owner: owner('m2'), event: event('Continued') },
          { owner: 'pc', event: event('continued') },
        ]) {
          expectStorageError(
            await storage.setContinuing(p('\\s'), run as never),
            InvalidStorageDataError,
          );
        }
        expect((await storage.getStats(p('\\s'))).unwrap().state).toBe('interrupted');
        expect((await storage.sequenceEvents(p('\\s'))).unwrap()).toEqual([]);
      });

      it('a reset erases the events with the shots', async () => {
        await running(storage, p('\\s'), 3);
        (await storage.setPaused(p('\\s'), event('paused'))).unwrap();
        (await storage.setInterrupted(p('\\s'), new Date())).unwrap();
        (await storage.resetToDraft(p('\\s'))).unwrap();
        expect((await storage.sequenceEvents(p('\\s'))).unwrap()).toEqual([]);
      });

      it('a PAUSED sequence owns its devices: it cannot be moved, deleted or reset', async () => {
        await bringTo(storage, p('\\lab\\s'), 'paused');
        expectStorageError(
          await storage.deletePath(p('\\lab'), { deleteSequences: true }),
          SequenceRunningError,
        );
        expectStorageError(await storage.movePath(p('\\lab'), p('\\x')), SequenceRunningError);
        expectStorageError(await storage.resetToDraft(p('\\lab\\s')), InvalidStateTransitionError);
        expect((await storage.sequencesInState('paused')).map(String)).toEqual(['\\lab\\s']);
      });

      it('keeps the suspenders of a draft, duplicates them, and edits them only in DRAFT', async () => {
        const suspenders = [{ name: 'lock', watch: { data: 'lock\\error' }, when: { below: 0.2 } }];
        (await storage.createSequence(p('\\s'), { ...draft(), suspenders })).unwrap();
        expect((await storage.getSequence(p('\\s'))).unwrap().suspenders).toEqual(suspenders);
        (await storage.createSequence(p('\\plain'), draft())).unwrap();
        expect((await storage.getSequence(p('\\plain'))).unwrap().suspenders).toEqual([]);
        (await storage.duplicateSequence(p('\\s'), p('\\copy'))).unwrap();
        expect((await storage.getSequence(p('\\copy'))).unwrap().suspenders).toEqual(suspenders);
        (await storage.setSuspenders(p('\\copy'), [])).unwrap();
        expect((await storage.getSequence(p('\\copy'))).unwrap().suspenders).toEqual([]);
        expectStorageError(
          await storage.setSuspenders(p('\\s'), { not: 'a list' }),
          InvalidStorageDataError,
        );
        expectStorageError(
          await storage.createSequence(p('\\bad'), { ...draft(), suspenders: [NaN] }),
          InvalidStorageDataError,
        );
        await bringTo(storage, p('\\r'), 'running');
        expectStorageError(await storage.setSuspenders(p('\\r'), []), SequenceNotEditableError);
      });
    });

    describe('shots', () => {
      it('stores shots only while the sequence is RUNNING', async () => {
        for (const state of SEQUENCE_STATES.filter((s) => s !== 'running')) {
          const path = p(`\\${state}`);
          await bringTo(storage, path, state);
          const refused = expectStorageError(
            await storage.createShot(path, shot(0)),
            SequenceNotRunningError,
          );
          expect(refused.state).toBe(state);
          expect((await storage.shotIndices(path)).unwrap()).toEqual([]);
        }
      });

      it('reads back parameters, times, timing and data of a shot', async () => {
        await running(storage, p('\\s'));
        const input = shot(2, {
          data: {
            'cam\\picture': new NDArray('uint16', [2, 3], Uint16Array.from([1, 2, 3, 4, 5, 6])),
            trace: new NDArray('float64', [4], Float64Array.from([0.5, -1, 2e300, 3])),
            list: [1, 2.5, 'three', true, null],
            record: { mean: 1.25, counts: [1, 2], nested: { ok: true } },
            text: 'hello',
            nothing: null,
          },
        });
        (await storage.createShot(p('\\s'), input)).unwrap();
        const record = (await storage.getShot(p('\\s'), 2)).unwrap();
        expect(record).toEqual({
          index: 2,
          parameters: input.parameters,
          startTime: input.startTime,
          endTime: input.endTime,
          timing: input.timing,
          labels: ['cam\\picture', 'list', 'nothing', 'record', 'text', 'trace'],
        });
        const picture = (
          await storage.getShotData(p('\\s'), 2, 'cam\\picture')
        ).unwrap() as NDArray;
        expect(picture).toBeInstanceOf(NDArray);
        expect(picture.equals(input.data['cam\\picture'] as NDArray)).toBe(true);
        expect((await storage.getShotData(p('\\s'), 2, 'record')).unwrap()).toEqual(
          input.data.record,
        );
        expect((await storage.getShotData(p('\\s'), 2, 'nothing')).unwrap()).toBeNull();
        const all = (await storage.getAllShotData(p('\\s'), 2)).unwrap();
        expect(Object.keys(all)).toEqual(record.labels);
        expect((all.trace as NDArray).equals(input.data.trace as NDArray)).toBe(true);
        expect(all.list).toEqual(input.data.list);
        expect(all.text).toBe('hello');
      });

      it('reports an unknown label and a missing shot, naming them', async () => {
        await running(storage, p('\\s'));
        (await storage.createShot(p('\\s'), shot(0))).unwrap();
        const missing = expectStorageError(
          await storage.getShotData(p('\\s'), 0, 'cam\\nope'),
          DataNotFoundError,
        );
        expect(missing.message).toContain('cam\\nope');
        expect(missing.location).toMatchObject({ sequence: '\\s', shot: 0, label: 'cam\\nope' });
        expectStorageError(await storage.getShot(p('\\s'), 1), ShotNotFoundError);
        expectStorageError(await storage.getShotData(p('\\s'), 1, 'x'), ShotNotFoundError);
        expectStorageError(await storage.getAllShotData(p('\\s'), 1), ShotNotFoundError);
      });

      for (const dtype of DTYPES) {
        it(`keeps ${dtype} arrays of any shape exactly`, async () => {
          await running(storage, p('\\s'), null);
          const shapes = [[], [0], [1], [5], [2, 3], [2, 3, 4], [3, 0, 2]];
          const data: Record<string, NDArray> = {};
          shapes.forEach((shape, i) => (data[`a${i}`] = filled(dtype, shape)));
          (await storage.createShot(p('\\s'), shot(0, { data }))).unwrap();
          const back = (await storage.getAllShotData(p('\\s'), 0)).unwrap();
          shapes.forEach((shape, i) => {
            const array = back[`a${i}`] as NDArray;
            expect(array.dtype).toBe(dtype);
            expect(array.shape).toEqual(shape);
            expect(array.equals(data[`a${i}`]!), `${dtype} ${JSON.stringify(shape)}`).toBe(true);
          });
        });
      }

      it('stores arrays of 64 MiB and more', async () => {
        await running(storage, p('\\s'), 1);
        const n = 8 * 2 ** 20 + 1;
        const values = new Float64Array(n);
        for (let i = 0; i < n; i += 4093) values[i] = i * 0.25;
        values[n - 1] = -7.5;
        const big = new NDArray('float64', [n], values);
        (await storage.createShot(p('\\s'), shot(0, { data: { big } }))).unwrap();
        const back = (await storage.getShotData(p('\\s'), 0, 'big')).unwrap() as NDArray<'float64'>;
        expect(back.data.byteLength).toBe(64 * 2 ** 20 + 8);
        expect(back.data[n - 1]).toBe(-7.5);
        expect(back.data[4093 * 1000]).toBe(4093 * 1000 * 0.25);
        expect(back.equals(big)).toBe(true);
      }, 120_000);

      it('refuses a duplicate shot index and keeps the first shot', async () => {
        await running(storage, p('\\s'));
        (await storage.createShot(p('\\s'), shot(1))).unwrap();
        const duplicate = expectStorageError(
          await storage.createShot(p('\\s'), shot(1, { parameters: { x: 99 } })),
          DuplicateShotError,
        );
        expect(duplicate.location).toMatchObject({ sequence: '\\s', shot: 1 });
        expect((await storage.getShot(p('\\s'), 1)).unwrap().parameters).toEqual(
          shot(1).parameters,
        );
      });

      it('refuses shot indices outside 0 .. expected - 1', async () => {
        await running(storage, p('\\s'), 3);
        for (const index of [3, 4, -1, 1.5, NaN]) {
          expectStorageError(await storage.createShot(p('\\s'), shot(index)), ShotIndexError);
        }
        (await storage.createShot(p('\\s'), shot(2))).unwrap();
        expect((await storage.shotIndices(p('\\s'))).unwrap()).toEqual([2]);
        await running(storage, p('\\unknown count'), null);
        (await storage.createShot(p('\\unknown count'), shot(1000))).unwrap();
      });

      it('refuses non-JSON parameters, data or timing, naming the place, and stores nothing', async () => {
        await running(storage, p('\\s'));
        class Point {
          constructor(readonly x: number) {}
        }
        const cyclic: unknown[] = [];
        cyclic.push(cyclic);
        const bad: Partial<ShotInput>[] = [
          { parameters: { x: NaN } },
          { parameters: { x: () => 1 } as never },
          { parameters: { '': 1 } },
          { parameters: [1, 2] as never },
          { data: { 'cam\\point': new Point(1) as never } },
          { data: { 'cam\\when': new Date() as never } },
          { data: { 'cam\\map': new Map() as never } },
          { data: { 'cam\\inf': { deep: [1, Infinity] } } },
          { data: { 'cam\\cycle': cyclic as never } },
          { data: { 'cam\\big': 10n as never } },
          { data: { '': 1 } },
          { timing: { t: undefined } as never, data: { x: [undefined] as never } },
          { timing: NaN },
          { startTime: new Date(NaN) },
          { endTime: new Date(0) },
          {
            data: {
              bad: {
                dtype: 'uint16',
                shape: [2, 2],
                data: new Uint16Array(3),
              } as unknown as NDArray,
            },
          },
        ];
        for (const extra of bad) {
          const error = expectStorageError(
            await storage.createShot(p('\\s'), shot(0, extra)),
            InvalidStorageDataError,
          );
          expect(error.location).toMatchObject({ sequence: '\\s', shot: 0 });
        }
        const labelled = expectStorageError(
          await storage.createShot(p('\\s'), shot(0, { data: { 'cam\\inf': [Infinity] } })),
          InvalidStorageDataError,
        );
        expect(labelled.message).toContain('cam\\inf');
        expect(labelled.location.label).toBe('cam\\inf');
        expect((await storage.shotIndices(p('\\s'))).unwrap()).toEqual([]);
        expect((await storage.getStats(p('\\s'))).unwrap().completedShots).toBe(0);
      });

      it('drops object properties that are undefined, as JSON does', async () => {
        await running(storage, p('\\s'));
        (
          await storage.createShot(p('\\s'), shot(0, { timing: { a: 1, b: undefined } as never }))
        ).unwrap();
        expect((await storage.getShot(p('\\s'), 0)).unwrap().timing).toEqual({ a: 1 });
      });

      it('stores a batch of shots all or none', async () => {
        await running(storage, p('\\s'), 10);
        (await storage.createShots(p('\\s'), [shot(0), shot(1)])).unwrap();
        expectStorageError(
          await storage.createShots(p('\\s'), [shot(2), shot(3), shot(2)]),
          DuplicateShotError,
        );
        expectStorageError(
          await storage.createShots(p('\\s'), [shot(4), shot(1)]),
          DuplicateShotError,
        );
        expectStorageError(
          await storage.createShots(p('\\s'), [shot(5), shot(10)]),
          ShotIndexError,
        );
        expectStorageError(
          await storage.createShots(p('\\s'), [shot(6), shot(7, { parameters: { x: NaN } })]),
          InvalidStorageDataError,
        );
        expect((await storage.shotIndices(p('\\s'))).unwrap()).toEqual([0, 1]);
        (await storage.createShots(p('\\s'), [shot(3), shot(2)])).unwrap();
        (await storage.createShots(p('\\s'), [])).unwrap();
        expect((await storage.shotIndices(p('\\s'))).unwrap()).toEqual([0, 1, 2, 3]);
        expect((await storage.getStats(p('\\s'))).unwrap().completedShots).toBe(4);
      });

      it('keeps stored data apart from the arrays given and returned', async () => {
        await running(storage, p('\\s'));
        const input = shot(0);
        (await storage.createShot(p('\\s'), input)).unwrap();
        (input.data['cam\\picture'] as NDArray<'uint16'>).data[0] = 999;
        const first = (
          await storage.getShotData(p('\\s'), 0, 'cam\\picture')
        ).unwrap() as NDArray<'uint16'>;
        expect(first.data[0]).toBe(1);
        first.data[1] = 777;
        const second = (
          await storage.getShotData(p('\\s'), 0, 'cam\\picture')
        ).unwrap() as NDArray<'uint16'>;
        expect(second.data[1]).toBe(2);
      });

      it('lists shot indices in order and counts completed shots', async () => {
        await running(storage, p('\\s'), null);
        for (const index of [5, 0, 3]) (await storage.createShot(p('\\s'), shot(index))).unwrap();
        expect((await storage.shotIndices(p('\\s'))).unwrap()).toEqual([0, 3, 5]);
        expect((await storage.getStats(p('\\s'))).unwrap().completedShots).toBe(3);
      });

      it('reads all shots as columns, in index order, with null for missing values', async () => {
        await running(storage, p('\\s'), null);
        (
          await storage.createShot(p('\\s'), shot(2, { parameters: { x: 2, late: true } }))
        ).unwrap();
        (
          await storage.createShot(
            p('\\s'),
            shot(0, {
              parameters: { x: 0, q: { magnitude: 1, unit: 'MHz' } },
              data: { counts: 7, arr: NDArray.zeros('uint8', [2]) },
            }),
          )
        ).unwrap();
        (
          await storage.createShot(
            p('\\s'),
            shot(1, { parameters: { x: 1 }, data: { fit: { a: 1 } } }),
          )
        ).unwrap();
        const table = (await storage.readShotTable(p('\\s'))).unwrap();
        expect([...table.index]).toEqual([0, 1, 2]);
        expect([...table.startTime]).toEqual([0, 1, 2].map((i) => shot(i).startTime.getTime()));
        expect([...table.endTime]).toEqual([0, 1, 2].map((i) => shot(i).endTime.getTime()));
        expect(table.parameters).toEqual({
          x: [0, 1, 2],
          q: [{ magnitude: 1, unit: 'MHz' }, null, null],
          late: [null, null, true],
        });
        expect(table.data).toEqual({
          counts: [7, null, null],
          fit: [null, { a: 1 }, null],
          'counter\\counts': [null, null, 20],
        });
        const some = (
          await storage.readShotTable(p('\\s'), {
            parameters: ['late', 'absent'],
            labels: ['fit', 'arr'],
          })
        ).unwrap();
        expect(Object.keys(some.parameters)).toEqual(['late', 'absent']);
        expect(some.parameters).toEqual({ late: [null, null, true], absent: [null, null, null] });
        expect(some.data).toEqual({ fit: [null, { a: 1 }, null], arr: [null, null, null] });
        const none = (
          await storage.readShotTable(p('\\s'), { parameters: [], labels: [] })
        ).unwrap();
        expect(none.parameters).toEqual({});
        expect(none.data).toEqual({});
        expect(none.index.length).toBe(3);
      });

      it('reads an empty table for a sequence without shots', async () => {
        (await storage.createSequence(p('\\s'), draft())).unwrap();
        const table = (await storage.readShotTable(p('\\s'))).unwrap();
        expect(table.index.length).toBe(0);
        expect(table.parameters).toEqual({});
        expectStorageError(await storage.readShotTable(p('\\nope')), PathNotFoundError);
      });

      it('gives readers complete shots while another storage writes them', async () => {
        const writer = await another();
        await running(storage, p('\\s'), null);
        const labels = ['a', 'b', 'c\\img'];
        const make = (i: number) =>
          shot(i, {
            data: {
              a: i,
              b: { i },
              'c\\img': new NDArray('uint32', [64, 64], new Uint32Array(4096).fill(i)),
            },
          });
        let done = false;
        const writing = (async () => {
          try {
            for (let i = 0; i < 40 && !done; i++) {
              (await writer.createShot(p('\\s'), make(i))).unwrap();
            }
          } finally {
            done = true;
          }
        })();
        const checkVisibleShots = async () => {
          const indices = (await storage.shotIndices(p('\\s'))).unwrap();
          for (const index of indices) {
            const data = (await storage.getAllShotData(p('\\s'), index)).unwrap();
            expect(Object.keys(data)).toEqual(labels);
            expect(data.b).toEqual({ i: index });
            expect((data['c\\img'] as NDArray<'uint32'>).data.every((v) => v === index)).toBe(true);
          }
          const table = (await storage.readShotTable(p('\\s'))).unwrap();
          expect(table.data.a ?? []).toEqual([...table.index]);
          return indices.length;
        };
        try {
          while (!done) {
            await checkVisibleShots();
            await new Promise((resolve) => setImmediate(resolve));
          }
        } finally {
          done = true;
          await writing;
        }
        expect(await checkVisibleShots()).toBe(40);
      });

      if (fixture.corruptShotParameters) {
        const corrupt = fixture.corruptShotParameters.bind(fixture);
        it('reports unreadable stored content as InvalidStorageDataError, naming the shot', async () => {
          await running(storage, p('\\s'));
          (await storage.createShot(p('\\s'), shot(0))).unwrap();
          (await storage.createShot(p('\\s'), shot(1))).unwrap();
          await corrupt(storage, p('\\s'), 1);
          await expect(storage.getShot(p('\\s'), 1)).rejects.toMatchObject({
            code: InvalidStorageDataError.code,
            location: { sequence: '\\s', shot: 1 },
          });
          await expect(storage.readShotTable(p('\\s'))).rejects.toBeInstanceOf(
            InvalidStorageDataError,
          );
          expect((await storage.getShot(p('\\s'), 0)).unwrap().index).toBe(0);
        });
      }
    });

    describe('lab-wide settings', () => {
      it('has empty globals until they are set, then the last ones set', async () => {
        expect(await storage.getGlobals()).toEqual([]);
        (await storage.setGlobals(GLOBALS)).unwrap();
        expect(await storage.getGlobals()).toEqual(GLOBALS);
        const next = [{ name: 'n', value: '3' }];
        (await storage.setGlobals(next)).unwrap();
        expect(await storage.getGlobals()).toEqual(next);
        expectStorageError(await storage.setGlobals([NaN] as never), InvalidStorageDataError);
        expect(await storage.getGlobals()).toEqual(next);
      });

      it('keeps default device configurations by name, sorted', async () => {
        expect(await storage.listDeviceConfigurations()).toEqual([]);
        (await storage.setDeviceConfiguration(DEVICES[1]!)).unwrap();
        (await storage.setDeviceConfiguration(DEVICES[0]!)).unwrap();
        expect(await storage.listDeviceConfigurations()).toEqual(DEVICES);
        const replaced = { ...DEVICES[0]!, configuration: { exposure: 0.002 } };
        (await storage.setDeviceConfiguration(replaced)).unwrap();
        expect((await storage.getDeviceConfiguration('cam')).unwrap()).toEqual(replaced);
        (await storage.deleteDeviceConfiguration('cam')).unwrap();
        expect((await storage.listDeviceConfigurations()).map((d) => d.name)).toEqual(['seq']);
        const missing = expectStorageError(
          await storage.getDeviceConfiguration('cam'),
          DeviceConfigurationNotFoundError,
        );
        expect(missing.location.device).toBe('cam');
        expectStorageError(
          await storage.deleteDeviceConfiguration('cam'),
          DeviceConfigurationNotFoundError,
        );
      });

      it('refuses invalid device configurations', async () => {
        for (const bad of [
          { name: '', type: 't', configuration: {} },
          { name: 'd', type: '', configuration: {} },
          { name: 'd', type: 't', configuration: { x: NaN } },
          { name: 'd', type: 't', configuration: new Map() },
        ]) {
          expectStorageError(
            await storage.setDeviceConfiguration(bad as never),
            InvalidStorageDataError,
          );
        }
        expect(await storage.listDeviceConfigurations()).toEqual([]);
      });
    });

    describeRunOwnership({
      api: testApi(),
      locks: fixture.locks ?? 'lease',
      storage: () => storage,
      another: (of?: SessionStorage) => another(of),
    });

    describe('copyPath', () => {
      async function populate(source: SessionStorage) {
        const old = new Date('2019-05-06T07:08:09.010Z');
        (await source.createPath(p('\\lab'), { createdAt: old })).unwrap();
        (
          await source.createPath(p('\\lab\\empty'), {
            createdAt: new Date('2019-06-01T00:00:00.000Z'),
          })
        ).unwrap();
        (await source.createSequence(p('\\lab\\draft'), draft(4), { createdAt: old })).unwrap();
        await running(source, p('\\lab\\mot\\done'), 3);
        for (const i of [0, 1, 2])
          (await source.createShot(p('\\lab\\mot\\done'), shot(i))).unwrap();
        (
          await source.setFinished(p('\\lab\\mot\\done'), new Date('2024-05-06T08:00:00.001Z'))
        ).unwrap();
        await running(source, p('\\lab\\mot\\crashed'), 3);
        (await source.createShot(p('\\lab\\mot\\crashed'), shot(0))).unwrap();
        (
          await source.addSequenceEvent(
            p('\\lab\\mot\\crashed'),
            event('suspender-tripped', { value: 1 }),
          )
        ).unwrap();
        (
          await source.setCrashed(
            p('\\lab\\mot\\crashed'),
            SUMMARY,
            new Date('2024-05-06T08:00:01.002Z'),
          )
        ).unwrap();
        await bringTo(source, p('\\lab\\stopped early'), 'preparing');
        (
          await source.setInterrupted(
            p('\\lab\\stopped early'),
            new Date('2024-05-06T08:00:02.003Z'),
          )
        ).unwrap();
      }

      it('copies a subtree with dates, states, times, snapshots, errors and shots', async () => {
        await populate(storage);
        const destination = await fresh();
        const copied = (await copyPath(storage, destination, p('\\lab'))).unwrap();
        expect(copied.map(String).sort()).toEqual(
          [
            '\\lab\\draft',
            '\\lab\\mot\\crashed',
            '\\lab\\mot\\done',
            '\\lab\\stopped early',
          ].sort(),
        );
        for (const path of ['\\lab', '\\lab\\empty', '\\lab\\mot', '\\lab\\draft']) {
          expect((await destination.creationDate(p(path))).unwrap(), path).toEqual(
            (await storage.creationDate(p(path))).unwrap(),
          );
        }
        for (const path of copied) {
          expect((await destination.getSequence(path)).unwrap(), path.toString()).toEqual(
            (await storage.getSequence(path)).unwrap(),
          );
          const events = (await storage.sequenceEvents(path)).unwrap();
          expect(
            (await destination.sequenceEvents(path)).unwrap().map(({ id: _, ...e }) => e),
          ).toEqual(events.map(({ id: _, ...e }) => e));
          for (const index of (await storage.shotIndices(path)).unwrap()) {
            expect((await destination.getShot(path, index)).unwrap()).toEqual(
              (await storage.getShot(path, index)).unwrap(),
            );
            const data = (await destination.getAllShotData(path, index)).unwrap();
            const original = (await storage.getAllShotData(path, index)).unwrap();
            expect(
              (data['cam\\picture'] as NDArray).equals(original['cam\\picture'] as NDArray),
            ).toBe(true);
            expect(data['counter\\counts']).toEqual(original['counter\\counts']);
          }
        }
        expect((await destination.getSequence(p('\\lab\\draft'))).unwrap().state).toBe('draft');
      });

      it('copies a single sequence into a new tree, creating its parents with their dates', async () => {
        await populate(storage);
        const destination = await fresh();
        (await copyPath(storage, destination, p('\\lab\\mot\\done'))).unwrap();
        expect((await destination.sequencesUnder(SequencePath.root)).unwrap().map(String)).toEqual([
          '\\lab\\mot\\done',
        ]);
        expect((await destination.creationDate(p('\\lab'))).unwrap()).toEqual(
          (await storage.creationDate(p('\\lab'))).unwrap(),
        );
        expect((await destination.getStats(p('\\lab\\mot\\done'))).unwrap().completedShots).toBe(3);
      });

      it('refuses a missing source, even when the destination path exists', async () => {
        const destination = await fresh();
        (await destination.createPath(p('\\x'))).unwrap();
        expectStorageError(await copyPath(storage, destination, p('\\x')), PathNotFoundError);
      });

      it('refuses a running or preparing source, writing nothing', async () => {
        await bringTo(storage, p('\\lab\\a'), 'finished');
        await bringTo(storage, p('\\lab\\b'), 'preparing');
        const destination = await fresh();
        expectStorageError(await copyPath(storage, destination, p('\\lab')), SequenceRunningError);
        expect(await destination.pathExists(p('\\lab'))).toBe(false);
      });

      it('refuses to copy onto an existing sequence or onto a folder with children', async () => {
        (await storage.createSequence(p('\\s'), draft())).unwrap();
        const destination = await fresh();
        (await destination.createSequence(p('\\s'), draft())).unwrap();
        expectStorageError(await copyPath(storage, destination, p('\\s')), PathIsSequenceError);
        const other = await fresh();
        (await other.createPath(p('\\s\\child'))).unwrap();
        expectStorageError(await copyPath(storage, other, p('\\s')), PathHasChildrenError);
      });
    });

    describe("the lab server's queue, audit log and tokens", () => {
      const submitted = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
      const run = (id: string, sequence = '\\s') => ({
        id,
        sequence,
        submittedBy: 'alice',
        submittedAt: submitted,
        options: { reset: false, note: 'scan' },
      });

      it('queues runs last, in submission order, and keeps what was submitted', async () => {
        const first = (await storage.enqueueRun(run('a'))).unwrap();
        (await storage.enqueueRun(run('b', '\\t'))).unwrap();
        expect(first).toMatchObject({ id: 'a', state: 'queued', startedAt: null, error: null });
        const listed = await storage.listQueuedRuns();
        expect(listed.map((r) => r.id)).toEqual(['a', 'b']);
        expect(listed[1]).toMatchObject({
          sequence: '\\t',
          submittedBy: 'alice',
          submittedAt: submitted,
          options: { reset: false, note: 'scan' },
        });
        expect(listed[0]!.position).toBeLessThan(listed[1]!.position);
      });

      it('changes states with times and errors, and filters by state', async () => {
        (await storage.enqueueRun(run('a'))).unwrap();
        (await storage.enqueueRun(run('b'))).unwrap();
        const started = new Date(submitted.getTime() + 1000);
        const ended = new Date(submitted.getTime() + 2000);
        (await storage.updateQueuedRun('a', { state: 'running', startedAt: started })).unwrap();
        const crashed = (
          await storage.updateQueuedRun('a', {
            state: 'crashed',
            endedAt: ended,
            error: { type: 'X', message: 'boom', recoverable: true, code: 'X' },
          })
        ).unwrap();
        expect(crashed).toMatchObject({ state: 'crashed', startedAt: started, endedAt: ended });
        expect(crashed.error).toMatchObject({ message: 'boom', code: 'X' });
        expect((await storage.listQueuedRuns(['queued'])).map((r) => r.id)).toEqual(['b']);
        expect((await storage.listQueuedRuns(['crashed', 'queued'])).length).toBe(2);
        expect((await storage.updateQueuedRun('missing', { state: 'cancelled' })).ok).toBe(false);
      });

      it('reorders runs, all or nothing', async () => {
        for (const id of ['a', 'b', 'c']) (await storage.enqueueRun(run(id))).unwrap();
        (await storage.reorderQueuedRuns(['c', 'a', 'b'])).unwrap();
        expect((await storage.listQueuedRuns()).map((r) => r.id)).toEqual(['c', 'a', 'b']);
        const refused = await storage.reorderQueuedRuns(['b', 'nope', 'a']);
        expect(refused.ok).toBe(false);
        expect((await storage.listQueuedRuns()).map((r) => r.id)).toEqual(['c', 'a', 'b']);
        (await storage.enqueueRun(run('d'))).unwrap();
        expect((await storage.listQueuedRuns()).map((r) => r.id)).toEqual(['c', 'a', 'b', 'd']);
      });

      it('keeps the queue for the next handle on the same database', async () => {
        (await storage.enqueueRun(run('a'))).unwrap();
        const other = await another();
        expect((await other.listQueuedRuns()).map((r) => r.id)).toEqual(['a']);
      });

      it('appends to the audit log in order and reads it in pages', async () => {
        for (const action of ['queue.submit', 'globals.set', 'queue.cancel']) {
          (
            await storage.appendAuditEntry({
              time: submitted,
              actor: 'bob',
              action,
              target: action === 'globals.set' ? null : 'run-1',
              details: { n: 1 },
            })
          ).unwrap();
        }
        const all = await storage.readAuditLog();
        expect(all.map((e) => e.action)).toEqual(['queue.submit', 'globals.set', 'queue.cancel']);
        expect(all[1]).toMatchObject({
          actor: 'bob',
          target: null,
          details: { n: 1 },
          time: submitted,
        });
        const page = await storage.readAuditLog({ afterId: all[0]!.id, limit: 1 });
        expect(page.map((e) => e.action)).toEqual(['globals.set']);
      });

      it('stores token records, replaces them by id and deletes them', async () => {
        const token = {
          id: 'k1',
          user: 'alice',
          scopes: ['read', 'run'],
          salt: '00ff',
          hash: 'abcd',
          createdAt: submitted,
        };
        await storage.saveApiToken(token);
        await storage.saveApiToken({ ...token, id: 'k2', user: 'bob' });
        await storage.saveApiToken({ ...token, scopes: ['read'] });
        const listed = await storage.listApiTokens();
        expect(listed).toEqual([
          { ...token, scopes: ['read'] },
          { ...token, id: 'k2', user: 'bob' },
        ]);
        expect(await storage.deleteApiToken('k1')).toBe(true);
        expect(await storage.deleteApiToken('k1')).toBe(false);
        expect((await storage.listApiTokens()).map((t) => t.id)).toEqual(['k2']);
      });
    });
  });
}
