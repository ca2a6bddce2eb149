// What a lab's server keeps next to the sequences: the run queue, the audit log and the API tokens.
// Shared types, rows and their encoding for every backend (see storage-backend.ts).
import type { ErrorSummary } from '../errors/index.js';
import type { JsonValue } from './session-storage.js';
import { decodeStorageJson } from './storage-json.js';
import { decodeStoredErrorSummary } from './storage-validation.js';

/** Where a queued run is: waiting, running, or how it ended. */
export const QUEUED_RUN_STATES = [
  'queued',
  'running',
  'finished',
  'interrupted',
  'crashed',
  'cancelled',
] as const;

/** One of {@link QUEUED_RUN_STATES}. */
export type QueuedRunState = (typeof QUEUED_RUN_STATES)[number];

/** A run submitted to the lab's queue. */
export interface QueuedRun {
  /** Unique id (a UUID) given by the submitter. */
  readonly id: string;
  /** Order among the runs: smaller runs first. */
  readonly position: number;
  /** The sequence path (`\...`). */
  readonly sequence: string;
  /** Who submitted it (the token's user). */
  readonly submittedBy: string;
  readonly submittedAt: Date;
  /** How to run it (globals, device configurations, reset first...), as the server wrote it. */
  readonly options: JsonValue;
  readonly state: QueuedRunState;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  /** Why it crashed (or could not start). */
  readonly error: ErrorSummary | null;
}

/** What a submission gives; the storage adds the position (last) and the state (queued). */
export type NewQueuedRun = Pick<
  QueuedRun,
  'id' | 'sequence' | 'submittedBy' | 'submittedAt' | 'options'
>;

/** A change of state of a queued run. */
export interface QueuedRunChange {
  readonly state: QueuedRunState;
  readonly startedAt?: Date;
  readonly endedAt?: Date;
  readonly error?: ErrorSummary;
}

/** One line of the audit log: who changed what, when. */
export interface AuditEntry {
  /** Increasing number (the order of the log). */
  readonly id: number;
  readonly time: Date;
  /** The user (token) that asked, or `server` for the server's own decisions. */
  readonly actor: string;
  /** What was done, e.g. `queue.submit`, `sequence.create`, `globals.set`. */
  readonly action: string;
  /** What it was done to (a sequence path, a device name, a queued run id). */
  readonly target: string | null;
  /** The request's parameters (never a token). */
  readonly details: JsonValue;
}

/** An audit entry to append. */
export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/**
 * An API token of the lab's server, as stored: never the token itself, only a salted key derived
 * from its secret (the server decides the derivation, e.g. scrypt).
 */
export interface ApiTokenRecord {
  /** Public part of the token, used to find this record. */
  readonly id: string;
  readonly user: string;
  /** What the token may do, e.g. `read`, `run`, `edit`, `admin`. */
  readonly scopes: readonly string[];
  /** Hex salt of the derivation. */
  readonly salt: string;
  /** Hex derived key. */
  readonly hash: string;
  readonly createdAt: Date;
}

/** A queued run as a backend stores it. */
export interface StoredQueuedRunRow {
  id: string;
  position: number;
  sequence: string;
  submitted_by: string;
  submitted_at: number;
  options: string;
  state: string;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
}

/** An audit entry as a backend stores it. */
export interface StoredAuditRow {
  id: number;
  time: number;
  actor: string;
  action: string;
  target: string | null;
  details: string;
}

/** An API token as a backend stores it. */
export interface StoredApiTokenRow {
  id: string;
  user_name: string;
  scopes: string;
  salt: string;
  hash: string;
  created_at: number;
}

/** Reads a stored queued run. */
export function decodeQueuedRunRow(row: StoredQueuedRunRow): QueuedRun {
  const state = (QUEUED_RUN_STATES as readonly string[]).includes(row.state)
    ? (row.state as QueuedRunState)
    : 'crashed';
  return {
    id: row.id,
    position: Number(row.position),
    sequence: row.sequence,
    submittedBy: row.submitted_by,
    submittedAt: new Date(Number(row.submitted_at)),
    options: decodeStorageJson(row.options, 'queued run options'),
    state,
    startedAt: row.started_at === null ? null : new Date(Number(row.started_at)),
    endedAt: row.ended_at === null ? null : new Date(Number(row.ended_at)),
    error:
      row.error === null ? null : decodeStoredErrorSummary(row.error, { sequence: row.sequence }),
  };
}

/** Reads a stored audit entry. */
export function decodeAuditRow(row: StoredAuditRow): AuditEntry {
  return {
    id: Number(row.id),
    time: new Date(Number(row.time)),
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: decodeStorageJson(row.details, 'audit details'),
  };
}

/** Reads a stored API token. */
export function decodeApiTokenRow(row: StoredApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    user: row.user_name,
    scopes: decodeStorageJson(row.scopes, 'token scopes') as string[],
    salt: row.salt,
    hash: row.hash,
    createdAt: new Date(Number(row.created_at)),
  };
}
