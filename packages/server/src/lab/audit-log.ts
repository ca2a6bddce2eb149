import type { JsonValue, SessionStorage } from '@shotline/core';
import type { FastifyBaseLogger } from 'fastify';

/** Keys whose values never enter the audit log (a token pasted in a body, a password). */
const SECRET_KEYS = /token|secret|password|authorization/i;

function redact(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value as JsonValue;
}

/**
 * Appends every change made through the server (who, what, when, to what, with which parameters)
 * to the audit log in storage. Secrets are redacted from the parameters. A write that fails is
 * logged as an error; it does not undo the change it describes.
 */
export class AuditLog {
  constructor(
    private readonly storage: SessionStorage,
    private readonly log: FastifyBaseLogger,
  ) {}

  async record(
    actor: string,
    action: string,
    target: string | null,
    details: unknown = {},
  ): Promise<void> {
    try {
      (
        await this.storage.appendAuditEntry({
          time: new Date(),
          actor,
          action,
          target,
          details: redact(details),
        })
      ).unwrap();
    } catch (error) {
      this.log.error({ err: error, action, target }, 'could not append to the audit log');
    }
  }
}
