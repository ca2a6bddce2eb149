import { InvalidTypeError, InvalidValueError } from '../errors/index.js';

/** A block of a lane: one value over the steps `[start, stop)`. */
export interface LaneBlock<V> {
  readonly value: V;
  /** First step of the block. */
  readonly start: number;
  /** Step after the last one. */
  readonly stop: number;
}

/** A value and the number of steps it spans (at least 1). */
export type SpannedValue<V> = readonly [value: V, span: number];

/** JSON of a lane: its type tag and `[value, span]` blocks. */
export interface TimeLaneJson {
  type: string;
  blocks: [unknown, number][];
}

/**
 * A lane of the time table: one value per step, stored as run-length blocks. Equal neighbouring
 * blocks are never merged (a 2-step ramp block is not two 1-step ramps). Immutable: edits return a
 * new lane of the same class. Step indices are 0-based; reading accepts negative indices from the end.
 *
 * Subclasses give a type tag (`digital`, `analog`, `camera`, or a plugin's) and the value rules.
 */
export abstract class TimeLane<V = unknown> {
  /** The type tag, stored in JSON and used by the {@link LaneTypeRegistry}. */
  abstract readonly type: string;
  /** The blocks, in step order. */
  readonly blocks: readonly LaneBlock<V>[];
  /** Number of steps. */
  readonly length: number;

  protected constructor(spans: Iterable<SpannedValue<V>>) {
    const blocks: LaneBlock<V>[] = [];
    let start = 0;
    for (const [value, span] of spans) {
      const block = blocks.length;
      if (!Number.isSafeInteger(span) || span < 1) {
        throw new InvalidValueError(
          `a block spans a whole number of steps >= 1, not ${String(span)}`,
          {
            location: { block },
          },
        );
      }
      const problem = this.checkValue(value);
      if (problem !== undefined) throw new InvalidTypeError(problem, { location: { block } });
      blocks.push(Object.freeze({ value, start, stop: start + span }));
      start += span;
    }
    this.blocks = Object.freeze(blocks);
    this.length = start;
  }

  /** Returns why `value` is not allowed in this lane, or undefined if it is. */
  protected abstract checkValue(value: unknown): string | undefined;

  /** Builds a lane of the same class from spans. */
  protected abstract withSpans(spans: readonly SpannedValue<V>[]): this;

  /** True if two block values are equal. */
  abstract valueEquals(a: V, b: V): boolean;

  /** JSON of one block value. */
  abstract valueToJSON(value: V): unknown;

  /** Number of blocks. */
  get numberBlocks(): number {
    return this.blocks.length;
  }

  private normalizeStep(step: number, allowEnd = false): number {
    const s = step < 0 ? this.length + step : step;
    const max = allowEnd ? this.length : this.length - 1;
    if (!Number.isInteger(step) || s < 0 || s > max) {
      throw new RangeError(`step ${step} is out of range (the lane has ${this.length} steps)`);
    }
    return s;
  }

  /** Index of the block containing `step` (negative steps count from the end). */
  blockIndexAt(step: number): number {
    const s = this.normalizeStep(step);
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.blocks[mid]!.stop <= s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The block containing `step`. */
  blockAt(step: number): LaneBlock<V> {
    return this.blocks[this.blockIndexAt(step)]!;
  }

  /** The value at `step`. */
  valueAt(step: number): V {
    return this.blockAt(step).value;
  }

  /** `[value, span]` of every block. */
  spannedValues(): SpannedValue<V>[] {
    return this.blocks.map((b) => [b.value, b.stop - b.start] as const);
  }

  /** One value per step. */
  values(): V[] {
    const out: V[] = [];
    for (const b of this.blocks) for (let i = b.start; i < b.stop; i++) out.push(b.value);
    return out;
  }

  /** Replaces the steps `[start, stop)` by `inserted` spans; the core of every edit. */
  private splice(start: number, stop: number, inserted: readonly SpannedValue<V>[]): this {
    const before: SpannedValue<V>[] = [];
    const after: SpannedValue<V>[] = [];
    for (const b of this.blocks) {
      if (b.start < start) before.push([b.value, Math.min(b.stop, start) - b.start]);
      if (b.stop > stop) after.push([b.value, b.stop - Math.max(b.start, stop)]);
    }
    return this.withSpans([...before, ...inserted, ...after]);
  }

  /** A copy where `step` has `value` (its block is split into before / the step / after). */
  withStep(step: number, value: V): this {
    const s = this.normalizeStep(step);
    return this.splice(s, s + 1, [[value, 1]]);
  }

  /** A copy where the steps `[start, stop)` are one block of `value`. */
  withRange(start: number, stop: number, value: V): this {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(stop) ||
      start < 0 ||
      stop > this.length ||
      start >= stop
    ) {
      throw new RangeError(
        `[${start}, ${stop}) is not a non-empty range of the ${this.length} steps`,
      );
    }
    return this.splice(start, stop, [[value, stop - start]]);
  }

  /**
   * A copy with a step inserted before `step` (`step` = length appends). With a value, the new
   * step is a block of its own; without, the block before it (or after it, at step 0) grows by one.
   */
  insertStep(step: number, ...value: [] | [V]): this {
    const s = this.normalizeStep(step, true);
    if (value.length === 1) return this.splice(s, s, [[value[0], 1]]);
    if (this.length === 0)
      throw new RangeError('a value is needed to insert a step in an empty lane');
    const grow = this.blockIndexAt(s === 0 ? 0 : s - 1);
    return this.withSpans(
      this.spannedValues().map(([v, span], i) => [v, i === grow ? span + 1 : span] as const),
    );
  }

  /** A copy without `step` (its block shrinks, or disappears if it spanned only that step). */
  deleteStep(step: number): this {
    const s = this.normalizeStep(step);
    const at = this.blockIndexAt(s);
    const spans: SpannedValue<V>[] = [];
    this.spannedValues().forEach(([v, span], i) => {
      if (i !== at) spans.push([v, span]);
      else if (span > 1) spans.push([v, span - 1]);
    });
    return this.withSpans(spans);
  }

  /** Same type tag and the same blocks (values and spans). */
  equals(other: TimeLane): boolean {
    if (other.type !== this.type || other.blocks.length !== this.blocks.length) return false;
    return this.blocks.every((b, i) => {
      const o = other.blocks[i]!;
      return o.start === b.start && o.stop === b.stop && this.valueEquals(b.value, o.value as V);
    });
  }

  /** `{ "type": tag, "blocks": [[value, span], ...] }`. */
  toJSON(): TimeLaneJson {
    return {
      type: this.type,
      blocks: this.blocks.map((b) => [this.valueToJSON(b.value), b.stop - b.start]),
    };
  }
}
