import type { SequencePath } from '../path/index.js';
import { sequenceResource } from './resource-locks.js';
import type { RunOwner } from './run-owner.js';
import type { SessionStorage } from './session-storage.js';

/**
 * Who runs a PREPARING, RUNNING or PAUSED sequence, and since when (`seq show`, a server's answer).
 */
export interface ActiveRun {
  readonly state: 'preparing' | 'running' | 'paused';
  readonly owner: RunOwner | null;
  /** When the run took the sequence (its lock), or started. */
  readonly since: Date | null;
  /** When the run last renewed its lock: when it was last seen alive. */
  readonly lastSeen: Date | null;
}

/**
 * Who runs a sequence that is PREPARING, RUNNING or PAUSED (a paused run keeps its devices open),
 * and since when (from its lock, else from the sequence); undefined for a sequence in any other
 * state.
 */
export async function activeRunOf(
  storage: SessionStorage,
  path: SequencePath,
): Promise<ActiveRun | undefined> {
  const record = (await storage.getSequence(path)).unwrap();
  if (record.state !== 'preparing' && record.state !== 'running' && record.state !== 'paused') {
    return undefined;
  }
  const lock = (await storage.listLocks()).find((l) => l.resource === sequenceResource(path));
  return {
    state: record.state,
    owner: lock?.holder ?? record.owner,
    since: lock?.acquiredAt ?? record.startTime,
    lastSeen: lock?.renewedAt ?? null,
  };
}
