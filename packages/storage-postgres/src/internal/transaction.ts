import type { Pool, PoolClient } from 'pg';
import { StorageUnavailableError } from '@shotline/core';
import { isConnectionError, postgresStorageError } from './postgres-errors.js';

/** SQLSTATEs after which a transaction is simply run again: serialization failure, deadlock, a
 * unique violation caused by a concurrent insert of the same key. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const MAX_CONFLICT_ATTEMPTS = 40;

function isRetryable(e: unknown): boolean {
  return RETRYABLE.has((e as { code?: unknown })?.code as string);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How a transaction runs: `write` SERIALIZABLE; `read` REPEATABLE READ READ ONLY; `shots` READ
 * COMMITTED, for shot inserts, which lock their sequence row FOR SHARE instead: many shots of one
 * sequence can then commit concurrently (no serialization failures between them), while a state
 * change of the sequence waits for them, and they for it.
 */
export type TransactionMode = 'write' | 'read' | 'shots';

const BEGIN: Record<TransactionMode, string> = {
  write: 'BEGIN ISOLATION LEVEL SERIALIZABLE',
  read: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  shots: 'BEGIN ISOLATION LEVEL READ COMMITTED',
};

/** What an attempt of a transaction knows about the attempts before it. */
export interface TransactionAttempt {
  /**
   * An earlier attempt lost its connection while its COMMIT was on the way: it may have committed.
   * The operation must then accept finding its own effects (its shots stored, its state reached).
   */
  readonly afterUncertainCommit: boolean;
}

/** How {@link transaction} treats a lost database. */
export interface ConnectionPolicy {
  /** How long to keep retrying once the database cannot be reached, in milliseconds. */
  readonly reconnectWindowMs: number;
  /** The storage's location (no password), for messages. */
  readonly location: string;
}

/**
 * Gives a new pooled client an `'error'` listener for its whole life (the pool's `'connect'`
 * handler). A client checked out of the pool has none of the pool's (the pool removes its own while
 * the client is out), and `pg` emits the connection's failure on it ("Connection terminated
 * unexpectedly", 57P01 on a server restart) even while a query is pending: without a listener that
 * event would end the process. The failure itself reaches the pending query, or the next one.
 */
export function guardClient(client: { on(event: 'error', listener: () => void): unknown }): void {
  client.on('error', () => undefined);
}

/**
 * Runs `fn` in one transaction on a pooled connection (see {@link TransactionMode}).
 *
 * - Conflicts (serialization failures, deadlocks, a concurrent insert of the same key) are retried
 *   with back-off.
 * - A lost or refused connection (server restart, network cut, `57P01`, `ECONNREFUSED`...) is
 *   retried with back-off for `reconnectWindowMs`; then it throws a StorageUnavailableError naming
 *   the storage and the cause. A COMMIT whose answer was lost marks the next attempt
 *   `afterUncertainCommit` (see {@link TransactionAttempt}), so nothing is done twice.
 * - When `fn` returns a failed outcome the transaction rolls back, so nothing is half-written.
 */
export async function transaction<T extends { ok: boolean }>(
  pool: Pool,
  mode: TransactionMode,
  fn: (client: PoolClient, attempt: TransactionAttempt) => Promise<T>,
  policy: ConnectionPolicy,
): Promise<T> {
  let conflicts = 0;
  let lostSince: number | undefined;
  let lostDelayMs = 50;
  let uncertain = false;
  const waitForConnection = async (cause: unknown): Promise<void> => {
    lostSince ??= Date.now();
    if (Date.now() - lostSince >= policy.reconnectWindowMs) {
      throw new StorageUnavailableError(
        `the PostgreSQL storage ${policy.location} could not be reached for ${Math.round(policy.reconnectWindowMs / 1000)} s: ${(cause as Error).message ?? String(cause)}`,
        { cause },
      );
    }
    await sleep(lostDelayMs * (0.5 + Math.random()));
    lostDelayMs = Math.min(2000, lostDelayMs * 2);
  };
  for (;;) {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      if (!isConnectionError(e)) throw postgresStorageError(e, policy.location);
      await waitForConnection(e);
      continue;
    }
    let broken: Error | undefined;
    const onError = (e: Error) => {
      broken ??= e;
    };
    client.on('error', onError);
    let committing = false;
    try {
      await client.query(BEGIN[mode]);
      const result = await fn(client, { afterUncertainCommit: uncertain });
      committing = result.ok;
      await client.query(result.ok ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (e) {
      const lost = broken !== undefined || isConnectionError(e);
      if (!lost) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
      }
      if (lost) {
        broken ??= e as Error;
        if (committing) uncertain = true;
        await waitForConnection(e);
        continue;
      }
      if (!isRetryable(e) || ++conflicts >= MAX_CONFLICT_ATTEMPTS) {
        throw postgresStorageError(e, policy.location);
      }
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
    await sleep(Math.min(100, 2 ** Math.min(conflicts, 7)) * Math.random());
  }
}
