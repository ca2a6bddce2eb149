import { AbortedError, type ErrorLocation } from '@shotline/core';

/** The error for an aborted operation: the signal's reason when it is already an AbortedError. */
export function abortedError(signal: AbortSignal, what: string, location: ErrorLocation): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortedError) return reason;
  return new AbortedError(`${what} was aborted`, { cause: reason, location });
}
