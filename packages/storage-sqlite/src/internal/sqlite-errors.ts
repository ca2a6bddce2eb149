import { StorageIOError } from '@shotline/core';
import { sqliteCode } from './sqlite-codes.js';

/** What an SQLite result code means for a lab, and what to do about it. */
const HINTS: readonly [prefix: string, hint: string][] = [
  [
    'SQLITE_FULL',
    "the disk holding the lab's database is full: free space on it; the lab opens and works again once there is room",
  ],
  ['SQLITE_READONLY', 'the database file or its folder is read-only for this user'],
  ['SQLITE_CORRUPT', 'the database file is damaged: restore it from a backup'],
  ['SQLITE_NOTADB', 'the file is not an SQLite database'],
  ['SQLITE_IOERR', 'the disk reported an I/O error (full, removed, or failing)'],
  ['SQLITE_CANTOPEN', 'the file or its folder cannot be opened (missing, or no permission)'],
  [
    'SQLITE_BUSY',
    'another process kept the database locked for longer than the busy timeout (busyTimeoutMs)',
  ],
  ['SQLITE_NOMEM', 'the machine is out of memory'],
];

/**
 * An error of SQLite as a {@link StorageIOError} naming the file, the code and what to do; other
 * errors (bugs, contract violations) are returned as they are.
 */
export function sqliteStorageError(error: unknown, file: string): unknown {
  const code = sqliteCode(error);
  if (code === undefined || error instanceof StorageIOError) return error;
  const hint = HINTS.find(([prefix]) => code.startsWith(prefix))?.[1];
  const message = (error as Error).message;
  return new StorageIOError(`${message} (${code})${hint ? `: ${hint}` : ''}`, code, {
    cause: error,
    location: { file },
  });
}
