import { type TimedInstruction, asNode } from '@shotline/core';

/** The smallest and largest value of one channel over all ticks (`[Infinity, -Infinity]` if empty). */
export function valueRange(instruction: TimedInstruction, field = 0): [number, number] {
  const node = asNode(instruction);
  switch (node.kind) {
    case 'pattern': {
      const column = node.column(field);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < column.length; i++) {
        const v = column[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return [lo, hi];
    }
    case 'ramp': {
      const first = node.start(field);
      const last = node.numberAt(node.length - 1, field);
      return [Math.min(first, last), Math.max(first, last)];
    }
    case 'repeated':
      return valueRange(node.instruction, field);
    case 'concatenated': {
      let lo = Infinity;
      let hi = -Infinity;
      for (const child of node.instructions) {
        const [a, b] = valueRange(child, field);
        if (a < lo) lo = a;
        if (b > hi) hi = b;
      }
      return [lo, hi];
    }
  }
}
