import type { ConnectionSettings } from './connection.js';
import type { WriteOperation } from './session-database.js';
import type { Outcome, StatePolicy } from './storage-failure.js';

// Messages between a SqliteSessionStorage (main thread) and its writer worker.

/** `workerData` of the writer worker. */
export interface WriterInit {
  file: string;
  settings: ConnectionSettings;
  policy: StatePolicy;
  /** Most shots one group commit may hold. */
  maxGroup: number;
}

/** A write to run, or the request to close the connection and end. */
export type WriterRequest =
  { id: number; op: WriteOperation; args: unknown[] } | { id: number; op: 'close' };

/** An unexpected error of the worker (I/O, bug) as plain data. */
export interface ThrownError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** The answer to one request, or the worker's start-up report (id 0). */
export type WriterReply =
  { id: number; outcome: Outcome<unknown> } | { id: number; thrown: ThrownError };

/** Turns anything thrown into {@link ThrownError}. */
export function describeThrown(e: unknown): ThrownError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return {
      name: e.name,
      message: e.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(e.stack === undefined ? {} : { stack: e.stack }),
    };
  }
  return { name: 'Error', message: String(e) };
}
