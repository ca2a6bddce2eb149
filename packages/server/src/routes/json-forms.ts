import {
  type ActiveRun,
  type AuditEntry,
  type QueuedRun,
  type SequenceEvent,
  type SequenceInfo,
  withoutStacks,
} from '@shotline/core';
import type { z } from 'zod';
import type {
  auditEntrySchema,
  sequenceDetailSchema,
  sequenceEventJsonSchema,
} from '../api/lab-api.js';
import type { QueuedRunJson } from '../api/queue-api.js';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** A queued run as JSON. */
export function queuedRunJson(run: QueuedRun): QueuedRunJson {
  return {
    id: run.id,
    position: run.position,
    sequence: run.sequence,
    submittedBy: run.submittedBy,
    submittedAt: run.submittedAt.toISOString(),
    options: run.options,
    state: run.state,
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    error: run.error ? withoutStacks(run.error) : null,
  };
}

/** A sequence as JSON, with who runs it when it is PREPARING or RUNNING. */
export function sequenceJson(
  info: SequenceInfo,
  run?: ActiveRun,
): z.infer<typeof sequenceDetailSchema> {
  return {
    path: info.path.toString(),
    state: info.state,
    completedShots: info.completedShots,
    expectedShots: info.expectedShots,
    createdAt: info.createdAt.toISOString(),
    startTime: iso(info.startTime),
    stopTime: iso(info.stopTime),
    owner: info.owner,
    run: run
      ? { state: run.state, owner: run.owner, since: iso(run.since), lastSeen: iso(run.lastSeen) }
      : null,
    error: info.error ? withoutStacks(info.error) : null,
    devices: info.deviceConfigurations?.map((d) => ({ name: d.name, type: d.type })) ?? null,
    iteration: info.iteration.toJSON(),
    timeLanes: info.timeLanes.toJSON(),
    suspenders: Array.isArray(info.suspenders) ? info.suspenders : [],
  };
}

/** A stored event of a run as JSON. */
export function sequenceEventJson(event: SequenceEvent): z.infer<typeof sequenceEventJsonSchema> {
  return { id: event.id, kind: event.kind, time: event.time.toISOString(), data: event.data };
}

/** An audit entry as JSON. */
export function auditEntryJson(entry: AuditEntry): z.infer<typeof auditEntrySchema> {
  return { ...entry, time: entry.time.toISOString() };
}
