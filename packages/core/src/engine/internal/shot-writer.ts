import { performance } from 'node:perf_hooks';
import type { ShotlineEventBus } from '../../events/index.js';
import type { SequencePath } from '../../path/index.js';
import type { SessionStorage, ShotInput } from '../../storage/index.js';
import { ShotStorageError } from '../engine-errors.js';
import { deferred, type Deferred } from './deferred.js';
import { formatIndexRanges } from './index-ranges.js';

/** Options of a {@link ShotWriter}. */
export interface ShotWriterOptions {
  /** Shots accepted but not yet committed before `push` waits (back-pressure). */
  readonly capacity: number;
  /** Most shots written in one storage transaction when several are waiting. */
  readonly batchMax: number;
  readonly events: ShotlineEventBus;
  readonly expectedShots: number | null;
  /** Shots stored before this writer (a continued run): counted in the `shot-stored` events. */
  readonly alreadyStored?: number;
}

/**
 * Stores the shots of a running sequence in the background, in index order: the engine hands over a
 * shot and goes on with the next one while storage commits it. At most `capacity` shots wait; beyond
 * that `push` waits (back-pressure), so memory stays bounded when storage is slow. Several waiting
 * shots are written in one transaction.
 *
 * The first failure (a thrown error or a refused write) stops the writer at once: `failed` aborts
 * so the engine starts no further shot, nothing more is written, and `push` and `flush` throw it.
 * What it reports as stored is what the storage holds: after a failure it reads the stored indices
 * back, so a batch that was committed although its write reported an error (a connection lost
 * after the commit) is counted, and every shot handed over but not stored is named by
 * {@link failureWithOutcome}.
 */
export class ShotWriter {
  private readonly queue: ShotInput[] = [];
  private readonly handed: number[] = [];
  private readonly committed = new Set<number>();
  private readonly halt = new AbortController();
  private inFlight = 0;
  private pumping = false;
  private failure: ShotStorageError | undefined;
  private space: Deferred<void> | undefined;
  private idle: Deferred<void> | undefined;
  private warnedSlow = false;

  constructor(
    private readonly storage: SessionStorage,
    private readonly path: SequencePath,
    private readonly options: ShotWriterOptions,
  ) {}

  /** Shots committed so far by this writer. */
  get stored(): number {
    return this.committed.size;
  }

  /** Aborted, with the storage error as its reason, at the first failed write. */
  get failed(): AbortSignal {
    return this.halt.signal;
  }

  /** The storage failure, if storing failed. */
  get error(): ShotStorageError | undefined {
    return this.failure;
  }

  /**
   * Accepts a shot for storage; waits while the buffer is full. Throws the storage failure if a
   * write failed (the shot is then not stored, and is named as such).
   */
  async push(shot: ShotInput): Promise<void> {
    this.handed.push(shot.index);
    while (!this.failure && this.queue.length + this.inFlight >= this.options.capacity) {
      if (!this.warnedSlow) {
        this.warnedSlow = true;
        this.options.events.emit({
          type: 'log',
          level: 'warn',
          sequence: this.path.toString(),
          message:
            'storage is slower than the experiment: shots now wait for storage before the next one runs',
        });
      }
      this.space ??= deferred();
      await this.space.promise;
    }
    if (this.failure) throw this.failure;
    this.queue.push(shot);
    if (!this.pumping) void this.pump();
  }

  /** Waits until every accepted shot is committed; throws the storage failure, if any. */
  async flush(): Promise<void> {
    while (this.pumping || (!this.failure && this.queue.length > 0)) {
      this.idle ??= deferred();
      await this.idle.promise;
    }
    if (this.failure) throw this.failure;
  }

  /**
   * After a failure and {@link flush}: the failure, with the shots that ran but are not stored and
   * those that are, so that what is reported is exactly what the storage holds.
   */
  failureWithOutcome(): ShotStorageError | undefined {
    const failure = this.failure;
    if (!failure) return undefined;
    const lost = this.handed.filter((i) => !this.committed.has(i));
    const kept = [...this.committed].sort((a, b) => a - b);
    const stored =
      `${kept.length} shot${kept.length === 1 ? '' : 's'}` +
      `${kept.length > 0 ? ` (${formatIndexRanges(kept)})` : ''} ${kept.length === 1 ? 'is' : 'are'} stored`;
    const outcome =
      lost.length === 0
        ? `every shot that ran is stored: ${stored}`
        : `${lost.length === 1 ? 'shot' : 'shots'} ${formatIndexRanges(lost)} ran but ` +
          `${lost.length === 1 ? 'is' : 'are'} not stored; ${stored}`;
    return new ShotStorageError(`${failure.detail}; ${outcome}`, {
      cause: failure.cause,
      location: failure.location,
    });
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.failure) {
        const batch = this.queue.splice(0, this.options.batchMax);
        this.inFlight = batch.length;
        const started = performance.now();
        try {
          const result =
            batch.length === 1
              ? await this.storage.createShot(this.path, batch[0]!)
              : await this.storage.createShots(this.path, batch);
          if (!result.ok) throw result.error;
        } catch (e) {
          await this.fail(batch, e);
          break;
        } finally {
          this.inFlight = 0;
        }
        this.commit(batch, performance.now() - started);
        this.release();
      }
    } finally {
      this.pumping = false;
      this.release();
      const idle = this.idle;
      this.idle = undefined;
      idle?.resolve();
    }
  }

  private commit(batch: readonly ShotInput[], storeMs: number): void {
    for (const shot of batch) {
      this.committed.add(shot.index);
      this.options.events.emit({
        type: 'shot-stored',
        sequence: this.path.toString(),
        index: shot.index,
        storeMs,
        storedShots: (this.options.alreadyStored ?? 0) + this.committed.size,
        expectedShots: this.options.expectedShots,
      });
    }
  }

  /** Records the first failure, stops everything, then finds out whether the batch was stored. */
  private async fail(batch: readonly ShotInput[], cause: unknown): Promise<void> {
    const first = batch[0]!.index;
    const last = batch[batch.length - 1]!.index;
    this.failure = new ShotStorageError(
      `could not store shot${batch.length > 1 ? `s ${first}-${last}` : ` ${first}`} in ` +
        `${this.storage.kind} storage ${this.storage.location}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, location: { sequence: this.path.toString(), shot: first } },
    );
    this.halt.abort(this.failure);
    this.release();
    // A write reported as failed may still have committed (the answer was lost with the
    // connection): read back what is there, so nothing stored is reported missing.
    try {
      const stored = await this.storage.shotIndices(this.path);
      if (stored.ok) {
        const present = new Set(stored.value);
        const landed = batch.filter((s) => present.has(s.index));
        if (landed.length > 0) this.commit(landed, 0);
      }
    } catch {
      // The storage cannot even be read: the batch is reported as not stored.
    }
  }

  private release(): void {
    const space = this.space;
    this.space = undefined;
    space?.resolve();
  }
}
