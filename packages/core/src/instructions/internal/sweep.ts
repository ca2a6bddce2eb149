// Stacking channels by one sweep over the union of their boundaries.
//
// Every input is flattened (through its Concatenated nodes only) into a list of atomic segments:
// patterns, ramps and Repeated nodes, each with the offset inside its node where it starts, and
// with constant values and ramp ends copied into flat arrays. The union of all inputs' boundaries
// is then found by one sweep (the next boundary is the smallest current segment end), recording
// which kinds of pieces meet on each interval. Each interval's output is:
// - all constant: one row, repeated over the interval;
// - constants and ramps: one multi-channel ramp (constants are zero-slope channels);
// - constants and Repeated nodes: if their periods have a common multiple P fitting twice in the
//   interval, one block of P ticks is stacked (recursively) and repeated, plus a remainder;
// - otherwise the Repeated pieces are unrolled one level and the interval is swept again, so
//   ramps are cut into sub-ramps rather than sampled;
// - what is left (explicit patterns with constants or ramps) is written out as rows.
// Single rows, explicit rows and ramp ends are written channel by channel into storage allocated
// once per sweep, in interval order, so a leaf costs no array allocation and adjacent rows and
// explicit intervals are contiguous windows that fuse into one pattern without a copy.
// Cost: O(segments + intervals x channels), with sequential memory access. Every transient table
// (segment lists, the interval plan) is a view into a scratch arena reused from one stacking to the
// next, so a stacking allocates its result and nothing else of size: on large programs, fresh
// tables cost page faults and left external memory behind that triggered garbage collections in
// the middle of later stackings.
import type { Concatenated } from '../concatenated.js';
import { type InstructionArray, allocateTyped } from '../dtype.js';
import { InstructionTooLargeError } from '../instruction-errors.js';
import type { InstructionLayout } from '../instruction-layout.js';
import { Pattern } from '../pattern.js';
import { Ramp } from '../ramp.js';
import { Repeated } from '../repeated.js';
import { repeat } from '../repeat.js';
import { sliceUnchecked } from '../slice.js';
import type { TimedInstruction } from '../timed-instruction.js';
import { ConcatBuilder } from './concat-builder.js';
import { readRange } from './read-values.js';
import { ScratchArena } from './scratch-arena.js';

const CONSTANT = 0;
const RAMP = 1;
const PATTERN = 2;
const REPEATED = 3;
const ONLY_CONSTANT = 1 << CONSTANT;
const LINEAR = (1 << CONSTANT) | (1 << RAMP);
const PATTERN_OR_RAMP = (1 << PATTERN) | (1 << RAMP);

/** Transient arrays of every stacking (stacking is synchronous; nested sweeps use marks). */
const ARENA = new ScratchArena();

/** Default cap on the number of values written out as explicit rows by one stacking. */
export const DEFAULT_MAX_MATERIALIZED = 1 << 28;

/**
 * The atomic segments of one input over the current frame, as parallel typed arrays from the
 * scratch arena. Constant values and ramp ends are copied into `data` (a fixed stride of
 * `2 * width + 1` per segment) when the list is built, walking one input's nodes in allocation
 * order, so that the sweep, which interleaves all inputs, reads flat arrays instead of chasing
 * pointers into cold node objects.
 */
class SegmentList {
  /** The node of each segment (shared with a Concatenated's children when built from one). */
  nodes: TimedInstruction[];
  /** Where each segment starts inside its node; null when every segment starts at 0. */
  offsets: Float64Array | null;
  /** Frame position where each segment ends. */
  ends: Float64Array;
  kinds: Uint8Array;
  /**
   * Segment s at `s * stride`. Constant: `width` values. Ramp: `width` starts, `width` stops, then
   * the ramp's length.
   */
  data: Float64Array;
  readonly stride: number;
  count = 0;

