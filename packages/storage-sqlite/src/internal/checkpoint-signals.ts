// Signals between the writer worker and its checkpointer worker, in shared memory so that neither
// needs its event loop to hear the other: the checkpointer sleeps in Atomics.wait until the writer
// commits, and a writer held back by a full WAL sleeps until a checkpoint ends.

const WAKES = 0; // bumped by the writer: a commit, a wait for room, closing
const PASSES = 1; // bumped by the checkpointer after each checkpoint
const WRITER_WAITING = 2; // 1 while the writer waits for room in the WAL
const CLOSING = 3; // 1 once the checkpointer should finish and end
const CHECKPOINTS = 4; // checkpoints that copied something
const CHECKPOINT_MS = 5; // time spent in those checkpoints
const WRITER_WAITS = 6; // times the writer was held back
const WRITER_WAITED_MS = 7; // time the writer was held back
const ENDED = 8; // 1 once the checkpointer has stopped (closed, or failed)
const ABANDON = 9; // 1: end without the last checkpoint (the disk is full)
const SLOTS = 10;

/** What the checkpointing did since the storage opened (for benchmarks and diagnostics). */
export interface CheckpointStats {
  /** Checkpoints that copied WAL frames into the database. */
  checkpoints: number;
  /** Milliseconds those checkpoints took (in the checkpointer, not on the writer's path). */
  checkpointMs: number;
  /** How many times the writer waited because the WAL had reached its limit. */
  writerWaits: number;
  /** Milliseconds the writer waited in total. */
  writerWaitedMs: number;
}

/** The shared counters and flags, over a SharedArrayBuffer both workers hold. */
export class CheckpointSignals {
  readonly buffer: SharedArrayBuffer;
  readonly #slots: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * 4)) {
    this.buffer = buffer;
    this.#slots = new Int32Array(buffer);
  }

  // ---- writer side -------------------------------------------------------------------------------

  /** Wakes the checkpointer (after a commit, or to tell it something). */
  wake(): void {
    Atomics.add(this.#slots, WAKES, 1);
    Atomics.notify(this.#slots, WAKES);
  }

  /** Marks the writer as held back (or not) and wakes the checkpointer. */
  setWriterWaiting(waiting: boolean): void {
    Atomics.store(this.#slots, WRITER_WAITING, waiting ? 1 : 0);
    this.wake();
  }

  /** Asks the checkpointer to copy what is left and end. */
  requestClose(): void {
    Atomics.store(this.#slots, CLOSING, 1);
    this.wake();
  }

  /**
   * Asks the checkpointer to end at once, without copying what is left (the disk is full: copying
   * would grow the database file into the space kept for recording how the run ended).
   */
  requestAbandon(): void {
    Atomics.store(this.#slots, ABANDON, 1);
    this.requestClose();
  }

  /** Sleeps until the checkpointer has ended, at most `timeoutMs`; returns whether it has. */
  waitForEnd(timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    while (!this.ended()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.#slots, PASSES, this.passes(), Math.min(left, 100));
    }
    return true;
  }

  /** Sleeps until a checkpoint ends after `passes`, at most `timeoutMs`. */
  waitForPass(passes: number, timeoutMs: number): void {
    Atomics.wait(this.#slots, PASSES, passes, timeoutMs);
  }

  /** Adds a wait of the writer to the statistics. */
  recordWriterWait(ms: number): void {
    Atomics.add(this.#slots, WRITER_WAITS, 1);
    Atomics.add(this.#slots, WRITER_WAITED_MS, Math.round(ms));
  }

  // ---- checkpointer side -------------------------------------------------------------------------

  /** Sleeps until the writer wakes it after `wakes`, at most `timeoutMs`; returns the new count. */
  waitForWake(wakes: number, timeoutMs: number): number {
    Atomics.wait(this.#slots, WAKES, wakes, timeoutMs);
    return this.wakes();
  }

  /** Records the end of a checkpoint and wakes a waiting writer. */
  passDone(copied: boolean, ms: number): void {
    if (copied) {
      Atomics.add(this.#slots, CHECKPOINTS, 1);
      Atomics.add(this.#slots, CHECKPOINT_MS, Math.round(ms));
    }
    Atomics.add(this.#slots, PASSES, 1);
    Atomics.notify(this.#slots, PASSES);
  }

  /** Records that the checkpointer stopped, and wakes a waiting writer. */
  markEnded(): void {
    Atomics.store(this.#slots, ENDED, 1);
    Atomics.add(this.#slots, PASSES, 1);
    Atomics.notify(this.#slots, PASSES);
  }

  // ---- both --------------------------------------------------------------------------------------

  wakes(): number {
    return Atomics.load(this.#slots, WAKES);
  }

  passes(): number {
    return Atomics.load(this.#slots, PASSES);
  }

  writerWaiting(): boolean {
    return Atomics.load(this.#slots, WRITER_WAITING) === 1;
  }

  ended(): boolean {
    return Atomics.load(this.#slots, ENDED) === 1;
  }

  closing(): boolean {
    return Atomics.load(this.#slots, CLOSING) === 1;
  }

  abandoned(): boolean {
    return Atomics.load(this.#slots, ABANDON) === 1;
  }

  stats(): CheckpointStats {
    return {
      checkpoints: Atomics.load(this.#slots, CHECKPOINTS),
      checkpointMs: Atomics.load(this.#slots, CHECKPOINT_MS),
      writerWaits: Atomics.load(this.#slots, WRITER_WAITS),
      writerWaitedMs: Atomics.load(this.#slots, WRITER_WAITED_MS),
    };
  }
}
