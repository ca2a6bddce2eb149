import type { Parameters } from '../../parameters/index.js';
import { deferred, type Deferred } from './deferred.js';

/** A shot to run: its index in the sequence and its parameters. */
export interface PlannedShot {
  readonly index: number;
  readonly parameters: Parameters;
}

/** What a {@link ShotSource} has now. */
export type ShotSourceState = PlannedShot | 'wait' | 'done';

/**
 * Where the shots of a run come from, in index order: the iteration walked lazily (skipping the
 * shots a continued run already stored), or the shots asked for one by one in a closed loop.
 */
export interface ShotSource {
  /**
   * The next shot if one is ready, `wait` when more may come later, `done` when there are no more.
   * Throws when the iteration cannot be walked (the error of the shot it was walking to).
   */
  next(): ShotSourceState;
  /** The index the next shot would have (for errors of the walk, and the `paused` event). */
  readonly nextIndex: number;
  /** Resolves when {@link next} may give something other than `wait`. */
  whenReady(): Promise<void>;
}

/**
 * The shots of an iteration walk, in order; `skip` are the indices a continued run already stored
 * (verified beforehand): they are walked over and not run again.
 */
export class WalkedShots implements ShotSource {
  private index = 0;
  private done = false;

  private readonly skip: (index: number) => boolean;

  constructor(
    walk: Iterator<Parameters>,
    skip?: ReadonlySet<number> | ((index: number) => boolean),
  ) {
    this.walk = walk;
    this.skip =
      skip === undefined ? () => false : typeof skip === 'function' ? skip : (i) => skip.has(i);
  }

  private readonly walk: Iterator<Parameters>;

  get nextIndex(): number {
    return this.index;
  }

  next(): ShotSourceState {
    for (;;) {
      if (this.done) return 'done';
      const step = this.walk.next();
      if (step.done) {
        this.done = true;
        return 'done';
      }
      const index = this.index;
      this.index += 1;
      if (!this.skip(index)) return { index, parameters: step.value };
    }
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Shots asked for one at a time (a closed loop): `push` adds one, `end` says no more will come.
 * Indices follow from `firstIndex`.
 */
export class RequestedShots implements ShotSource {
  private readonly queue: PlannedShot[] = [];
  private ended = false;
  private ready: Deferred<void> | undefined;
  private index: number;

  constructor(firstIndex = 0) {
    this.index = firstIndex;
  }

  get nextIndex(): number {
    return this.queue[0]?.index ?? this.index;
  }

  /** Adds a shot; returns its index. */
  push(parameters: Parameters): number {
    const index = this.index;
    this.index += 1;
    this.queue.push({ index, parameters });
    this.wake();
    return index;
  }

  /** No more shots will come. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  next(): ShotSourceState {
    const shot = this.queue.shift();
    if (shot) return shot;
    return this.ended ? 'done' : 'wait';
  }

  whenReady(): Promise<void> {
    if (this.queue.length > 0 || this.ended) return Promise.resolve();
    this.ready ??= deferred();
    return this.ready.promise;
  }

  private wake(): void {
    const ready = this.ready;
    this.ready = undefined;
    ready?.resolve();
  }
}
