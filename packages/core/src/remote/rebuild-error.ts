import { ShotlineError, errorFromSummary } from '../errors/index.js';
import type { WireError } from './wire-error.js';

/** A `ShotlineError` subclass, found by its static `code`. */
export type ShotlineErrorClass = (abstract new (...args: never[]) => ShotlineError) & {
  readonly code: string;
};

/** Error classes by code. */
export type ErrorClassesByCode = ReadonlyMap<string, ShotlineErrorClass>;

/**
 * Collects the `ShotlineError` classes among a module's exports, by code (a subclass that does not
 * declare its own code is left out: its code names its parent).
 */
export function errorClassesOf(...modules: readonly Record<string, unknown>[]): ErrorClassesByCode {
  const classes = new Map<string, ShotlineErrorClass>();
  for (const module of modules) {
    for (const value of Object.values(module)) {
      if (typeof value !== 'function') continue;
      if (value !== ShotlineError && !(value.prototype instanceof ShotlineError)) continue;
      if (!Object.prototype.hasOwnProperty.call(value, 'code')) continue;
      const cls = value as ShotlineErrorClass;
      if (!classes.has(cls.code)) classes.set(cls.code, cls);
    }
  }
  return classes;
}

/**
 * Rebuilds an error received from the server as the typed error it was: the class is chosen by
 * `code` (so `instanceof SequenceAlreadyRunningError` and `error.code` work), with its detail,
 * location, message and causes. Only data is used — no code or stack trace crosses the wire. An
 * unknown code (a driver's error class this program does not load) gives a `RemoteError` that keeps
 * the code, type name and recoverability.
 */
export function errorFromWire(wire: WireError, classes: ErrorClassesByCode): Error {
  if (wire.errors && wire.errors.length > 0) return errorFromSummary(wire);
  const cls = wire.code !== undefined ? classes.get(wire.code) : undefined;
  if (!cls) return errorFromSummary(wire);
  const cause = wire.cause ? errorFromWire(wire.cause, classes) : undefined;
  // The subclass constructor is skipped on purpose (its arguments are not on the wire); the base
  // constructor with the subclass as new.target gives the right prototype, name and code.
  const error = Reflect.construct(
    ShotlineError,
    [wire.detail ?? wire.message, { location: wire.location ?? {}, cause }],
    cls,
  ) as ShotlineError;
  error.message = wire.message;
  if (error.recoverable !== wire.recoverable) {
    Object.defineProperty(error, 'recoverable', { value: wire.recoverable });
  }
  // The stack describes this client's call site, not the server's code.
  error.stack = `${error.name}: ${error.message}\n    at (shotline server)`;
  return error;
}
