import type { SequenceSummary, TreeNode } from '../api/api-types.js';

/** A folder or sequence of the tree shown on the sequences page, with its children. */
export interface PathTreeItem {
  readonly path: string;
  readonly name: string;
  readonly kind: 'folder' | 'sequence';
  /** State and progress of a sequence. */
  readonly summary?: SequenceSummary;
  readonly children: PathTreeItem[];
}

/** The separator of shotline paths (`\mot\scan`). */
export const PATH_SEPARATOR = '\\';

/** The last segment of a path (`scan` of `\mot\scan`). */
export function pathName(path: string): string {
  return path.slice(path.lastIndexOf(PATH_SEPARATOR) + 1);
}

/** The parent of a path (`\mot` of `\mot\scan`; `\` of `\mot`). */
export function parentPath(path: string): string {
  const at = path.lastIndexOf(PATH_SEPARATOR);
  return at <= 0 ? PATH_SEPARATOR : path.slice(0, at);
}

/** `parent` + `name` (`\mot` + `scan` = `\mot\scan`). */
export function childPath(parent: string, name: string): string {
  return parent === PATH_SEPARATOR
    ? `${PATH_SEPARATOR}${name}`
    : `${parent}${PATH_SEPARATOR}${name}`;
}

/**
 * Nests the server's flat tree (depth first, sorted) and attaches each sequence's state and
 * progress. A node whose parent is missing is placed at the top.
 */
export function buildPathTree(
  nodes: readonly TreeNode[],
  summaries: readonly SequenceSummary[],
): PathTreeItem[] {
  const byPath = new Map(summaries.map((s) => [s.path, s]));
  const items = new Map<string, PathTreeItem>();
  const top: PathTreeItem[] = [];
  for (const node of nodes) {
    const summary = byPath.get(node.path);
    const item: PathTreeItem = {
      path: node.path,
      name: pathName(node.path),
      kind: node.kind,
      ...(summary ? { summary } : {}),
      children: [],
    };
    items.set(node.path, item);
    const parent = items.get(parentPath(node.path));
    (parent ? parent.children : top).push(item);
  }
  return top;
}

/** Progress of a sequence as a fraction 0..1, or null when the number of shots is unknown. */
export function progressFraction(summary: {
  completedShots: number;
  expectedShots: number | null;
}): number | null {
  if (summary.expectedShots === null || summary.expectedShots <= 0) return null;
  return Math.min(1, summary.completedShots / summary.expectedShots);
}
