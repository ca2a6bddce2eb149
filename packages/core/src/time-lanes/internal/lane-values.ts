import { withContext } from '../../errors/index.js';
import { Expression } from '../../expression/expression.js';
import type { SpannedValue } from '../time-lane.js';

/** Groups consecutive equal values into `[value, span]` blocks. */
export function groupEqual<V>(
  values: readonly V[],
  equals: (a: V, b: V) => boolean,
): SpannedValue<V>[] {
  const spans: [V, number][] = [];
  for (const v of values) {
    const last = spans[spans.length - 1];
    if (last !== undefined && equals(last[0], v)) last[1]++;
    else spans.push([v, 1]);
  }
  return spans;
}

/** Describes an unexpected value for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The spans with expression texts parsed; a parse error names its block. */
export function parseSpans<V>(
  spans: Iterable<SpannedValue<V | string>>,
): SpannedValue<V | Expression>[] {
  return [...spans].map(([value, span], block) => {
    if (typeof value !== 'string') return [value, span];
    try {
      return [new Expression(value), span];
    } catch (e) {
      throw withContext(e, { block });
    }
  });
}
