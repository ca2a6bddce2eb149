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

/** What a file-system error of the array chunk files means, and what to do about it. */
const FILE_HINTS: readonly [code: string, hint: string][] = [
  [
    'ENOSPC',
    "the disk holding the lab's database and its array chunk files is full: free space on it; the lab opens and works again once there is room",
  ],
  ['EDQUOT', "the user's disk quota is used up: free space or raise the quota"],
  ['EIO', 'the disk reported an I/O error (removed, or failing)'],
  ['EROFS', 'the disk is mounted read-only'],
  ['EACCES', 'the chunk folder or file is not writable for this user'],
  ['EPERM', 'the chunk folder or file is not writable for this user'],
];

/** The file-system code of an error (`ENOSPC`...) that {@link FILE_HINTS} explains. */
function fileCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && FILE_HINTS.some(([c]) => c === code) ? code : undefined;
}

/**
 * An error of SQLite, or of the file system under the array chunk files (`ENOSPC`...), as a
 * {@link StorageIOError} naming the file, the code and what to do; other errors (bugs, contract
 * violations) are returned as they are.
 */
export function sqliteStorageError(error: unknown, file: string): unknown {
  if (error instanceof StorageIOError) return error;
  const code = sqliteCode(error) ?? fileCode(error);
  if (code === undefined) return error;
  const hint = [...HINTS, ...FILE_HINTS].find(([prefix]) => code.startsWith(prefix))?.[1];
  const message = (error as Error).message;
  return new StorageIOError(`${message} (${code})${hint ? `: ${hint}` : ''}`, code, {
    cause: error,
    location: { file },
  });
}
