import type { WireError } from './api-types.js';

/** Where an error happened, as the server says it (lane, block, step, expression, column...). */
export type ErrorLocation = NonNullable<WireError['location']>;

/**
 * An error answer of the server: its HTTP status and the typed error it sent (`code`, message with
 * the location, `location` fields).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly wire: WireError,
  ) {
    super(wire.message);
    this.name = 'ApiError';
  }

  /** The error's code, e.g. `SEQUENCE_VERSION_CONFLICT`. */
  get code(): string {
    return this.wire.code ?? 'UNKNOWN';
  }

  /** The error's location fields. */
  get location(): ErrorLocation {
    return this.wire.location ?? {};
  }
}

/** An error of the network itself (the server cannot be reached). */
export class ConnectionLostError extends Error {
  constructor(cause: unknown) {
    super(
      `cannot reach the shotline server: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'ConnectionLostError';
  }
}
