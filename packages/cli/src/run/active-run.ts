import {
  type RunOwner,
  type SequencePath,
  type SessionStorage,
  describeRunOwner,
  sequenceResource,
} from '@shotline/core';

/** Who runs a PREPARING or RUNNING sequence, as `seq show` reports it. */
export interface ActiveRun {
  readonly state: string;
  readonly owner: RunOwner | null;
  /** When the run took the sequence (its lock), or started. */
  readonly since: Date | null;
  /** When the run last renewed its lock: when it was last seen alive. */
  readonly lastSeen: Date | null;
}

/**
 * Who runs a sequence that is PREPARING or RUNNING, and since when (from its lock, else from the
 * sequence); undefined for a sequence in any other state.
 */
export async function activeRunOf(
  storage: SessionStorage,
  path: SequencePath,
): Promise<ActiveRun | undefined> {
  const record = (await storage.getSequence(path)).unwrap();
  if (record.state !== 'preparing' && record.state !== 'running') return undefined;
  const lock = (await storage.listLocks()).find((l) => l.resource === sequenceResource(path));
  return {
    state: record.state,
    owner: lock?.holder ?? record.owner,
    since: lock?.acquiredAt ?? record.startTime,
    lastSeen: lock?.renewedAt ?? null,
  };
}

/** `RUNNING under shotline run \scan (host lab-pc, pid 4242) since …, last seen …`. */
export function describeActiveRun(run: ActiveRun): string {
  const who = run.owner ? ` under ${describeRunOwner(run.owner)}` : '';
  const since = run.since ? ` since ${run.since.toISOString()}` : '';
  const seen = run.lastSeen ? `, last seen ${run.lastSeen.toISOString()}` : '';
  return `${run.state.toUpperCase()}${who}${since}${seen}`;
}

/** How to stop a run, for messages: `interrupt it (Ctrl-C where it runs, or kill -INT …)`. */
export function howToStop(run: ActiveRun): string {
  return run.owner
    ? `interrupt it (Ctrl-C where it runs, or kill -INT ${run.owner.pid} on ${run.owner.host})`
    : 'interrupt it (Ctrl-C where it runs)';
}
