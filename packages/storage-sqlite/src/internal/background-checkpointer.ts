import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { type CheckpointStats, CheckpointSignals } from './checkpoint-signals.js';
import type { CheckpointerInit } from './checkpoint-worker.js';
import type { CheckpointPolicy } from './checkpointer.js';
import type { ConnectionSettings } from './connection.js';
import { WalIndex, walFrameBytes } from './wal-index.js';

/** Longest the writer waits for room in the WAL while checkpoints still make progress. */
const MAX_WAIT_MS = 60_000;
/** Checkpoints in a row that copy nothing before the writer stops waiting (a reader holds the WAL). */
const STALLED_PASSES = 2;
/** SQLite's own checkpoint interval, restored on the writer if the checkpointer fails. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * The writer worker's handle on its checkpointer worker (see checkpointer.ts), started at the first
 * commit: wakes it after each commit and, before each write, holds the writer back while the WAL is
 * at its limit (bounded WAL, back-pressure instead of unbounded growth). If the checkpointer fails,
 * the writer's connection checkpoints by itself again, as SQLite does by default.
 */
export class BackgroundCheckpointer {
  readonly #signals = new CheckpointSignals();
  readonly #index: WalIndex;
  readonly #walLimitBytes: number;
  readonly #start: () => Worker;
  #worker: Worker | undefined;
  #exited: Promise<unknown> = Promise.resolve();
  #failed = false;
  #diskFull = false;
  readonly #writer: Database.Database;
  /** Frames copied when the writer last stopped waiting because checkpoints made no progress. */
  #stalledAt: number | undefined;

  constructor(
    writer: Database.Database,
    file: string,
    settings: ConnectionSettings,
    policy: CheckpointPolicy,
  ) {
    this.#index = new WalIndex(file);
    this.#writer = writer;
    this.#walLimitBytes = policy.walLimitBytes;
    // After a restart the writer overwrites the WAL from its beginning: keeping the file (up to the
    // limit) reuses its pages instead of truncating and growing it again on every cycle. The
    // checkpointer truncates it once the writer is idle.
    writer.pragma(`journal_size_limit = ${Math.ceil(policy.walLimitBytes)}`);
    const init: CheckpointerInit = { file, settings, policy, signals: this.#signals.buffer };
    const fail = () => {
      if (this.#failed) return;
      this.#failed = true;
      if (writer.open && !this.#diskFull) {
        writer.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
      }
    };
    this.#start = () => {
      const script = fileURLToPath(new URL('./checkpoint-worker.js', import.meta.url));
      const worker = new Worker(script, { workerData: init });
      worker.unref();
      // Never rejects: a failed checkpointer ends with an 'error' event (handled by `fail`), and
      // `once` would otherwise reject with it, unobserved until close.
      this.#exited = once(worker, 'exit').catch(() => undefined);
      worker.on('error', fail);
      worker.on('exit', () => {
        if (!this.#signals.closing()) fail();
      });
      return worker;
    };
  }

  /** Starts the checkpointer thread the first time there is something to copy. */
  #started(): void {
    if (this.#worker === undefined) this.#worker = this.#start();
  }

  /** Tells the checkpointer that a transaction committed. */
  committed(): void {
    this.#started();
    this.#signals.wake();
  }

  /**
   * Blocks the writer (a worker thread: the main thread never waits here) while the WAL is at its
   * limit, until the checkpointer has copied all of it, so that the next commit restarts the WAL.
   * Stops waiting when checkpoints stop making progress (a reader still uses the old frames), and
   * does not wait again until they do, or after {@link MAX_WAIT_MS}: then the WAL grows past its
   * limit until the reader is done, as in plain SQLite.
   */
  waitForRoom(): void {
    if (this.#failed || this.#signals.ended()) return;
    const wal = this.#index.read();
    if (wal === undefined || wal.frames * walFrameBytes(wal.pageSize) < this.#walLimitBytes) return;
    // Still blocked by the same reader: waiting again would only slow every write down.
    if (this.#stalledAt === wal.backfilled) return;
    this.#stalledAt = undefined;
    this.#started();
    const started = performance.now();
    this.#signals.setWriterWaiting(true);
    try {
      let passes = this.#signals.passes();
      let backfilled = wal.backfilled;
      let stalled = 0;
      for (;;) {
        const now = this.#index.read();
        if (now === undefined || now.backfilled >= now.frames || this.#signals.ended()) return;
        if (now.frames * walFrameBytes(now.pageSize) < this.#walLimitBytes) return; // restarted
        if (performance.now() - started > MAX_WAIT_MS) return;
        const done = this.#signals.passes();
        if (done !== passes) {
          stalled = now.backfilled > backfilled ? 0 : stalled + 1;
          if (stalled >= STALLED_PASSES) {
            this.#stalledAt = now.backfilled;
            return;
          }
          passes = done;
          backfilled = now.backfilled;
        }
        this.#signals.waitForPass(passes, 100);
      }
    } finally {
      this.#signals.setWriterWaiting(false);
      this.#signals.recordWriterWait(performance.now() - started);
    }
  }

  /**
   * The disk is full: stops checkpointing for good (the checkpointer ends without its last copy,
   * and the writer never checkpoints either), so that no copy into the database file takes the
   * space freed to record how the run ended. The WAL keeps every commit; the next opener, once
   * there is room, copies it.
   */
  haltForDiskFull(): void {
    if (this.#diskFull) return;
    this.#diskFull = true;
    this.#failed = true;
    if (this.#writer.open) this.#writer.pragma('wal_autocheckpoint = 0');
    if (this.#worker === undefined) return;
    this.#signals.requestAbandon();
    this.#signals.waitForEnd(10_000);
  }

  /** What the checkpointing did so far. */
  stats(): CheckpointStats {
    return this.#signals.stats();
  }

  /**
   * Lets the checkpointer copy what is left and end (call after closing the writer's connection,
   * so that nothing is appended meanwhile).
   */
  async close(): Promise<void> {
    this.#signals.requestClose();
    await this.#exited; // resolved at once if the checkpointer never started
    this.#index.close();
  }
}
