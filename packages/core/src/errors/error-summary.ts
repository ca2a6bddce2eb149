import { z } from 'zod';
import { type ErrorLocation, ShotlineError, isRecoverable } from './shotline-error.js';

/**
 * A plain, JSON-safe description of an error and its causes: what the storage keeps on a crashed
 * sequence and what crosses worker-thread boundaries. Recursive: `cause` and the members of an
 * aggregate (`errors`) are summaries too.
 */
export interface ErrorSummary {
  /** Class name, e.g. `UndefinedVariableError`. */
  type: string;
  /** Stable shotline code when the error is a {@link ShotlineError}. */
  code?: string;
  message: string;
  /** The message without location (shotline errors only). */
  detail?: string;
  recoverable: boolean;
  location?: ErrorLocation;
  stack?: string;
  cause?: ErrorSummary;
  errors?: ErrorSummary[];
}

const locationSchema = z
  .object({
    sequence: z.string(),
    path: z.string(),
    shot: z.number(),
    device: z.string(),
    channel: z.string(),
    step: z.string(),
    lane: z.string(),
    block: z.number(),
    expression: z.string(),
    column: z.number(),
    label: z.string(),
    parameter: z.string(),
    plugin: z.string(),
    resource: z.string(),
    file: z.string(),
    suspender: z.string(),
  })
  .partial();

/** zod schema of {@link ErrorSummary} (the stored JSON shape). */
export const errorSummarySchema: z.ZodType<ErrorSummary> = z.lazy(() =>
  z.object({
    type: z.string(),
    code: z.string().optional(),
    message: z.string(),
    detail: z.string().optional(),
    recoverable: z.boolean(),
    location: locationSchema.optional(),
    stack: z.string().optional(),
    cause: errorSummarySchema.optional(),
    errors: z.array(errorSummarySchema).optional(),
  }),
);

/** Summarises any thrown value, keeping causes and aggregate members (cycles are cut). */
export function summarizeError(error: unknown, options: { stack?: boolean } = {}): ErrorSummary {
  const seen = new Set<unknown>();
  const visit = (e: unknown): ErrorSummary => {
    if (!(e instanceof Error)) {
      return { type: typeof e, message: String(e), recoverable: false };
    }
    seen.add(e);
    const summary: ErrorSummary = {
      type: e.name || e.constructor.name,
      message: e.message,
      recoverable: isRecoverable(e),
    };
    if (e instanceof ShotlineError) {
      summary.code = e.code;
      summary.detail = e.detail;
      if (Object.keys(e.location).length > 0) summary.location = { ...e.location };
    } else if (typeof (e as unknown as { code?: unknown }).code === 'string') {
      summary.code = (e as unknown as { code: string }).code;
    }
    if (options.stack !== false && e.stack) summary.stack = e.stack;
    if (e.cause !== undefined && !seen.has(e.cause)) summary.cause = visit(e.cause);
    if (e instanceof AggregateError) {
      summary.errors = e.errors.filter((m) => !seen.has(m)).map(visit);
    }
    return summary;
  };
  return visit(error);
}

/**
 * An error rebuilt from a summary (for example after crossing a worker thread). It keeps the original
 * type name, code, recoverability and location, so callers can still branch on `code`.
 */
export class RemoteError extends ShotlineError {
  static override readonly code: string = 'REMOTE_ERROR';
  readonly summary: ErrorSummary;
  override readonly code: string;
  override readonly recoverable: boolean;

  constructor(summary: ErrorSummary) {
    const cause = summary.cause ? new RemoteError(summary.cause) : undefined;
    super(summary.detail ?? summary.message, { cause, location: summary.location });
    this.summary = summary;
    this.name = summary.type;
    this.code = summary.code ?? RemoteError.code;
    this.recoverable = summary.recoverable;
    this.message = summary.message;
    if (summary.stack) this.stack = summary.stack;
  }
}

/** Rebuilds a throwable error from a summary (aggregates become `AggregateError`). */
export function errorFromSummary(summary: ErrorSummary): Error {
  if (summary.errors && summary.errors.length > 0) {
    const aggregate = new AggregateError(summary.errors.map(errorFromSummary), summary.message);
    if (summary.cause) (aggregate as { cause?: unknown }).cause = errorFromSummary(summary.cause);
    return aggregate;
  }
  return new RemoteError(summary);
}