  constructor(
    /** Output channel index of this input's first channel. */
    readonly fieldBase: number,
    readonly width: number,
    capacity: number,
    nodes: TimedInstruction[] = [],
  ) {
    this.stride = 2 * width + 1;
    this.nodes = nodes;
    this.offsets = capacity > 0 ? ARENA.float64(capacity) : null;
    this.ends = ARENA.float64(capacity);
    this.kinds = ARENA.uint8(capacity);
    this.data = ARENA.float64(capacity * this.stride);
  }

  /**
   * The segments of a whole Concatenated, without copying what it already has: its children are
   * the nodes and its offsets the segment ends.
   */
  static ofConcatenated(c: Concatenated, fieldBase: number, width: number): SegmentList {
    const children = c.instructions as TimedInstruction[];
    const n = children.length;
    const list = new SegmentList(fieldBase, width, 0, children);
    list.ends = (c.offsets as Float64Array).subarray(1);
    list.kinds = ARENA.uint8(n);
    list.data = ARENA.float64(n * list.stride);
    list.count = n;
    for (let i = 0; i < n; i++) list.describe(i, children[i]!);
    return list;
  }

  /** Appends a segment of an atomic node. */
  push(node: TimedInstruction, offset: number, end: number): void {
    const i = this.count;
    if (i === this.ends.length) this.grow();
    this.nodes.push(node);
    this.offsets![i] = offset;
    this.ends[i] = end;
    this.count = i + 1;
    this.describe(i, node);
  }

  /** Sets the kind of segment i and copies its constant value or ramp ends into `data`. */
  private describe(i: number, node: TimedInstruction): void {
    const width = this.width;
    const data = this.data;
    const d = i * this.stride;
    let kind = CONSTANT;
    switch (node.kind) {
      case 'pattern':
        kind = PATTERN;
        break;
      case 'ramp': {
        const r = node as Ramp;
        const bounds = r.bounds;
        const stride = r.stride;
        for (let f = 0; f < width; f++) {
          const start = (data[d + f] = bounds[r.startAt + f * stride]!);
          const stop = (data[d + width + f] = bounds[r.stopAt + f * stride]!);
          if (start !== stop) kind = RAMP;
        }
        data[d + 2 * width] = r.length;
        break;
      }
      default: {
        const inner = (node as Repeated).instruction;
        if (inner.length !== 1) {
          kind = REPEATED;
        } else if (inner.kind === 'pattern') {
          const p = inner as Pattern;
          for (let f = 0; f < width; f++) data[d + f] = p.columns[f]![p.offset]!;
        } else {
          for (let f = 0; f < width; f++) data[d + f] = inner.numberAt(0, f);
        }
      }
    }
    this.kinds[i] = kind;
  }

  private grow(): void {
    const capacity = this.ends.length * 2 + 1;
    const offsets = ARENA.float64(capacity);
    offsets.set(this.offsets!.subarray(0, this.count));
    this.offsets = offsets;
    const ends = ARENA.float64(capacity);
    ends.set(this.ends.subarray(0, this.count));
    this.ends = ends;
    const kinds = ARENA.uint8(capacity);
    kinds.set(this.kinds.subarray(0, this.count));
    this.kinds = kinds;
    const data = ARENA.float64(capacity * this.stride);
    data.set(this.data.subarray(0, this.count * this.stride));
    this.data = data;
  }
}

/** Capacity hint for the segment list of a node: its number of children. */
function segmentHint(node: TimedInstruction): number {
  return node.kind === 'concatenated' ? (node as Concatenated).instructions.length : 1;
}

