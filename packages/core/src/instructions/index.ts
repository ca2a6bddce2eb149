// Timed instructions: an immutable, compressed, multi-channel description of one value per clock
// tick, and its algebra. See packages/core/docs/instructions.md for the driver guide.
export {
  type InstructionDType,
  type InstructionArray,
  type InstructionArrayOf,
  type ReadonlyInstructionArray,
  INSTRUCTION_DTYPES,
  isInstructionDType,
} from './dtype.js';
export * from './instruction-errors.js';
export * from './instruction-layout.js';
export * from './timed-instruction.js';
export * from './instruction-node.js';
export * from './pattern.js';
export * from './concatenated.js';
export * from './repeated.js';
export * from './ramp.js';
export * from './constant.js';
export * from './concatenate.js';
export * from './repeat.js';
export { sliceInstruction } from './slice.js';
export * from './cast.js';
export * from './field.js';
export * from './stack.js';
export * from './map.js';
export * from './zip.js';
export * from './to-pattern.js';
export * from './change-table.js';
export * from './transfer-codec.js';
