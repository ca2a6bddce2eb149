import { z } from 'zod';
import type { ErrorLocation } from '../errors/index.js';
import { InvalidStorageDataError } from './storage-errors.js';

/** zod schema of a {@link RunOwner} (the JSON stored on sequences and locks). */
export const runOwnerSchema = z.object({
  /**
   * Unique per holder (an experiment manager, a server): locks held under one id never conflict
   * with each other.
   */
  id: z.string().min(1),
  /** `os.hostname()` of the machine the process runs on. */
  host: z.string().min(1),
  pid: z.int().min(0),
  /**
   * When the process started, in milliseconds since the epoch (from `/proc` on Linux), so that a
   * reused pid is told from the process that ran the sequence; null when unknown.
   */
  processStartedAt: z.number().nullable(),
  /** What it is, for people: `shotline run \scan`, `manager lab-pc`, `shotline serve`... */
  label: z.string(),
});

/**
 * Who runs a sequence or holds a lock: a process on a host. Recorded on every sequence it runs (at
 * PREPARING) and on every lock it holds, so that whoever opens the lab later can tell a live run
 * from one whose process is gone, and can say who runs what.
 */
export type RunOwner = z.infer<typeof runOwnerSchema>;

/** Serialises a run owner for a database column (JSON text). */
export function encodeRunOwner(owner: RunOwner): string {
  return JSON.stringify(runOwnerSchema.parse(owner));
}

/** `host:pid:managerId`, the owner format of schema version 2. */
const LEGACY_OWNER = /^(.+):(\d+):([^:]+)$/;

/**
 * Reads a stored run owner: the JSON of {@link encodeRunOwner}, or the `host:pid:managerId` text
 * written by shotline 0.1 (process start time unknown). Anything else throws an
 * {@link InvalidStorageDataError} naming where it was read.
 */
export function decodeRunOwner(text: unknown, location: ErrorLocation = {}): RunOwner {
  if (typeof text === 'string' && !text.startsWith('{')) {
    const legacy = LEGACY_OWNER.exec(text);
    if (legacy) {
      return {
        id: legacy[3]!,
        host: legacy[1]!,
        pid: Number(legacy[2]),
        processStartedAt: null,
        label: `manager ${legacy[3]!}`,
      };
    }
    return { id: text, host: 'unknown', pid: 0, processStartedAt: null, label: text };
  }
  let json: unknown;
  try {
    json = typeof text === 'string' ? JSON.parse(text) : text;
  } catch {
    json = undefined;
  }
  const parsed = runOwnerSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidStorageDataError(
      `stored run owner is malformed: ${z.prettifyError(parsed.error)}`,
      { location },
    );
  }
  return parsed.data;
}

/** `shotline run \scan (host lab-pc, pid 4242)`, for messages. */
export function describeRunOwner(owner: RunOwner): string {
  const what = owner.label || owner.id;
  return `${what} (host ${owner.host}, pid ${owner.pid})`;
}
