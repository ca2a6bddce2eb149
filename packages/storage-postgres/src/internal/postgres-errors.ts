import { StorageIOError } from '@shotline/core';

/**
 * Error codes that mean the database cannot be reached right now: the server shut down or
 * restarted (57P01 admin shutdown, 57P02 crash shutdown, 57P03 starting up), the connection failed
 * (class 08), or the network refused or dropped it.
 */
const CONNECTION_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** What `pg` says when a connection dies without a code. */
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /encountered a connection error and is not queryable/i,
  /connection is not open|not connected/i,
];

/** Whether an error means that the connection to the database was lost or refused. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && CONNECTION_MESSAGES.some((m) => m.test(message));
}

/** What a SQLSTATE class means for a lab, and what to do about it. */
const HINTS: Readonly<Record<string, string>> = {
  '53100': "the database server's disk is full: free space on it",
  '53200': 'the database server is out of memory',
  '53300':
    'the database server has too many connections: close other programs or raise max_connections',
  '58030': "the database server's disk reported an I/O error",
  '42501': 'the database user lacks a permission on the schema',
  '25006': 'the database is read-only (a standby server, or default_transaction_read_only)',
};

/**
 * A server-side resource or I/O failure (disk full, out of memory, I/O error, permission) as a
 * StorageIOError naming the storage, the SQLSTATE and what to do; other errors are returned as
 * they are.
 */
export function postgresStorageError(error: unknown, location: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || error instanceof StorageIOError) return error;
  const hint =
    HINTS[code] ??
    (code.startsWith('53') || code.startsWith('58')
      ? 'the database server ran out of a resource'
      : undefined);
  if (hint === undefined) return error;
  return new StorageIOError(`${(error as Error).message} (SQLSTATE ${code}): ${hint}`, code, {
    cause: error,
    location: { resource: location },
  });
}
