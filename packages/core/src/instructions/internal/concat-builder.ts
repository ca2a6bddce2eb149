import { allocateTyped } from '../dtype.js';
import { Concatenated } from '../concatenated.js';
import type { InstructionLayout } from '../instruction-layout.js';
import { Pattern } from '../pattern.js';
import type { TimedInstruction } from '../timed-instruction.js';

/**
 * Builds a concatenation incrementally with the invariants of {@link Concatenated}: nested
 * concatenations are flattened, empty pieces dropped, and runs of adjacent patterns fused into one
 * pattern. Fusing patterns that are contiguous windows of the same columns costs nothing; otherwise
 * the run is copied once when it ends.
 */
export class ConcatBuilder {
  private readonly parts: TimedInstruction[] = [];
  private run: Pattern[] = [];

  constructor(readonly layout: InstructionLayout) {}

  /** Appends an instruction (of this builder's layout). */
  push(x: TimedInstruction): void {
    if (x.length === 0) return;
    if (x.kind === 'pattern') {
      this.run.push(x as Pattern);
    } else if (x.kind === 'concatenated') {
      for (const child of (x as Concatenated).instructions) this.push(child);
    } else {
      this.flushRun();
      this.parts.push(x);
    }
  }

  /** The concatenation: the empty pattern, the single piece, or a Concatenated. */
  build(): TimedInstruction {
    this.flushRun();
    if (this.parts.length === 0) return Pattern.empty(this.layout);
    if (this.parts.length === 1) return this.parts[0]!;
    return new Concatenated(this.parts);
  }

  private flushRun(): void {
    const run = this.run;
    if (run.length === 0) return;
    this.run = [];
    this.parts.push(fusePatterns(run, this.layout));
  }
}

/** One pattern with the values of `run` in order (zero-copy when they are contiguous windows). */
export function fusePatterns(run: readonly Pattern[], layout: InstructionLayout): Pattern {
  if (run.length === 1) return run[0]!;
  let contiguous = true;
  let total = run[0]!.length;
  for (let i = 1; i < run.length; i++) {
    const previous = run[i - 1]!;
    const current = run[i]!;
    total += current.length;
    if (contiguous) {
      if (current.offset !== previous.offset + previous.length) contiguous = false;
      else if (current.columns !== previous.columns) {
        for (let f = 0; f < current.columns.length; f++) {
          if (current.columns[f] !== previous.columns[f]) {
            contiguous = false;
            break;
          }
        }
      }
    }
  }
  const first = run[0]!;
  if (contiguous) return new Pattern(layout, first.columns, first.offset, total);
  const columns = layout.fields.map((field, f) => {
    const column = allocateTyped(field.dtype, total);
    let at = 0;
    for (const p of run) {
      column.set(p.columns[f]!.subarray(p.offset, p.offset + p.length), at);
      at += p.length;
    }
    return column;
  });
  return new Pattern(layout, columns, 0, total);
}
