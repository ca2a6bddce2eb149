import type { StorageOutcome as Outcome } from '@shotline/core';
import type { StorageStatePolicy } from '@shotline/core/storage-rules';
import type { CheckpointPolicy } from './checkpointer.js';
import type { ChunkSettings } from './chunks/chunk-layout.js';
import type { ConnectionSettings } from './connection.js';
import type { WriteOperation } from './session-database.js';

// Messages between a SqliteSessionStorage (main thread) and its writer worker.

/** `workerData` of the writer worker. */
export interface WriterInit {
  file: string;
  settings: ConnectionSettings;
  policy: StorageStatePolicy;
  /** Most shots one group commit may hold. */
  maxGroup: number;
  /** When the checkpointer copies the WAL, and the WAL's limit. */
  checkpoints: CheckpointPolicy;
  /** Where large arrays go, when they go to chunk files. */
  chunks?: ChunkSettings;
}

/** A write to run, a request for the checkpoint statistics, or the request to close and end. */
export type WriterRequest =
  | { id: number; op: WriteOperation; args: unknown[] }
  | { id: number; op: 'checkpointStats' }
  | { id: number; op: 'close' };

/** An unexpected error of the worker (I/O, bug) as plain data. */
export interface ThrownError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/**
 * The answer to one request, or the worker's start-up report (id 0). `recycled` hands the array
 * buffers of a shot write back to the main thread, which fills them with the next shots' arrays.
 */
export type WriterReply = (
  { id: number; outcome: Outcome<unknown> } | { id: number; thrown: ThrownError }
) & { recycled?: ArrayBuffer[] };

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
