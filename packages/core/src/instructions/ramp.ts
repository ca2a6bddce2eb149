import { isFloatDType, isRepresentable } from './dtype.js';
import { InstructionValueError } from './instruction-errors.js';
import { InstructionLayout } from './instruction-layout.js';
import { FLOAT64_SLOTS, MAX_SHARED_SLOTS } from './internal/leaf-slots.js';
import { Pattern } from './pattern.js';
import { TimedInstruction } from './timed-instruction.js';

/**
 * Linear ramps on every channel at once: at tick `i` channel `f` is
 * `start(f) + i * (stop(f) - start(f)) / length`, so `stop` itself is excluded (like
 * `linspace(endpoint=false)`). Float channels may ramp; other channels (e.g. a digital channel
 * stacked with an analog ramp) are constant: `start == stop`. Ends are finite; `length >= 1`.
 *
 * Build one with {@link createRamp}; stacking ramps with ramps or constants keeps ramps.
 */
export class Ramp extends TimedInstruction {
  readonly kind = 'ramp' as const;
  readonly depth = 1;
  /**
   * Shared storage of the ends: channel f starts at `bounds[startAt + f * stride]` and stops at
   * `bounds[stopAt + f * stride]` (stacking stores many ramps column by column). Low-level; prefer
   * {@link Ramp.start} and {@link Ramp.stop}.
   */
  readonly bounds: Readonly<Float64Array>;
  /** Index in `bounds` of channel 0's start. */
  readonly startAt: number;
  /** Index in `bounds` of channel 0's stop. */
  readonly stopAt: number;
  /** Distance in `bounds` between the ends of consecutive channels. */
  readonly stride: number;

  /**
   * Wraps shared bounds without validation. Low-level (used by the algebra); use
   * {@link createRamp} or {@link Ramp.fromEnds}.
   */
  constructor(
    layout: InstructionLayout,
    bounds: Readonly<Float64Array>,
    startAt: number,
    stopAt: number,
    length: number,
    stride = 1,
  ) {
    super(layout, length);
    this.bounds = bounds;
    this.startAt = startAt;
    this.stopAt = stopAt;
    this.stride = stride;
  }

  /**
   * A ramp with a given layout and per-channel ends (copied and validated). Ends of narrow ramps
   * are stored in slots of shared blocks (see `bounds`), not in an array of their own.
   * @throws InstructionValueError for a non-finite end, a length < 1, or a non-float channel whose
   * ends differ.
   */
  static fromEnds(
    layout: InstructionLayout,
    starts: ArrayLike<number>,
    stops: ArrayLike<number>,
    length: number,
  ): Ramp {
    const width = layout.width;
    if (starts.length !== width || stops.length !== width) {
      throw new InstructionValueError(
        `a ramp on ${width} channel(s) needs ${width} starts and stops`,
      );
    }
    if (!Number.isSafeInteger(length) || length < 1) {
      throw new InstructionValueError(`a ramp needs an integer length >= 1, got ${length}`);
    }
    for (let f = 0; f < width; f++) checkEnds(layout, f, starts[f]!, stops[f]!);
    let bounds: Float64Array;
    let at = 0;
    if (2 * width <= MAX_SHARED_SLOTS) {
      at = FLOAT64_SLOTS.take(2 * width);
      bounds = FLOAT64_SLOTS.block;
    } else {
      bounds = new Float64Array(2 * width);
    }
    for (let f = 0; f < width; f++) {
      bounds[at + f] = starts[f]!;
      bounds[at + width + f] = stops[f]!;
    }
    return new Ramp(layout, bounds, at, at + width, length);
  }

  /** The value of a channel at tick 0. */
  start(fieldIndex = 0): number {
    return this.bounds[this.startAt + fieldIndex * this.stride]!;
  }

  /** The (excluded) end value of a channel, reached at tick `length`. */
  stop(fieldIndex = 0): number {
    return this.bounds[this.stopAt + fieldIndex * this.stride]!;
  }

  /** The increment per tick of a channel: `(stop - start) / length`. */
  slope(fieldIndex = 0): number {
    return (this.stop(fieldIndex) - this.start(fieldIndex)) / this.length;
  }

  override numberAt(index: number, fieldIndex: number): number {
    const start = this.bounds[this.startAt + fieldIndex * this.stride]!;
    const stop = this.bounds[this.stopAt + fieldIndex * this.stride]!;
    return start + index * ((stop - start) / this.length);
  }

  override equals(other: TimedInstruction): boolean {
    if (this === other) return true;
    if (!(other instanceof Ramp)) return false;
    if (this.length !== other.length || !this.layout.equals(other.layout)) return false;
    for (let f = 0; f < this.width; f++) {
      if (this.start(f) !== other.start(f) || this.stop(f) !== other.stop(f)) return false;
    }
    return true;
  }

  override toString(): string {
    const show = (value: number, dtype: string): string =>
      dtype === 'bool' ? String(value !== 0) : String(value);
    const ends = (get: (f: number) => number): string =>
      this.layout.structured
        ? `{${this.layout.fields.map((f, k) => `${f.name}: ${show(get(k), f.dtype)}`).join(', ')}}`
        : show(get(0), this.layout.dtype);
    return `${ends((f) => this.start(f))} -${this.length}-> ${ends((f) => this.stop(f))}`;
  }
}

/**
 * @throws InstructionValueError for non-finite ends, a non-float channel whose ends differ or a
 * value its dtype cannot hold.
 */
function checkEnds(layout: InstructionLayout, f: number, start: number, stop: number): void {
  const field = layout.fields[f]!;
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new InstructionValueError(`ramp ends must be finite, got ${start} and ${stop}`, {
      location: locationOf(field.name),
    });
  }
  if (isFloatDType(field.dtype)) return;
  if (start !== stop) {
    throw new InstructionValueError(
      `a ${field.dtype} channel cannot ramp (from ${start} to ${stop}): only float channels ramp`,
      { location: locationOf(field.name) },
    );
  }
  if (!isRepresentable(start, field.dtype)) {
    throw new InstructionValueError(`value ${start} does not fit dtype ${field.dtype}`, {
      location: locationOf(field.name),
    });
  }
}

function locationOf(channel: string): { channel?: string } {
  return channel ? { channel } : {};
}

/**
 * A float64 ramp from `start` (included) to `stop` (excluded) over `length` ticks; the empty
 * instruction when `length` is 0.
 * @throws InstructionValueError for non-finite ends or a length that is not a non-negative integer.
 */
export function createRamp(start: number, stop: number, length: number): TimedInstruction {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new InstructionValueError(`a ramp length must be a non-negative integer, got ${length}`);
  }
  if (length === 0) {
    if (!Number.isFinite(start) || !Number.isFinite(stop)) {
      throw new InstructionValueError(`ramp ends must be finite, got ${start} and ${stop}`);
    }
    return Pattern.empty('float64');
  }
  return Ramp.fromEnds(InstructionLayout.scalar('float64'), [start], [stop], length);
}
