import { z } from 'zod';
import { type ErrorSummary, errorSummarySchema } from '../errors/index.js';

/**
 * An error as it crosses the wire: the {@link ErrorSummary} of the error and its causes, without
 * stack traces (never sent: they describe the server's code, not the physicist's problem).
 */
export type WireError = Omit<ErrorSummary, 'stack' | 'cause' | 'errors'> & {
  cause?: WireError;
  errors?: WireError[];
};

/** zod schema of {@link WireError}. */
export const wireErrorSchema: z.ZodType<WireError> = errorSummarySchema as z.ZodType<WireError>;

/** The body of every error response of the server: `{ "error": WireError }`. */
export const errorResponseSchema = z.object({ error: wireErrorSchema });

/** An error response body. */
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** Removes the stack traces of a summary and of its causes (what may cross the wire). */
export function withoutStacks(summary: ErrorSummary): WireError {
  const { stack: _stack, cause, errors, ...rest } = summary;
  const out: WireError = { ...rest };
  if (cause) out.cause = withoutStacks(cause);
  if (errors) out.errors = errors.map(withoutStacks);
  return out;
}
