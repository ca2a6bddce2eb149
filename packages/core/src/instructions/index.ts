// Placeholder until the instruction algebra lands: the real TimedInstruction replaces this.
/** @internal placeholder */
export interface TimedInstruction {
  readonly length: number;
}
