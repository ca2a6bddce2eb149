import type { Concatenated } from './concatenated.js';
import { ContractViolationError } from '../errors/index.js';
import type { Pattern } from './pattern.js';
import type { Ramp } from './ramp.js';
import type { Repeated } from './repeated.js';
import type { TimedInstruction } from './timed-instruction.js';

/**
 * The closed set of instruction nodes. `switch (node.kind)` over it is exhaustive, which is how
 * drivers and the algebra walk a tree.
 */
export type InstructionNode = Pattern | Concatenated | Repeated | Ramp;

/**
 * Narrows an instruction to the node union so that `switch (node.kind)` type-checks.
 * @throws ContractViolationError for a foreign subclass of TimedInstruction.
 */
export function asNode(instruction: TimedInstruction): InstructionNode {
  const kind = (instruction as { kind?: unknown }).kind;
  if (kind === 'pattern' || kind === 'concatenated' || kind === 'repeated' || kind === 'ramp') {
    return instruction as InstructionNode;
  }
  throw new ContractViolationError(`unknown instruction node kind "${String(kind)}"`);
}
