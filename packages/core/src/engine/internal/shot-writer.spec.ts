import { describe, expect, it } from 'vitest';
import { ShotlineEventBus, type ShotStoredEvent } from '../../events/index.js';
import { SequencePath } from '../../path/index.js';
import { err, ok } from '../../result/index.js';
import type { SessionStorage, ShotInput } from '../../storage/index.js';
import { ShotStorageError } from '../engine-errors.js';
import { ShotWriter } from './shot-writer.js';

// Only the two shot-writing methods are exercised; the storage backends are tested for real by the
// conformance suite and the end-to-end tests in @shotline/testing.
function fakeStorage(
  fail: (indices: number[]) => Error | undefined,
  log: number[][],
  /** Throw this after "committing" the failing batch (its answer lost with the connection). */
  commitThenThrow?: Error,
): SessionStorage {
  const stored: number[] = [];
  const write = async (shots: ShotInput[]) => {
    await new Promise((r) => setTimeout(r, 1));
    const indices = shots.map((s) => s.index);
    log.push(indices);
    const error = fail(indices);
    if (error && commitThenThrow) {
      stored.push(...indices);
      throw commitThenThrow;
    }
    if (!error) stored.push(...indices);
    return error ? err(error) : ok();
  };
  return {
    kind: 'fake',
    location: 'here',
    createShot: (_p: SequencePath, shot: ShotInput) => write([shot]),
    createShots: (_p: SequencePath, shots: ShotInput[]) => write(shots),
    shotIndices: async () => ok([...stored]),
  } as unknown as SessionStorage;
}

const shot = (index: number): ShotInput => ({
  index,
  parameters: {},
  data: {},
  startTime: new Date(),
  endTime: new Date(),
  timing: {},
});

describe('the shot writer', () => {
  it('stores shots in order, batching those that wait, and reports each', async () => {
    const log: number[][] = [];
    const events = new ShotlineEventBus();
    const stored: ShotStoredEvent[] = [];
    events.on('shot-stored', (e) => stored.push(e));
    const writer = new ShotWriter(
      fakeStorage(() => undefined, log),
      SequencePath.parse('\\s'),
      {
        capacity: 4,
        batchMax: 3,
        events,
        expectedShots: 7,
      },
    );
    for (let i = 0; i < 7; i++) await writer.push(shot(i));
    await writer.flush();
    expect(log.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Math.max(...log.map((b) => b.length))).toBeLessThanOrEqual(3);
    expect(stored.map((e) => [e.index, e.storedShots, e.expectedShots])).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => [i, i + 1, 7]),
    );
  });

  it('keeps the first storage failure and throws it from push and flush', async () => {
    const writer = new ShotWriter(
      fakeStorage((indices) => (indices.includes(1) ? new Error('disk full') : undefined), []),
      SequencePath.parse('\\s'),
      { capacity: 1, batchMax: 1, events: new ShotlineEventBus(), expectedShots: null },
    );
    await writer.push(shot(0));
    await writer.push(shot(1));
    const error = await writer
      .push(shot(2))
      .then(() => writer.push(shot(3)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShotStorageError);
    expect((error as Error).message).toMatch(
      /could not store shot 1 in fake storage here: disk full \(sequence \\s, shot 1\)/,
    );
    await expect(writer.flush()).rejects.toBe(error);
    expect(writer.stored).toBe(1);
  });

  it('signals the first failure at once, and then names the shots stored and those not', async () => {
    const writer = new ShotWriter(
      fakeStorage((indices) => (indices.includes(2) ? new Error('disk full') : undefined), []),
      SequencePath.parse('\\s'),
      { capacity: 8, batchMax: 1, events: new ShotlineEventBus(), expectedShots: null },
    );
    const failed = new Promise((resolve) => writer.failed.addEventListener('abort', resolve));
    for (const i of [0, 1, 2, 3]) await writer.push(shot(i));
    await failed;
    expect(writer.failed.reason).toBe(writer.error);
    await expect(writer.push(shot(4))).rejects.toBe(writer.error);
    await expect(writer.flush()).rejects.toBe(writer.error);
    expect(writer.failureWithOutcome()?.message).toBe(
      'could not store shot 2 in fake storage here: disk full; shots 2-4 ran but are not stored; ' +
        '2 shots (0-1) are stored (sequence \\s, shot 2)',
    );
  }, 30_000);

  it('counts a batch that was committed although its write threw, as the storage shows', async () => {
    const events = new ShotlineEventBus();
    const stored: number[] = [];
    events.on('shot-stored', (e) => stored.push(e.index));
    const writer = new ShotWriter(
      fakeStorage(
        (indices) => (indices.includes(1) ? new Error('lost') : undefined),
        [],
        new Error('connection lost after the commit'),
      ),
      SequencePath.parse('\\s'),
      { capacity: 8, batchMax: 1, events, expectedShots: null },
    );
    await writer.push(shot(0));
    await writer.push(shot(1));
    await expect(writer.flush()).rejects.toThrow(/connection lost after the commit/);
    expect(stored).toEqual([0, 1]);
    expect(writer.stored).toBe(2);
    expect(writer.failureWithOutcome()?.message).toMatch(
      /connection lost after the commit; every shot that ran is stored: 2 shots \(0-1\) are stored/,
    );
  }, 30_000);
});