/** Appends the atomic segments of ticks `[offset, offset + length)` of `node`, placed at `at`. */
function flattenInto(
  list: SegmentList,
  node: TimedInstruction,
  offset: number,
  length: number,
  at: number,
): void {
  if (node.kind !== 'concatenated') {
    list.push(node, offset, at + length);
    return;
  }
  const c = node as Concatenated;
  const children = c.instructions;
  const offsets = c.offsets;
  let i = c.childIndexAt(offset);
  let position = offset;
  const end = offset + length;
  while (position < end) {
    const child = children[i]!;
    const local = position - offsets[i]!;
    const n = Math.min(end - position, child.length - local);
    // Children of a Concatenated are never Concatenated: no recursion.
    list.push(child, local, at + (position - offset) + n);
    position += n;
    i++;
  }
}

/** Like `flattenInto`, but a Repeated piece is unrolled one level into its child's segments. */
function expandInto(
  list: SegmentList,
  node: TimedInstruction,
  kind: number,
  offset: number,
  length: number,
): void {
  if (kind !== REPEATED) {
    list.push(node, offset, length);
    return;
  }
  const inner = (node as Repeated).instruction;
  const period = inner.length;
  let phase = offset % period;
  let done = 0;
  while (done < length) {
    const n = Math.min(length - done, period - phase);
    flattenInto(list, inner, phase, n, done);
    done += n;
    phase = 0;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Shared state of one stacking: output layout and the count of explicit values written. */
class StackContext {
  materialized = 0;

  constructor(
    readonly layout: InstructionLayout,
    readonly maxMaterialized: number,
  ) {}

  /**
   * Counts `n` explicit rows about to be written.
   * @throws InstructionTooLargeError past the cap.
   */
  materialize(n: number): void {
    const width = this.layout.width;
    this.materialized += n * width;
    if (this.materialized > this.maxMaterialized) {
      throw new InstructionTooLargeError(
        `stacking would write ${this.materialized} explicit values (limit ${this.maxMaterialized}): ` +
          `an explicit pattern of ${n} ticks is stacked with ${width} channels`,
      );
    }
  }
}

/** Interval types of the sweep's plan. */
const ROW_INTERVAL = 0;
const RAMP_INTERVAL = 1;
const GENERAL_INTERVAL = 2;
/** Explicit values (patterns with constants or ramps), written as rows next to the single rows. */
const EXPLICIT_INTERVAL = 3;

/**
 * Stacks the lists over `[0, frameLength)` into `out`, in four passes:
 * 1. the union of boundaries: the next boundary is the smallest current segment end (cursor state
 *    in contiguous arrays), recording each interval's end and the kinds present on it, and where
 *    each segment stops;
 * 2. each interval's output type (constant row, ramp, explicit rows, or general), so that storage
 *    is allocated once and exactly: row columns (single rows and explicit intervals, in order, so
 *    that adjacent ones are contiguous windows fused for free), and ramp ends column by column;
 * 3. channel by channel, its values written into its own column (sequential reads and writes;
 *    a segment over only ramp or only row intervals is one tight loop);
 * 4. the output nodes, in order; general intervals are stacked as they come.
 */
function sweep(
  lists: readonly SegmentList[],
  frameLength: number,
  out: ConcatBuilder,
  ctx: StackContext,
): void {
  const mark = ARENA.mark();
  try {
    sweepScratch(lists, frameLength, out, ctx);
  } finally {
    ARENA.release(mark);
  }
}

/** {@link sweep} with its transient arrays in the scratch arena (released by the caller). */
function sweepScratch(
  lists: readonly SegmentList[],
  frameLength: number,
  out: ConcatBuilder,
  ctx: StackContext,
): void {
  const k = lists.length;
  const layout = ctx.layout;
  const width = layout.width;

  // 1. Union of boundaries, on flat copies of every list's segment ends and kinds (one array
  // each rather than k, so the interleaved reads of the sweep stay few and predictable). Each
  // segment's stop (one past its last interval) is recorded on the way for pass 3.
  let capacity = 0;
  const first = ARENA.int32(k + 1);
  for (let c = 0; c < k; c++) {
    first[c] = capacity;
    capacity += lists[c]!.count;
  }
  first[k] = capacity;
  const segmentEnds = ARENA.float64(capacity);
  const segmentKinds = ARENA.uint8(capacity);
  const segmentStops = ARENA.int32(capacity);
  for (let c = 0; c < k; c++) {
    const list = lists[c]!;
    const at = first[c]!;
    segmentEnds.set(list.ends.subarray(0, list.count), at);
    segmentKinds.set(list.kinds.subarray(0, list.count), at);
  }
  const ends = ARENA.float64(capacity);
  const masks = ARENA.uint8(capacity);
  let intervals = 0;
  {
    const cursor = ARENA.int32(k);
    const currentEnd = ARENA.float64(k);
    const currentKind = ARENA.uint8(k);
    // How many inputs are on a segment of each kind: the interval's mask, updated on moves only.
    const onKind = ARENA.int32(4).fill(0);
    for (let c = 0; c < k; c++) {
      const i = (cursor[c] = first[c]!);
      currentEnd[c] = segmentEnds[i]!;
      onKind[(currentKind[c] = segmentKinds[i]!)]!++;
    }
    let position = 0;
    while (position < frameLength) {
      let next = frameLength;
      for (let c = 0; c < k; c++) {
        let end = currentEnd[c]!;
        if (end === position) {
          // This input's segment ended at the previous boundary: move to its next one.
          const i = ++cursor[c]!;
          segmentStops[i - 1] = intervals;
          end = currentEnd[c] = segmentEnds[i]!;
          onKind[currentKind[c]!]!--;
          onKind[(currentKind[c] = segmentKinds[i]!)]!++;
        }
        if (end < next) next = end;
      }
      ends[intervals] = next;
      masks[intervals] =
        (onKind[0]! > 0 ? 1 : 0) |
        (onKind[1]! > 0 ? 2 : 0) |
        (onKind[2]! > 0 ? 4 : 0) |
        (onKind[3]! > 0 ? 8 : 0);
      intervals++;
      position = next;
    }
    for (let c = 0; c < k; c++) segmentStops[cursor[c]!] = intervals;
  }

  // 2. Output type and slot of every interval.
  const type = ARENA.uint8(intervals);
  const slot = ARENA.int32(intervals);
  const rampsBefore = ARENA.int32(intervals + 1);
  const rowsBefore = ARENA.int32(intervals + 1);
  let rows = 0;
  let singleRows = 0;
  let ramps = 0;
  let generals = 0;
  for (let j = 0, start = 0; j < intervals; j++) {
    const end = ends[j]!;
    const mask = masks[j]!;
    rampsBefore[j] = ramps;
    rowsBefore[j] = singleRows;
    if (mask === ONLY_CONSTANT || end - start === 1) {
      type[j] = ROW_INTERVAL;
      slot[j] = rows++;
      singleRows++;
    } else if ((mask & ~LINEAR) === 0) {
      type[j] = RAMP_INTERVAL;
      slot[j] = ramps++;
    } else if ((mask & (1 << REPEATED)) === 0) {
      const n = end - start;
      ctx.materialize(n);
      type[j] = EXPLICIT_INTERVAL;
      slot[j] = rows;
      rows += n;
    } else {
      type[j] = GENERAL_INTERVAL;
      slot[j] = generals++;
    }
    start = end;
  }
  rampsBefore[intervals] = ramps;
  rowsBefore[intervals] = singleRows;
  const rowColumns = layout.fields.map((f) => allocateTyped(f.dtype, rows));
  // Ramp q, channel f: start at bounds[f * ramps + q], stop at bounds[(width + f) * ramps + q].
  const rampBounds = new Float64Array(2 * width * ramps);
  const generalSegment = ARENA.int32(generals * k);

  // 3. Channel by channel.
  const plan: SweepPlan = {
    k,
    width,
    ends,
    type,
    slot,
    rowColumns,
    rampBounds,
    ramps,
    generalSegment,
    rampsBefore,
    rowsBefore,
  };
  for (let c = 0; c < k; c++) {
    fillChannel(lists[c]!, c, segmentStops.subarray(first[c]!, first[c + 1]!), plan);
  }

  // 4. Output nodes.
  for (let j = 0, start = 0; j < intervals; j++) {
    const end = ends[j]!;
    const n = end - start;
    const at = slot[j]!;
    switch (type[j]) {
      case ROW_INTERVAL: {
        const row = new Pattern(layout, rowColumns, at, 1);
        out.push(n === 1 ? row : new Repeated(n, row));
        break;
      }
      case RAMP_INTERVAL:
        out.push(new Ramp(layout, rampBounds, at, width * ramps + at, n, ramps));
        break;
      case EXPLICIT_INTERVAL:
        out.push(new Pattern(layout, rowColumns, at, n));
        break;
      default: {
        const index = generalSegment.subarray(at * k, at * k + k);
        const local = ARENA.float64(k);
        for (let c = 0; c < k; c++) {
          const list = lists[c]!;
          const s = index[c]!;
          local[c] = segmentOffset(list, s) + start - (s > 0 ? list.ends[s - 1]! : 0);
        }
        stackInterval(lists, index, local, n, masks[j]!, out, ctx);
      }
    }
    start = end;
  }
}

/** What pass 3 writes into: the intervals, their output types and slots, and the storage. */
interface SweepPlan {
  readonly k: number;
  readonly width: number;
  /** End of each interval. */
  readonly ends: Float64Array;
  readonly type: Uint8Array;
  /** Row, ramp or general index of each interval, by type. */
  readonly slot: Int32Array;
  readonly rowColumns: readonly InstructionArray[];
  /** Ramp q, channel f: start at `f * ramps + q`, stop at `(width + f) * ramps + q`. */
  readonly rampBounds: Float64Array;
  readonly ramps: number;
  /** General interval g, input c: the input's segment index at `g * k + c`. */
  readonly generalSegment: Int32Array;
  /** Number of ramp intervals before interval j (intervals + 1 values). */
  readonly rampsBefore: Int32Array;
  /** Number of single-row intervals before interval j (intervals + 1 values). */
  readonly rowsBefore: Int32Array;
}

/**
 * Pass 3 of the sweep for input `c`: its values in every interval, in its own columns. Segment s
 * covers intervals `[stops[s - 1], stops[s])`.
 */
function fillChannel(list: SegmentList, c: number, stops: Int32Array, plan: SweepPlan): void {
  if (list.width === 1) {
    fillScalarChannel(list, c, stops, plan);
    return;
  }
  for (let s = 0, j = 0; s < list.count; s++) {
    fillSegment(list, c, s, j, stops[s]!, plan);
    j = stops[s]!;
  }
}

/**
 * {@link fillChannel} for a one-channel input, the bulk of real programs: constants and ramps have
 * tight loops of their own (kept in a small function so that they compile to tight code).
 */
function fillScalarChannel(list: SegmentList, c: number, stops: Int32Array, plan: SweepPlan): void {
  const { ends, slot, rampBounds, ramps, rampsBefore, rowsBefore } = plan;
  const base = list.fieldBase;
  const data = list.data;
  const kinds = list.kinds;
  const column = plan.rowColumns[base]!;
  const startColumn = base * ramps;
  const stopColumn = (plan.width + base) * ramps;
  let j = 0;
  for (let s = 0; s < list.count; s++) {
    const stop = stops[s]!;
    const count = stop - j;
    const kind = kinds[s]!;
    const d = s * 3;
    const allRamps = rampsBefore[stop]! - rampsBefore[j]! === count;
    if (kind === CONSTANT && allRamps) {
      const value = data[d]!;
      const at = rampsBefore[j]!;
      for (let q = at; q < at + count; q++) {
        rampBounds[startColumn + q] = value;
        rampBounds[stopColumn + q] = value;
      }
    } else if (kind === CONSTANT && rowsBefore[stop]! - rowsBefore[j]! === count) {
      // Single rows only: consecutive slots.
      const value = data[d]!;
      const at = slot[j]!;
      if (count > 16) column.fill(value, at, at + count);
      else for (let q = at; q < at + count; q++) column[q] = value;
    } else if (kind === RAMP && allRamps) {
      // A ramp cut into pieces: ends interpolated, the true end kept where a piece reaches it.
      const rampStart = data[d]!;
      const rampStop = data[d + 1]!;
      const rampLength = data[d + 2]!;
      const step = (rampStop - rampStart) / rampLength;
      const offset = segmentOffset(list, s) - (s > 0 ? list.ends[s - 1]! : 0);
      let start = j > 0 ? ends[j - 1]! : 0;
      const at = rampsBefore[j]!;
      for (let q = 0; q < count; q++) {
        const end = ends[j + q]!;
        const local = offset + start;
        rampBounds[startColumn + at + q] = rampStart + local * step;
        rampBounds[stopColumn + at + q] =
          end + offset === rampLength ? rampStop : rampStart + (end + offset) * step;
        start = end;
      }
    } else {
      fillSegment(list, c, s, j, stop, plan);
    }
    j = stop;
  }
}

/** Pass 3 for segment s of input c over intervals `[j, stop)`, whatever their types. */
function fillSegment(
  list: SegmentList,
  c: number,
  s: number,
  j: number,
  stop: number,
  plan: SweepPlan,
): void {
  const { k, width, ends, type, slot, rowColumns, rampBounds, ramps, generalSegment } = plan;
  const w = list.width;
  const base = list.fieldBase;
  const data = list.data;
  const d = s * list.stride;
  const kind = list.kinds[s]!;
  const stopBase = width * ramps;
  const node = list.nodes[s]!;
  const nodeOffset = segmentOffset(list, s) - (s > 0 ? list.ends[s - 1]! : 0);
  let start = j > 0 ? ends[j - 1]! : 0;
  for (; j < stop; j++) {
    const end = ends[j]!;
    const at = slot[j]!;
    const t = type[j]!;
    if (t === GENERAL_INTERVAL) {
      generalSegment[at * k + c] = s;
    } else if (kind === CONSTANT) {
      for (let f = 0; f < w; f++) {
        const value = data[d + f]!;
        if (t === ROW_INTERVAL) rowColumns[base + f]![at] = value;
        else if (t === EXPLICIT_INTERVAL) rowColumns[base + f]!.fill(value, at, at + end - start);
        else
          rampBounds[(base + f) * ramps + at] = rampBounds[stopBase + (base + f) * ramps + at] =
            value;
      }
    } else if (t === ROW_INTERVAL) {
      const local = nodeOffset + start;
      for (let f = 0; f < w; f++) rowColumns[base + f]![at] = node.numberAt(local, f);
    } else if (t === EXPLICIT_INTERVAL) {
      const local = nodeOffset + start;
      for (let f = 0; f < w; f++) readRange(node, f, local, end - start, rowColumns[base + f]!, at);
    } else {
      // A ramp piece: ends interpolated, the true end kept when the piece reaches it.
      const local = nodeOffset + start;
      const n = end - start;
      const rampLength = data[d + 2 * w]!;
      const toEnd = local + n === rampLength;
      for (let f = 0; f < w; f++) {
        const rampStart = data[d + f]!;
        const rampStop = data[d + w + f]!;
        const step = (rampStop - rampStart) / rampLength;
        rampBounds[(base + f) * ramps + at] = rampStart + local * step;
        rampBounds[stopBase + (base + f) * ramps + at] = toEnd
          ? rampStop
          : rampStart + (local + n) * step;
      }
    }
    start = end;
  }
}

/**
 * The general case of one interval (it holds Repeated pieces): periodic blocks when the periods
 * have a common multiple fitting twice, else one level of unrolling and a new sweep.
 */
function stackInterval(
  lists: readonly SegmentList[],
  index: Int32Array,
  local: Float64Array,
  n: number,
  kinds: number,
  out: ConcatBuilder,
  ctx: StackContext,
): void {
  const k = lists.length;
  if ((kinds & PATTERN_OR_RAMP) === 0) {
    let period = 1;
    for (let c = 0; c < k && period * 2 <= n; c++) {
      const list = lists[c]!;
      const i = index[c]!;
      if (list.kinds[i] !== REPEATED) continue;
      const p = (list.nodes[i] as Repeated).instruction.length;
      period = (period / gcd(period, p)) * p;
    }
    if (period * 2 <= n) {
      const mark = ARENA.mark();
      let block: TimedInstruction;
      try {
        block = sweepToInstruction(expandAll(lists, index, local, period), period, ctx);
      } finally {
        ARENA.release(mark);
      }
      const q = Math.floor(n / period);
      out.push(repeat(block, q));
      out.push(sliceUnchecked(block, 0, n - q * period));
      return;
    }
  }
  const mark = ARENA.mark();
  try {
    sweep(expandAll(lists, index, local, n), n, out, ctx);
  } finally {
    ARENA.release(mark);
  }
}

/** Where segment `s` of `list` starts inside its node. */
function segmentOffset(list: SegmentList, s: number): number {
  return list.offsets === null ? 0 : list.offsets[s]!;
}

/** New segment lists for `length` ticks from the current pieces, Repeated pieces unrolled. */
function expandAll(
  lists: readonly SegmentList[],
  index: Int32Array,
  local: Float64Array,
  length: number,
): SegmentList[] {
  return lists.map((list, c) => {
    const i = index[c]!;
    const node = list.nodes[i]!;
    const sub = new SegmentList(list.fieldBase, list.width, segmentHint(node) + 1);
    expandInto(sub, node, list.kinds[i]!, local[c]!, length);
    return sub;
  });
}

function sweepToInstruction(
  lists: readonly SegmentList[],
  length: number,
  ctx: StackContext,
): TimedInstruction {
  const builder = new ConcatBuilder(ctx.layout);
  sweep(lists, length, builder, ctx);
  return builder.build();
}

/**
 * Scratch bytes a stacking of `inputs` takes without unrolling: per input segment, its kind and
 * data (8 x (2 x width + 1)), its flat end, kind and stop, and at most one interval's end, mask,
 * type, slot and prefix counts.
 */
function scratchEstimate(inputs: readonly TimedInstruction[]): number {
  let bytes = 4096;
  for (const x of inputs) bytes += segmentHint(x) * (48 + 16 * x.width) + 64;
  return bytes;
}

/**
 * Stacks inputs of equal length into one instruction of `layout`, whose channels are the inputs'
 * channels in order (input c's channels start at the sum of the previous inputs' widths).
 */
export function stackChannels(
  inputs: readonly TimedInstruction[],
  layout: InstructionLayout,
  maxMaterialized: number = DEFAULT_MAX_MATERIALIZED,
): TimedInstruction {
  const length = inputs[0]!.length;
  if (length === 0) return Pattern.empty(layout);
  const ctx = new StackContext(layout, maxMaterialized);
  const mark = ARENA.mark();
  try {
    ARENA.reserve(scratchEstimate(inputs));
    let fieldBase = 0;
    const lists = inputs.map((x) => {
      const base = fieldBase;
      fieldBase += x.width;
      if (x.kind === 'concatenated')
        return SegmentList.ofConcatenated(x as Concatenated, base, x.width);
      const list = new SegmentList(base, x.width, 1);
      flattenInto(list, x, 0, length, 0);
      return list;
    });
    return sweepToInstruction(lists, length, ctx);
  } finally {
    ARENA.release(mark);
  }
}
