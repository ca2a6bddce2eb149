// Types only from core: this file also runs in the writer worker, which must not load @shotline/core.
import type { StorageFailure, StorageOutcome } from '@shotline/core';

export type { StorageFailure };

/** The result of a database operation: a value or an expected failure as data (core's shape). */
export type Outcome<T> = StorageOutcome<T>;

/** A successful outcome. */
export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/** A failed outcome. */
export function failure<T = never>(f: StorageFailure): Outcome<T> {
  return { ok: false, failure: f };
}

/**
 * The rules of the sequence state machine, computed from core on the main thread and handed to the
 * database layer (so the worker needs no runtime import of core and the rules live in one place).
 */
export interface StatePolicy {
  /** States whose iteration and time lanes may be edited. */
  editable: string[];
  /** States that own devices: such sequences cannot be moved or deleted. */
  active: string[];
  /** For each target state, the states it may be reached from. */
  allowedFrom: Record<string, string[]>;
}
