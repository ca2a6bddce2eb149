// Path strings as the database stores them (`\a\b`, root `\`). They are validated by SequencePath on
// the main thread; this file only takes them apart, so the writer worker needs no runtime import of
// @shotline/core.

/** The root path. */
export const ROOT = '\\';

/** `\a\b` -> `\a`; `\a` -> `\`. */
export function parentOf(path: string): string {
  const cut = path.lastIndexOf('\\');
  return cut <= 0 ? ROOT : path.slice(0, cut);
}

/** `\a\b\c` -> [`\a`, `\a\b`, `\a\b\c`]; the root gives []. */
export function ancestorsTopDown(path: string): string[] {
  if (path === ROOT) return [];
  const parts = path.slice(1).split('\\');
  return parts.map((_, i) => ROOT + parts.slice(0, i + 1).join('\\'));
}

/**
 * Bounds of the paths strictly below `path` in binary (code point) order: every descendant starts
 * with `path\`, and `\` (0x5C) is followed by `]` (0x5D), so they are `lo <= p < hi`.
 */
export function descendantRange(path: string): [string, string] {
  return path === ROOT ? [ROOT, ']'] : [`${path}\\`, `${path}]`];
}
