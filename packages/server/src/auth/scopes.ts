import { z } from 'zod';

/**
 * What a token may do: `read` (sequences, shots, events, metrics), `run` (procedures and the queue),
 * `edit` (sequences, globals, devices), `admin` (everything, and the audit log).
 */
export const SCOPES = ['read', 'run', 'edit', 'admin'] as const;

/** One of {@link SCOPES}. */
export type Scope = (typeof SCOPES)[number];

/** zod schema of a scope. */
export const scopeSchema = z.enum(SCOPES);

/** The scopes `shotline token create` gives when none are named. */
export const DEFAULT_SCOPES: readonly Scope[] = ['read', 'run', 'edit'];

/** True if a token with `granted` may do what needs `needed` (`admin` may do everything). */
export function allows(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}
