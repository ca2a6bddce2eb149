import type { SequencePath } from '../path/index.js';

/**
 * Sorts paths by their text, comparing UTF-16 code units (JavaScript's default string order), so
 * every backend lists children and sequences in the same order whatever its database collation.
 */
export function sortStoragePaths(paths: SequencePath[]): SequencePath[] {
  return paths.sort((a, b) => {
    const x = a.toString();
    const y = b.toString();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
