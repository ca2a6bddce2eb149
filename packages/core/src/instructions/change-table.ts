import { type InstructionArray, allocateTyped } from './dtype.js';
import type { Concatenated } from './concatenated.js';
import {
  InstructionTooLargeError,
  InstructionTypeError,
  InstructionValueError,
} from './instruction-errors.js';
import type { InstructionLayout } from './instruction-layout.js';
import { ConcatBuilder } from './internal/concat-builder.js';
import { Pattern } from './pattern.js';
import type { Ramp } from './ramp.js';
import { Repeated } from './repeated.js';
import type { TimedInstruction } from './timed-instruction.js';

/**
 * An instruction as (time, value) entries, for drivers that program "set these outputs at tick t".
 * Entry i holds from `times[i]` until `times[i + 1]`; there is one entry per change of value (of
 * any channel), and a final sentinel entry at `times = length` repeating the last values. A
 * Repeated of a constant is one entry, however long.
 */
export interface ChangeTable {
  readonly layout: InstructionLayout;
  /** Ticks, strictly increasing; the last one is the instruction's length. */
  readonly times: Float64Array;
  /** Per channel, the value from each time on (same length as `times`). */
  readonly columns: readonly InstructionArray[];
}

/** Options of {@link changeTable}. */
export interface ChangeTableOptions {
  /** Refuse tables with more entries than this, sentinel included (default 2^24, about 16.8 million). */
  readonly maxEntries?: number;
}

/** Default cap of {@link changeTable}. */
export const DEFAULT_MAX_CHANGE_ENTRIES = 1 << 24;

/**
 * The change table of an instruction, computed on the tree: repeats of constants collapse, repeated
 * blocks are copied with their offsets, and an entry is emitted only when a value changes.
 * An empty instruction gives an empty table (no sentinel).
 * @throws InstructionTooLargeError when the table would exceed `maxEntries` (e.g. a 1 s square wave
 * at the clock rate), before allocating it.
 */
export function changeTable(
  instruction: TimedInstruction,
  options: ChangeTableOptions = {},
): ChangeTable {
  const table = new TableBuilder(
    instruction.layout,
    options.maxEntries ?? DEFAULT_MAX_CHANGE_ENTRIES,
  );
  if (instruction.length === 0) return table.finish();
  const memo = new Map<TimedInstruction, ChangeTable>();
  table.append(instruction, 0, memo);
  table.sentinel(instruction.length);
  return table.finish();
}

/**
 * The instruction a change table describes (compressed: one Repeated per entry), so that
 * `expandChangeTable(changeTable(x)).valueEquals(x)`.
 * @throws InstructionValueError if the times are not strictly increasing from 0.
 */
export function expandChangeTable(table: ChangeTable): TimedInstruction {
  const { times, layout } = table;
  if (times.length === 0) return Pattern.empty(layout);
  if (
    table.columns.length !== layout.width ||
    table.columns.some((c) => c.length !== times.length)
  ) {
    throw new InstructionTypeError('change table columns do not match its times and layout');
  }
  if (times[0] !== 0) throw new InstructionValueError('a change table must start at tick 0');
  const columns = table.columns.map((c) => c.slice());
  const builder = new ConcatBuilder(layout);
  for (let i = 0; i + 1 < times.length; i++) {
    const duration = times[i + 1]! - times[i]!;
    if (!(duration > 0) || !Number.isSafeInteger(duration)) {
      throw new InstructionValueError(`change table times must strictly increase (entry ${i + 1})`);
    }
    const row = new Pattern(layout, columns, i, 1);
    builder.push(duration === 1 ? row : new Repeated(duration, row));
  }
  return builder.build();
}

class TableBuilder {
  private times: Float64Array;
  private columns: InstructionArray[];
  private count = 0;

