import type { PoolClient } from 'pg';
import {
  type EncodedLockRequest,
  type StorageOutcome,
  type StoredLockRow,
  lockConflict,
  lockRowsToCheck,
  storageFailure as failure,
  storageSuccess as success,
} from '@shotline/core';

/**
 * The resource locks as lease rows (`resource_locks`), inside the transaction opened by the backend
 * (SERIALIZABLE: two holders racing for one resource cannot both get it; the loser is retried and
 * then refused). Who may take a lock is decided by core's `lockConflict`, like in every backend.
 */
export class LockQueries {
  constructor(private readonly client: PoolClient) {}

  /** The lock rows of these resources (`'all'`: every row), sorted by resource. */
  async rows(resources: readonly string[] | 'all'): Promise<StoredLockRow[]> {
    const result =
      resources === 'all'
        ? await this.client.query<StoredLockRow>('SELECT * FROM resource_locks ORDER BY resource')
        : await this.client.query<StoredLockRow>(
            'SELECT * FROM resource_locks WHERE resource = ANY($1::text[]) ORDER BY resource',
            [resources],
          );
    return result.rows;
  }

  /** Takes the locks of a request, all or none, replacing lapsed rows and rows of gone holders. */
  async acquire(
    request: EncodedLockRequest,
    isGone: (row: StoredLockRow) => boolean,
  ): Promise<StorageOutcome<void>> {
    const rows = await this.rows(lockRowsToCheck(request.resources));
    const conflict = lockConflict(request.resources, request.holderId, rows, request.now, isGone);
    if (conflict)
      return failure({ kind: 'resourceBusy', resource: conflict.resource, row: conflict });
    await this.client.query('DELETE FROM resource_locks WHERE resource = ANY($1::text[])', [
      request.resources,
    ]);
    await this.client.query(
      `INSERT INTO resource_locks
         (resource, holder_id, holder, sequence, acquired_at, renewed_at, expires_at)
       SELECT r, $2, $3, $4, $5, $5, $6 FROM unnest($1::text[]) AS r`,
      [
        request.resources,
        request.holderId,
        request.holder,
        request.sequence,
        new Date(request.now),
        new Date(request.expiresAt),
      ],
    );
    return success(undefined);
  }

  /** Extends the holder's locks; `lockLost` names one that is no longer the holder's. */
  async renew(
    holderId: string,
    resources: readonly string[],
    now: number,
    expiresAt: number,
  ): Promise<StorageOutcome<void>> {
    const renewed = await this.client.query<{ resource: string }>(
      `UPDATE resource_locks SET renewed_at = $3, expires_at = $4
       WHERE holder_id = $1 AND resource = ANY($2::text[]) RETURNING resource`,
      [holderId, resources, new Date(now), new Date(expiresAt)],
    );
    const kept = new Set(renewed.rows.map((r) => r.resource));
    const lost = resources.find((r) => !kept.has(r));
    return lost === undefined ? success(undefined) : failure({ kind: 'lockLost', resource: lost });
  }

  /** Removes the holder's locks on these resources (`'all'`: all of them). */
  async release(
    holderId: string,
    resources: readonly string[] | 'all',
  ): Promise<StorageOutcome<void>> {
    if (resources === 'all') {
      await this.client.query('DELETE FROM resource_locks WHERE holder_id = $1', [holderId]);
    } else {
      await this.client.query(
        'DELETE FROM resource_locks WHERE holder_id = $1 AND resource = ANY($2::text[])',
        [holderId, resources],
      );
    }
    return success(undefined);
  }
}
