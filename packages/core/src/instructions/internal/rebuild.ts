import type { Concatenated } from '../concatenated.js';
import type { InstructionLayout } from '../instruction-layout.js';
import type { Pattern } from '../pattern.js';
import type { Ramp } from '../ramp.js';
import type { Repeated } from '../repeated.js';
import { repeat } from '../repeat.js';
import type { TimedInstruction } from '../timed-instruction.js';
import { ConcatBuilder } from './concat-builder.js';

/**
 * Rebuilds a tree with transformed leaves, keeping Repeated and Concatenated structure (and the
 * sharing of common subtrees: each distinct node is transformed once). A leaf may become any
 * instruction of `layout`; concatenations are re-normalised (adjacent patterns fused).
 */
export function rebuild(
  x: TimedInstruction,
  layout: InstructionLayout,
  leaf: (node: Pattern | Ramp) => TimedInstruction,
): TimedInstruction {
  const memo = new Map<TimedInstruction, TimedInstruction>();
  const visit = (node: TimedInstruction): TimedInstruction => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    let result: TimedInstruction;
    switch (node.kind) {
      case 'pattern':
      case 'ramp':
        result = leaf(node as Pattern | Ramp);
        break;
      case 'repeated': {
        const r = node as Repeated;
        result = repeat(visit(r.instruction), r.repetitions);
        break;
      }
      case 'concatenated': {
        const builder = new ConcatBuilder(layout);
        for (const child of (node as Concatenated).instructions) builder.push(visit(child));
        result = builder.build();
        break;
      }
      default:
        throw new Error(`unknown instruction node kind "${String(node.kind)}"`);
    }
    memo.set(node, result);
    return result;
  };
  return visit(x);
}
