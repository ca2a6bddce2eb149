import {
  type TimedInstruction,
  InstructionLayout,
  Pattern,
  asNode,
  concatenate,
  createRamp,
  repeat,
} from '@shotline/core';
import { ChannelOutputError } from '../sequencer-errors.js';

const FLOAT = InstructionLayout.scalar('float64');

/**
 * A piecewise-linear function through points `(x, y)` (sorted on construction), held flat beyond the
 * first and last points. Maps instructions exactly: a ramp becomes a concatenation of sub-ramps, one
 * per segment it crosses, with no unrolling.
 */
export class PiecewiseLinear {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  private readonly slopes: Float64Array;

  /**
   * @throws ChannelOutputError for fewer than 2 points, non-finite values, two points with the
   * same x (a vertical segment) or so close that the slope overflows.
   */
  constructor(points: readonly (readonly [number, number])[]) {
    if (points.length < 2) {
      throw new ChannelOutputError(`a calibration needs at least 2 points, got ${points.length}`);
    }
    const sorted = [...points].sort((a, b) => a[0] - b[0]);
    this.xs = Float64Array.from(sorted, (p) => p[0]);
    this.ys = Float64Array.from(sorted, (p) => p[1]);
    this.slopes = new Float64Array(sorted.length - 1);
    for (let j = 0; j < sorted.length; j++) {
      if (!Number.isFinite(this.xs[j]!) || !Number.isFinite(this.ys[j]!)) {
        throw new ChannelOutputError(`calibration point ${j} is not finite`);
      }
      if (j > 0) {
        const dx = this.xs[j]! - this.xs[j - 1]!;
        if (dx === 0) {
          throw new ChannelOutputError(
            `two calibration points have the same input ${this.xs[j]}: the mapping would be vertical`,
          );
        }
        const slope = (this.ys[j]! - this.ys[j - 1]!) / dx;
        if (!Number.isFinite(slope)) {
          throw new ChannelOutputError(
            `calibration points ${this.xs[j - 1]} and ${this.xs[j]} are too close for their outputs: the slope overflows`,
          );
        }
        this.slopes[j - 1] = slope;
      }
    }
  }

  /** Segment of `x`: -1 below the first point, `n - 1` at or above the last, else j with `xs[j] <= x < xs[j+1]`. */
  segmentOf(x: number): number {
    const xs = this.xs;
    const last = xs.length - 1;
    if (x < xs[0]!) return -1;
    if (x >= xs[last]!) return last;
    let lo = 0;
    let hi = last - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (xs[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The value at `x`, clamped beyond the end points. */
  valueAt(x: number): number {
    return this.onSegment(this.segmentOf(x), x);
  }

  /** The affine function of a segment at `x` (constant outside the points), extended beyond it. */
  private onSegment(segment: number, x: number): number {
    if (segment < 0) return this.ys[0]!;
    if (segment >= this.slopes.length) return this.ys[this.ys.length - 1]!;
    return this.ys[segment]! + (x - this.xs[segment]!) * this.slopes[segment]!;
  }

  /** The instruction mapped value by value (float64), keeping its structure; ramps stay ramps. */
  map(instruction: TimedInstruction): TimedInstruction {
    if (instruction.layout.structured) {
      throw new ChannelOutputError('a calibration maps one channel at a time');
    }
    const node = asNode(instruction);
    switch (node.kind) {
      case 'pattern': {
        const column = node.column(0);
        const out = new Float64Array(node.length);
        for (let i = 0; i < out.length; i++) out[i] = this.valueAt(column[i]!);
        return new Pattern(FLOAT, [out], 0, out.length);
      }
      case 'ramp':
        return this.mapRamp(node.start(0), node.stop(0), node.length);
      case 'concatenated':
        return concatenate(...node.instructions.map((child) => this.map(child)));
      case 'repeated':
        return repeat(this.map(node.instruction), node.repetitions);
    }
  }

  /**
   * The ramp `start + i * (stop - start) / length` (i in [0, length)) mapped: one sub-ramp per
   * segment it crosses, each the segment's affine function at the sub-ramp's ticks (so equal, up to
   * rounding, to mapping the unrolled values), and constants where it is clamped.
   */
  private mapRamp(start: number, stop: number, length: number): TimedInstruction {
    const slope = (stop - start) / length;
    if (slope === 0) return repeat(Pattern.of([this.valueAt(start)]), length);
    const at = (i: number): number => (i === length ? stop : start + i * slope);
    const pieces: TimedInstruction[] = [];
    let i = 0;
    while (i < length) {
      const segment = this.segmentOf(at(i));
      // The tick where the value leaves the segment, from its bound, then fixed up for rounding.
      const bound =
        slope > 0
          ? segment + 1 < this.xs.length
            ? this.xs[segment + 1]!
            : Infinity
          : segment >= 0
            ? this.xs[segment]!
            : -Infinity;
      let end = Number.isFinite(bound)
        ? Math.min(length, Math.max(i + 1, Math.ceil((bound - start) / slope)))
        : length;
      while (end > i + 1 && this.segmentOf(at(end - 1)) !== segment) end--;
      while (end < length && this.segmentOf(at(end)) === segment) end++;
      const n = end - i;
      if (segment < 0 || segment >= this.slopes.length) {
        pieces.push(repeat(Pattern.of([this.onSegment(segment, at(i))]), n));
      } else {
        pieces.push(
          createRamp(this.onSegment(segment, at(i)), this.onSegment(segment, at(end)), n),
        );
      }
      i = end;
    }
    return concatenate(...pieces);
  }
}
