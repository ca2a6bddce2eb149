// Value equality of two trees on their compressed structure. Only type imports of the node classes,
// so that the base class can use it without an import cycle.
//
// The two trees are walked together over ranges of ticks, one channel at a time:
// - a Concatenated is split at its children's boundaries (so the walk visits the union of both
//   trees' boundaries, never a tick);
// - a constant run (a Repeated of one value, a flat ramp) is compared with a range of the other
//   tree by checking that range is that constant, which again works on the structure: a Repeated
//   range covering a whole period is constant iff its child is;
// - two Repeated nodes are periodic with the lcm P of their periods: when P is shorter than the
//   range, the first P ticks decide; otherwise the one with the longer period is unrolled;
// - only explicit values (patterns, sloped ramps) are compared tick by tick, i.e. in time
//   proportional to the data they store (two equal ramps at the same offset are equal at once).
// Two 1 s shots at 1 ns (1e9 ticks) built differently compare in microseconds.
import type { Concatenated } from '../concatenated.js';
import type { Pattern } from '../pattern.js';
import type { Ramp } from '../ramp.js';
import type { Repeated } from '../repeated.js';
import type { TimedInstruction } from '../timed-instruction.js';

/** True if both instructions (same length and width) hold the same numbers at every tick. */
export function valuesEqual(a: TimedInstruction, b: TimedInstruction): boolean {
  for (let f = 0; f < a.width; f++) {
    if (!rangeEqual(a, 0, b, 0, a.length, f)) return false;
  }
  return true;
}

/** Channel `f` of `a` over `[as, as + n)` equals that of `b` over `[bs, bs + n)`. */
function rangeEqual(
  a: TimedInstruction,
  as: number,
  b: TimedInstruction,
  bs: number,
  n: number,
  f: number,
): boolean {
  if (n <= 0 || (a === b && as === bs)) return true;
  if (a.kind === 'concatenated') return concatenatedEqual(a as Concatenated, as, b, bs, n, f);
  if (b.kind === 'concatenated') return concatenatedEqual(b as Concatenated, bs, a, as, n, f);
  const ca = constantOf(a, f);
  if (ca !== undefined) return constantOver(b, bs, n, f, ca);
  const cb = constantOf(b, f);
  if (cb !== undefined) return constantOver(a, as, n, f, cb);
  if (a.kind === 'repeated' || b.kind === 'repeated') return repeatedEqual(a, as, b, bs, n, f);
  return explicitEqual(a as Pattern | Ramp, as, b as Pattern | Ramp, bs, n, f);
}

/** The children of `c` covering `[cs, cs + n)`, each against the matching range of `other`. */
function concatenatedEqual(
  c: Concatenated,
  cs: number,
  other: TimedInstruction,
  os: number,
  n: number,
  f: number,
): boolean {
  const children = c.instructions;
  const offsets = c.offsets;
  let i = c.childIndexAt(cs);
  let done = 0;
  while (done < n) {
    const child = children[i]!;
    const local = cs + done - offsets[i]!;
    const m = Math.min(n - done, child.length - local);
    if (!rangeEqual(child, local, other, os + done, m, f)) return false;
    done += m;
    i++;
  }
  return true;
}

/** The value of channel `f` of a non-concatenated node if it is the same at every tick. */
function constantOf(x: TimedInstruction, f: number): number | undefined {
  switch (x.kind) {
    case 'repeated': {
      const inner = (x as Repeated).instruction;
      return inner.length === 1 ? inner.numberAt(0, f) : undefined;
    }
    case 'ramp': {
      const r = x as Ramp;
      const start = r.start(f);
      return start === r.stop(f) ? r.numberAt(0, f) : undefined;
    }
    default:
      return x.length === 1 ? x.numberAt(0, f) : undefined;
  }
}

