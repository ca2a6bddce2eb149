import { SequencePath } from '@shotline/core';

/**
 * A sequence path from the command line. Paths use core's syntax (`\lab\mot\scan 3`); the leading
 * backslash may be left out (`lab\mot\scan`, `scan`), which saves quoting in most shells.
 */
export function parseSequencePathArgument(text: string): SequencePath {
  return SequencePath.parse(text.startsWith('\\') ? text : `\\${text}`);
}

/** A path quoted for a POSIX shell, as shown in the "next commands" hints. */
export function shellQuotedPath(path: SequencePath | string): string {
  return `'${String(path).replace(/'/g, `'\\''`)}'`;
}
