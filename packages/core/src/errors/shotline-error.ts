/**
 * Where an error happened, in the vocabulary of the lab: which sequence, shot, device, step, lane,
 * expression... Every field is optional; an error gains context as it travels up (see
 * {@link ShotlineError.addContext}).
 */
export interface ErrorLocation {
  /** Sequence path, e.g. `\lab\mot\scan 3`. */
  sequence?: string;
  /** Storage path (folder or sequence) an operation was about. */
  path?: string;
  /** Shot index within the sequence. */
  shot?: number;
  /** Device name. */
  device?: string;
  /** Sequencer channel (description or index). */
  channel?: string;
  /** Iteration step, e.g. `step 3, linspace x` or a time-lane step name. */
  step?: string;
  /** Time lane name. */
  lane?: string;
  /** Block index within a lane. */
  block?: number;
  /** Source text of the expression. */
  expression?: string;
  /** 1-based column in the expression. */
  column?: number;
  /** Data label. */
  label?: string;
  /** Parameter name. */
  parameter?: string;
  /** Plugin package name. */
  plugin?: string;
  /** Instrument resource (VISA resource string, serial port...). */
  resource?: string;
  /** File and position (e.g. a YAML file). */
  file?: string;
  /** Suspender name. */
  suspender?: string;
}

/** Options accepted by every {@link ShotlineError} constructor. */
export interface ShotlineErrorOptions {
  cause?: unknown;
  location?: ErrorLocation;
}

const LOCATION_ORDER: readonly (keyof ErrorLocation)[] = [
  'sequence',
  'path',
  'shot',
  'device',
  'channel',
  'plugin',
  'resource',
  'suspender',
  'step',
  'lane',
  'block',
  'parameter',
  'label',
  'file',
  'expression',
  'column',
];

/** Formats a location as `sequence \a\b, shot 7, device "cam"`. */
export function formatLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  for (const key of LOCATION_ORDER) {
    const value = location[key];
    if (value === undefined) continue;
    switch (key) {
      case 'expression':
        parts.push(`expression "${String(value)}"`);
        break;
      case 'device':
      case 'lane':
      case 'label':
      case 'parameter':
      case 'channel':
      case 'plugin':
      case 'resource':
      case 'suspender':
        parts.push(`${key} "${String(value)}"`);
        break;
      case 'step':
        parts.push(String(value).startsWith('step') ? String(value) : `step ${String(value)}`);
        break;
      default:
        parts.push(`${key} ${String(value)}`);
    }
  }
  return parts.join(', ');
}

/**
 * Base class of every error shotline raises on purpose.
 *
 * - `code` is stable and machine-readable (e.g. `UNDEFINED_VARIABLE`); never parse messages.
 * - `recoverable` marks user and setup errors (a bad expression, an instrument that timed out):
 *   they are stored on the sequence and shown to the physicist; they do not indicate a bug.
 * - `location` says where; the message always ends with the formatted location.
 * - `cause` is always kept.
 */
export class ShotlineError extends Error {
  /** Stable machine-readable code; subclasses override the static and instance value. */
  static readonly code: string = 'SHOTLINE_ERROR';
  /** Whether instances are user/setup errors by default. */
  static readonly recoverable: boolean = false;

  readonly code: string;
  readonly recoverable: boolean;
  /** The message without the location suffix. */
  readonly detail: string;
  location: ErrorLocation;

  constructor(detail: string, options: ShotlineErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as unknown as { code: string; recoverable: boolean };
    this.name = new.target.name;
    this.code = ctor.code;
    this.recoverable = ctor.recoverable;
    this.detail = detail;
    this.location = { ...(options.location ?? {}) };
    this.message = this.composeMessage();
  }

  /**
   * Adds location fields that are not yet set (inner context wins) and refreshes the message.
   * Returns `this` so it can be used as `throw e.addContext({ shot: 3 })`.
   */
  addContext(location: ErrorLocation): this {
    for (const [key, value] of Object.entries(location) as [keyof ErrorLocation, unknown][]) {
      if (value !== undefined && this.location[key] === undefined) {
        (this.location as Record<string, unknown>)[key] = value;
      }
    }
    this.message = this.composeMessage();
    return this;
  }

  private composeMessage(): string {
    const where = formatLocation(this.location);
    return where ? `${this.detail} (${where})` : this.detail;
  }
}

/** A user or setup error: stored on the sequence, shown to the physicist, possibly retried. */
export class RecoverableError extends ShotlineError {
  static override readonly code: string = 'RECOVERABLE';
  static override readonly recoverable: boolean = true;
}

/** A value is outside what is allowed (negative duration, unknown lane, ramp first...). */
export class InvalidValueError extends RecoverableError {
  static override readonly code: string = 'INVALID_VALUE';
}

/** A value has the wrong type (a quantity where a boolean is needed...). */
export class InvalidTypeError extends RecoverableError {
  static override readonly code: string = 'INVALID_TYPE';
}

/** Evaluating an expression failed. */
export class EvaluationError extends RecoverableError {
  static override readonly code: string = 'EVALUATION';
}

/** An expression is not syntactically valid; the location carries the column. */
export class ExpressionSyntaxError extends EvaluationError {
  static override readonly code: string = 'EXPRESSION_SYNTAX';
}

/** An expression refers to a variable that is not defined. */
export class UndefinedVariableError extends EvaluationError {
  static override readonly code: string = 'UNDEFINED_VARIABLE';
}

/** An expression uses a unit symbol that does not exist. */
export class UndefinedUnitError extends EvaluationError {
  static override readonly code: string = 'UNDEFINED_UNIT';
}

/** Quantities of incompatible dimensions were combined or converted. */
export class DimensionalityError extends InvalidValueError {
  static override readonly code: string = 'DIMENSIONALITY';
}

/** Could not reach an instrument or a server. */
export class ConnectionFailedError extends RecoverableError {
  static override readonly code: string = 'CONNECTION_FAILED';
}

/** A device did not answer or finish in time. */
export class DeviceTimeoutError extends RecoverableError {
  static override readonly code: string = 'DEVICE_TIMEOUT';
}

/** An operation was aborted through its AbortSignal. Not recoverable: it is a decision, not a fault. */
export class AbortedError extends ShotlineError {
  static override readonly code: string = 'ABORTED';
}

/** A condition that indicates a bug in shotline or in a plugin (a broken contract). */
export class ContractViolationError extends ShotlineError {
  static override readonly code: string = 'CONTRACT_VIOLATION';
}

/**
 * True if the error is a user/setup error: it is marked recoverable, its cause is recoverable
 * (a framework wrapper around a driver's recoverable error), or it is an aggregate whose members are
 * all recoverable.
 */
export function isRecoverable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    if (e instanceof ShotlineError && e.recoverable) return true;
    if (e instanceof AggregateError && e.errors.length > 0) return e.errors.every(visit);
    if (e instanceof Error && e.cause !== undefined) return visit(e.cause);
    return false;
  };
  return visit(error);
}

/** Adds context to a shotline error, or wraps a foreign error so the context is not lost. */
export function withContext(error: unknown, location: ErrorLocation): Error {
  if (error instanceof ShotlineError) return error.addContext(location);
  const message = error instanceof Error ? error.message : String(error);
  return new ShotlineError(message, { cause: error, location });
}
