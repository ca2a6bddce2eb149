// Reading tick values out of a tree without building intermediate instructions. Only type imports of
// the node classes, so that any node module can use it without an import cycle.
import type { InstructionArray } from '../dtype.js';
import type { Concatenated } from '../concatenated.js';
import type { Pattern } from '../pattern.js';
import type { Ramp } from '../ramp.js';
import type { Repeated } from '../repeated.js';
import type { TimedInstruction } from '../timed-instruction.js';

/**
 * Writes the values of channel `field` for ticks `[start, start + count)` of `x` into
 * `out[outOffset ...]`. Repeats are copied with `copyWithin`, so a long Repeated costs memory
 * bandwidth, not recursion.
 */
export function readRange(
  x: TimedInstruction,
  field: number,
  start: number,
  count: number,
  out: InstructionArray,
  outOffset: number,
): void {
  if (count <= 0) return;
  switch (x.kind) {
    case 'pattern': {
      const p = x as Pattern;
      const column = p.columns[field]!;
      const from = p.offset + start;
      if (count === 1) out[outOffset] = column[from]!;
      else out.set(column.subarray(from, from + count), outOffset);
      return;
    }
    case 'ramp': {
      const r = x as Ramp;
      const s = r.start(field);
      const step = (r.stop(field) - s) / r.length;
      if (step === 0) {
        out.fill(s, outOffset, outOffset + count);
        return;
      }
      for (let i = 0; i < count; i++) out[outOffset + i] = s + (start + i) * step;
      return;
    }
    case 'repeated': {
      const rep = x as Repeated;
      const inner = rep.instruction;
      const period = inner.length;
      if (period === 1) {
        out.fill(inner.numberAt(0, field), outOffset, outOffset + count);
        return;
      }
      const phase = start % period;
      const head = Math.min(count, period - phase);
      readRange(inner, field, phase, head, out, outOffset);
      let done = head;
      if (done >= count) return;
      // One full period, then doubling copies of what is already written.
      const firstPeriod = outOffset + done;
      const full = Math.min(period, count - done);
      readRange(inner, field, 0, full, out, firstPeriod);
      done += full;
      let filled = full;
      while (done < count) {
        const chunk = Math.min(filled - (filled % period), count - done);
        out.copyWithin(outOffset + done, firstPeriod, firstPeriod + chunk);
        done += chunk;
        filled += chunk;
      }
      return;
    }
    case 'concatenated': {
      const c = x as Concatenated;
      let i = c.childIndexAt(start);
      let position = start;
      let written = 0;
      while (written < count) {
        const childStart = c.offsets[i]!;
        const child = c.instructions[i]!;
        const local = position - childStart;
        const n = Math.min(count - written, child.length - local);
        readRange(child, field, local, n, out, outOffset + written);
        written += n;
        position += n;
        i++;
      }
      return;
    }
    default:
      throw new Error(`unknown instruction node kind "${String(x.kind)}"`);
  }
}
