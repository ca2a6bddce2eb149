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

/**
 * Bounds of the paths strictly below `path` in code point order, for SQL range queries on a column
 * with binary collation: every descendant starts with `path\`, and `\` (0x5C) is followed by `]`
 * (0x5D), so descendants are exactly the texts `t` with `lo <= t < hi`. Unlike `LIKE 'a\%'`, this
 * needs no escaping of `%` or `_`, which are valid in names.
 */
export function descendantPathRange(path: SequencePath): [string, string] {
  const text = path.toString();
  return path.isRoot() ? ['\\', ']'] : [`${text}\\`, `${text}]`];
}