/** Channel `f` of `x` is `value` at every tick of `[xs, xs + n)`. */
function constantOver(
  x: TimedInstruction,
  xs: number,
  n: number,
  f: number,
  value: number,
): boolean {
  if (n <= 0) return true;
  switch (x.kind) {
    case 'concatenated': {
      const c = x as Concatenated;
      const children = c.instructions;
      let i = c.childIndexAt(xs);
      let done = 0;
      while (done < n) {
        const child = children[i]!;
        const local = xs + done - c.offsets[i]!;
        const m = Math.min(n - done, child.length - local);
        if (!constantOver(child, local, m, f, value)) return false;
        done += m;
        i++;
      }
      return true;
    }
    case 'repeated': {
      const inner = (x as Repeated).instruction;
      const period = inner.length;
      // A range covering a whole period is constant iff the child is.
      if (n >= period) return constantOver(inner, 0, period, f, value);
      const phase = xs % period;
      const head = Math.min(n, period - phase);
      return (
        constantOver(inner, phase, head, f, value) && constantOver(inner, 0, n - head, f, value)
      );
    }
    case 'ramp': {
      const constant = constantOf(x, f);
      if (constant !== undefined) return constant === value;
      break;
    }
    default: {
      const p = x as Pattern;
      const column = p.columns[f]!;
      const from = p.offset + xs;
      for (let i = 0; i < n; i++) if (column[from + i] !== value) return false;
      return true;
    }
  }
  // A sloped ramp: usually different from the first ticks on (values that round alike are
  // compared one by one).
  for (let i = 0; i < n; i++) if (x.numberAt(xs + i, f) !== value) return false;
  return true;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** One of the nodes is Repeated (of more than one tick); neither is Concatenated. */
function repeatedEqual(
  a: TimedInstruction,
  as: number,
  b: TimedInstruction,
  bs: number,
  n: number,
  f: number,
): boolean {
  const pa = a.kind === 'repeated' ? (a as Repeated).instruction.length : 0;
  const pb = b.kind === 'repeated' ? (b as Repeated).instruction.length : 0;
  let length = n;
  if (pa > 0 && pb > 0) {
    // Both are periodic with lcm(pa, pb): if they agree on one such period, they agree on all.
    const lcm = (pa / gcd(pa, pb)) * pb;
    if (lcm < length) length = lcm;
  }
  // Unroll the one with the longer period (fewer pieces); the other stays compressed.
  const unrollA = pa >= pb;
  const repeated = (unrollA ? a : b) as Repeated;
  const start = unrollA ? as : bs;
  const other = unrollA ? b : a;
  const otherStart = unrollA ? bs : as;
  const inner = repeated.instruction;
  const period = inner.length;
  let phase = start % period;
  let done = 0;
  while (done < length) {
    const m = Math.min(length - done, period - phase);
    if (!rangeEqual(inner, phase, other, otherStart + done, m, f)) return false;
    done += m;
    phase = 0;
  }
  return true;
}

/** Patterns and sloped ramps: tick by tick, unless they are the same stored values. */
function explicitEqual(
  a: Pattern | Ramp,
  as: number,
  b: Pattern | Ramp,
  bs: number,
  n: number,
  f: number,
): boolean {
  if (a.kind === 'pattern' && b.kind === 'pattern') {
    const ca = a.columns[f]!;
    const cb = b.columns[f]!;
    const fa = a.offset + as;
    const fb = b.offset + bs;
    if (ca === cb && fa === fb) return true;
    for (let i = 0; i < n; i++) if (ca[fa + i] !== cb[fb + i]) return false;
    return true;
  }
  if (
    a.kind === 'ramp' &&
    b.kind === 'ramp' &&
    as === bs &&
    a.length === b.length &&
    a.start(f) === b.start(f) &&
    a.stop(f) === b.stop(f)
  ) {
    return true;
  }
  for (let i = 0; i < n; i++) if (a.numberAt(as + i, f) !== b.numberAt(bs + i, f)) return false;
  return true;
}
