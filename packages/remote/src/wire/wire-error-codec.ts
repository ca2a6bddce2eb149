import * as core from '@shotline/core';
import {
  errorClassesOf,
  errorFromWire,
  summarizeError,
  withoutStacks,
  type ErrorLocation,
  type WireError as CoreWireError,
} from '@shotline/core';
import type { WireError, WireError__Output } from '../generated/shotline/remote/v1/WireError.js';

import * as remoteErrors from '../remote-errors.js';

const ERROR_CLASSES = errorClassesOf(
  core as unknown as Record<string, unknown>,
  remoteErrors as unknown as Record<string, unknown>,
);

function toMessage(wire: CoreWireError): WireError {
  return {
    type: wire.type,
    code: wire.code ?? '',
    message: wire.message,
    detail: wire.detail ?? '',
    recoverable: wire.recoverable,
    location: wire.location ?? {},
    ...(wire.cause ? { cause: toMessage(wire.cause) } : {}),
    errors: (wire.errors ?? []).map(toMessage),
  };
}

/**
 * An error as it crosses to the other side: its summary and its causes, without stack traces (they
 * describe this process's code, not the physicist's problem).
 */
export function errorToWire(error: unknown): WireError {
  return toMessage(withoutStacks(summarizeError(error, { stack: false })));
}

const LOCATION_KEYS = [
  'sequence',
  'path',
  'shot',
  'device',
  'channel',
  'step',
  'lane',
  'block',
  'expression',
  'column',
  'label',
  'parameter',
  'plugin',
  'resource',
  'file',
] as const satisfies readonly (keyof ErrorLocation)[];

function fromMessage(message: WireError__Output, depth: number): CoreWireError {
  const location: Record<string, unknown> = {};
  for (const key of LOCATION_KEYS) {
    const value = (message.location as Record<string, unknown> | null)?.[key];
    if (value !== undefined && value !== null) location[key] = value;
  }
  const out: CoreWireError = {
    type: message.type || 'Error',
    message: message.message,
    recoverable: message.recoverable,
    ...(message.code ? { code: message.code } : {}),
    ...(message.detail ? { detail: message.detail } : {}),
    ...(Object.keys(location).length > 0 ? { location: location as ErrorLocation } : {}),
  };
  // Causes nest a few levels in practice; a deeper chain is cut rather than trusted.
  if (message.cause && depth < 16) out.cause = fromMessage(message.cause, depth + 1);
  if (message.errors.length > 0 && depth < 16) {
    out.errors = message.errors.slice(0, 64).map((e) => fromMessage(e, depth + 1));
  }
  return out;
}

/**
 * Rebuilds an error from the other side as the typed error it was (by its code, among core's error
 * and this package's classes; a driver's own code gives a `RemoteError` keeping code, type name and recoverability).
 * Only data is used; no code or stack trace crosses the wire.
 */
export function errorFromWireMessage(message: WireError__Output): Error {
  return errorFromWire(fromMessage(message, 0), ERROR_CLASSES);
}
