import {
  type ApiTokenRecord,
  type AuditEntry,
  type QueuedRun,
  type SequenceEventRecord,
  type SequencePath,
  type SessionStorage,
  currentRunOwner,
} from '@shotline/core';

/** What {@link useLatestSchema} read back. */
export interface LatestSchemaUse {
  /** The resources that were locked (and released again). */
  readonly locked: readonly string[];
  readonly queue: readonly QueuedRun[];
  readonly audit: readonly AuditEntry[];
  readonly tokens: readonly ApiTokenRecord[];
  /** The events of the launched sequence given to {@link useLatestSchema} (version 5). */
  readonly events: readonly SequenceEventRecord[];
}

/**
 * Uses what the latest schema steps added — resource locks (version 3); the server's run queue,
 * audit log and API tokens (version 4); the events of a run (version 5, stored on `launched`, a
 * sequence that ran) — once each, and reads it back: for migration tests, which check that a
 * database brought up from an older version works as a new one does.
 */
export async function useLatestSchema(
  storage: SessionStorage,
  launched: SequencePath,
): Promise<LatestSchemaUse> {
  const held = (
    await storage.acquireLocks({
      resources: ['device:migration-check'],
      holder: currentRunOwner('migration check'),
    })
  ).unwrap();
  const locked = (await storage.listLocks())
    .filter((l) => l.holder.id === held.holder.id)
    .map((l) => l.resource);
  await held.release();
  const time = new Date(1_700_000_000_000);
  (
    await storage.enqueueRun({
      id: 'run-after-migration',
      sequence: '\\after migration',
      submittedBy: 'alice',
      submittedAt: time,
      options: { reset: false },
    })
  ).unwrap();
  (
    await storage.appendAuditEntry({
      time,
      actor: 'alice',
      action: 'queue.submit',
      target: '\\after migration',
      details: {},
    })
  ).unwrap();
  await storage.saveApiToken({
    id: 'token-after-migration',
    user: 'alice',
    scopes: ['read'],
    salt: '00',
    hash: '11',
    createdAt: time,
  });
  (
    await storage.addSequenceEvent(launched, {
      kind: 'pause-requested',
      time,
      data: { by: 'alice' },
    })
  ).unwrap();
  return {
    locked,
    queue: await storage.listQueuedRuns(),
    audit: await storage.readAuditLog(),
    tokens: await storage.listApiTokens(),
    events: (await storage.sequenceEvents(launched)).unwrap(),
  };
}
