import type Database from 'better-sqlite3';
import type { CheckpointSignals } from './checkpoint-signals.js';
import { type WalIndex, walFrameBytes } from './wal-index.js';

// The checkpointer's loop. In WAL mode every commit appends to `<database>-wal`; a checkpoint syncs
// the WAL (with durability normal or full), copies its frames into the database file and syncs that.
// SQLite normally runs one inside a commit every 1000 pages, which stalls the writer for the copy
// and both syncs. Here the writer never checkpoints: this loop, on its own connection in its own
// worker thread, copies the WAL while the writer keeps appending to it.

/** When the checkpointer copies the WAL into the database, and how large the WAL may grow. */
export interface CheckpointPolicy {
  /** Copy as soon as this many bytes of the WAL are not yet in the database. */
  batchBytes: number;
  /**
   * Hold the writer back when the WAL reaches this size, until the checkpointer has copied all of
   * it; the writer's next commit then starts the WAL again from its beginning.
   */
  walLimitBytes: number;
  /**
   * Copy committed transactions at least this often, which also syncs them to disk: with durability
   * `normal` this bounds what a power cut can lose to about this much time of commits.
   */
  intervalMs: number;
  /** Copy everything once the writer has been quiet this long, so the WAL restarts small. */
  idleMs: number;
  /** Truncate the WAL file to zero bytes once the writer has been quiet this long. */
  truncateAfterMs: number;
}

/** The defaults of {@link CheckpointPolicy}. */
export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  batchBytes: 32 * 2 ** 20,
  walLimitBytes: 1024 * 2 ** 20,
  intervalMs: 1000,
  idleMs: 100,
  truncateAfterMs: 5000,
};

/** Wait after a checkpoint that could not copy anything (a reader holds old frames) before retrying. */
const RETRY_BLOCKED_MS = 50;

type CheckpointMode = 'PASSIVE' | 'TRUNCATE';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * Runs the checkpoints of one database until `signals.closing()`; then copies what it can one last
 * time and returns. PASSIVE checkpoints never wait for a lock and never block the writer; the WAL
 * file is truncated (TRUNCATE, without waiting either) only after the writer has been quiet for
 * {@link CheckpointPolicy.truncateAfterMs}.
 */
export function runCheckpointer(
  db: Database.Database,
  index: WalIndex,
  signals: CheckpointSignals,
  policy: CheckpointPolicy,
  now: () => number = () => performance.now(),
): void {
  let wakes = signals.wakes();
  let lastActivity = now();
  let lastPass = lastActivity;
  let blockedUntil = 0;
  let truncated = false;

  const checkpoint = (mode: CheckpointMode): CheckpointRow => {
    const started = now();
    const [row] = db.pragma(`wal_checkpoint(${mode})`) as CheckpointRow[];
    const copied = row !== undefined && row.busy === 0 && row.checkpointed > 0;
    signals.passDone(copied, now() - started);
    return row ?? { busy: 1, log: -1, checkpointed: -1 };
  };

  for (;;) {
    const closing = signals.closing();
    const wal = index.read();
    const pending = wal === undefined ? 0 : wal.frames - wal.backfilled;
    const t = now();
    if (closing) {
      if (pending > 0 && !signals.abandoned()) checkpoint('PASSIVE');
      return;
    }
    if (pending > 0 && t >= blockedUntil) {
      const due =
        signals.writerWaiting() ||
        pending * walFrameBytes(wal!.pageSize) >= policy.batchBytes ||
        t - lastPass >= policy.intervalMs ||
        t - lastActivity >= policy.idleMs;
      if (due) {
        const row = checkpoint('PASSIVE');
        lastPass = now();
        // Frames it saw but could not copy are held by a reader (or another checkpoint runs).
        if (row.busy !== 0 || row.checkpointed < row.log)
          blockedUntil = lastPass + RETRY_BLOCKED_MS;
        continue;
      }
    }
    if (!truncated && pending === 0 && t - lastActivity >= policy.truncateAfterMs) {
      const row = checkpoint('TRUNCATE');
      truncated = row.busy === 0;
      if (!truncated) lastActivity = t;
      continue;
    }
    let timeoutMs = Infinity;
    if (pending > 0) {
      timeoutMs = Math.max(
        blockedUntil - t,
        Math.min(policy.intervalMs - (t - lastPass), policy.idleMs - (t - lastActivity)),
      );
    } else if (!truncated) {
      timeoutMs = policy.truncateAfterMs - (t - lastActivity);
    }
    const woken = signals.waitForWake(wakes, Math.max(1, timeoutMs));
    if (woken !== wakes) {
      wakes = woken;
      lastActivity = now();
      truncated = false;
    }
  }
}