  constructor(
    private readonly layout: InstructionLayout,
    private readonly maxEntries: number,
  ) {
    const capacity = Math.max(1, Math.min(16, maxEntries));
    this.times = new Float64Array(capacity);
    this.columns = layout.fields.map((f) => allocateTyped(f.dtype, capacity));
  }

  /** Appends the entries of `x` placed at tick `at`. */
  append(x: TimedInstruction, at: number, memo: Map<TimedInstruction, ChangeTable>): void {
    switch (x.kind) {
      case 'pattern': {
        const p = x as Pattern;
        for (let i = 0; i < p.length; i++) this.emit(at + i, p.columns, p.offset + i);
        return;
      }
      case 'ramp': {
        const r = x as Ramp;
        // One-value columns of the right dtypes, so comparisons see stored (rounded) values.
        const row = this.layout.fields.map((f) => allocateTyped(f.dtype, 1));
        const ticks = isVarying(r) ? r.length : 1;
        for (let i = 0; i < ticks; i++) {
          for (let f = 0; f < row.length; f++) row[f]![0] = r.numberAt(i, f);
          this.emit(at + i, row, 0);
        }
        return;
      }
      case 'concatenated': {
        const c = x as Concatenated;
        c.instructions.forEach((child, i) => this.append(child, at + c.offsets[i]!, memo));
        return;
      }
      case 'repeated': {
        const rep = x as Repeated;
        let inner = memo.get(rep.instruction);
        if (inner === undefined) {
          const sub = new TableBuilder(this.layout, this.maxEntries);
          sub.append(rep.instruction, 0, memo);
          inner = sub.finish();
          memo.set(rep.instruction, inner);
        }
        const entries = inner.times.length;
        if (entries === 1) {
          this.emit(at, inner.columns, 0);
          return;
        }
        const period = rep.instruction.length;
        const atLeast = this.count + rep.repetitions * (entries - 1);
        if (atLeast > this.maxEntries) this.tooLarge(atLeast);
        for (let r = 0; r < rep.repetitions; r++) {
          const start = at + r * period;
          this.emit(start, inner.columns, 0);
          for (let j = 1; j < entries; j++) this.push(start + inner.times[j]!, inner.columns, j);
        }
        return;
      }
      default:
        throw new Error(`unknown instruction node kind "${String(x.kind)}"`);
    }
  }

  sentinel(length: number): void {
    this.push(length, this.columns, this.count - 1);
  }

  finish(): ChangeTable {
    return {
      layout: this.layout,
      times: this.times.slice(0, this.count),
      columns: this.columns.map((c) => c.slice(0, this.count)),
    };
  }

  /** Appends the row `source[*][index]` at `time` unless it equals the last entry. */
  private emit(time: number, source: readonly InstructionArray[], index: number): void {
    if (this.count > 0) {
      let same = true;
      for (let f = 0; f < source.length; f++) {
        if (this.columns[f]![this.count - 1] !== source[f]![index]) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    this.push(time, source, index);
  }

  private push(time: number, source: readonly InstructionArray[], index: number): void {
    if (this.count === this.times.length) this.grow();
    this.times[this.count] = time;
    for (let f = 0; f < source.length; f++) this.columns[f]![this.count] = source[f]![index]!;
    this.count++;
  }

  private grow(): void {
    if (this.count >= this.maxEntries) this.tooLarge(this.count + 1);
    const size = Math.min(this.times.length * 2, this.maxEntries);
    const times = new Float64Array(size);
    times.set(this.times);
    this.times = times;
    this.columns = this.columns.map((c, f) => {
      const grown = allocateTyped(this.layout.fields[f]!.dtype, size);
      grown.set(c);
      return grown;
    });
  }

  private tooLarge(entries: number): never {
    throw new InstructionTooLargeError(
      `the change table needs at least ${entries} entries (limit ${this.maxEntries})`,
    );
  }
}

function isVarying(r: Ramp): boolean {
  for (let f = 0; f < r.width; f++) if (r.start(f) !== r.stop(f)) return true;
  return false;
}
