import { performance } from 'node:perf_hooks';
import type { ShotlineEventBus } from '../../events/index.js';
import type { SequencePath } from '../../path/index.js';
import type { SessionStorage, ShotInput } from '../../storage/index.js';
import { ShotStorageError } from '../engine-errors.js';
import { deferred, type Deferred } from './deferred.js';

/** Options of a {@link ShotWriter}. */
export interface ShotWriterOptions {
  /** Shots accepted but not yet committed before `push` waits (back-pressure). */
  readonly capacity: number;
  /** Most shots written in one storage transaction when several are waiting. */
  readonly batchMax: number;
  readonly events: ShotlineEventBus;
  readonly expectedShots: number | null;
}

/**
 * Stores the shots of a running sequence in the background, in index order: the engine hands over a
 * shot and goes on with the next one while storage commits it. At most `capacity` shots wait; beyond
 * that `push` waits (back-pressure), so memory stays bounded when storage is slow. Several waiting
 * shots are written in one transaction. The first storage failure is kept and re-thrown by the next
 * `push` and by `flush`.
 */
export class ShotWriter {
  private readonly queue: ShotInput[] = [];
  private inFlight = 0;
  private pumping = false;
  private failure: Error | undefined;
  private space: Deferred<void> | undefined;
  private idle: Deferred<void> | undefined;
  private warnedSlow = false;
  /** Shots committed so far. */
  stored = 0;

  constructor(
    private readonly storage: SessionStorage,
    private readonly path: SequencePath,
    private readonly options: ShotWriterOptions,
  ) {}

  /** Accepts a shot for storage; waits while the buffer is full. Throws an earlier storage failure. */
  async push(shot: ShotInput): Promise<void> {
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
    while (!this.failure && (this.pumping || this.queue.length > 0)) {
      this.idle ??= deferred();
      await this.idle.promise;
    }
    if (this.failure) throw this.failure;
  }

  /** The storage failure, if storing failed. */
  get error(): Error | undefined {
    return this.failure;
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
          const first = batch[0]!.index;
          const last = batch[batch.length - 1]!.index;
          this.failure = new ShotStorageError(
            `could not store shot${batch.length > 1 ? `s ${first}-${last}` : ` ${first}`} in ` +
              `${this.storage.kind} storage ${this.storage.location}: ${e instanceof Error ? e.message : String(e)}`,
            { cause: e, location: { sequence: this.path.toString(), shot: first } },
          );
          break;
        } finally {
          this.inFlight = 0;
        }
        const storeMs = performance.now() - started;
        for (const shot of batch) {
          this.stored += 1;
          this.options.events.emit({
            type: 'shot-stored',
            sequence: this.path.toString(),
            index: shot.index,
            storeMs,
            storedShots: this.stored,
            expectedShots: this.options.expectedShots,
          });
        }
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

  private release(): void {
    const space = this.space;
    this.space = undefined;
    space?.resolve();
  }
}
