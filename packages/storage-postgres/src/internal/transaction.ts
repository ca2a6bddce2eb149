import type { PoolClient, Pool } from 'pg';

/** SQLSTATEs after which a transaction is simply run again: serialization failure, deadlock, a
 * unique violation caused by a concurrent insert of the same key. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 40;

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

/**
 * Runs `fn` in one transaction on a pooled connection (see {@link TransactionMode}); conflicts
 * (serialization failures, deadlocks, a concurrent insert of the same key) are retried with
 * back-off. When `fn` returns a failed outcome the transaction rolls back, so nothing is
 * half-written.
 */
export async function transaction<T extends { ok: boolean }>(
  pool: Pool,
  mode: TransactionMode,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(BEGIN[mode]);
      const result = await fn(client);
      await client.query(result.ok ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      if (!isRetryable(e) || attempt >= MAX_ATTEMPTS) throw e;
    } finally {
      client.release(broken);
    }
    await sleep(Math.min(100, 2 ** Math.min(attempt, 7)) * Math.random());
  }
}
