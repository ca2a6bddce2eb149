/** `0-4, 7, 9-10` for the indices given (sorted and deduplicated first); `none` when empty. */
export function formatIndexRanges(indices: Iterable<number>): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (sorted.length === 0) return 'none';
  const parts: string[] = [];
  let start = sorted[0]!;
  let end = start;
  for (const index of sorted.slice(1)) {
    if (index === end + 1) {
      end = index;
      continue;
    }
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    start = end = index;
  }
  parts.push(start === end ? `${start}` : `${start}-${end}`);
  return parts.join(', ');
}
