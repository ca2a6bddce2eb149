// Reusable scratch memory for the stacking sweep.
//
// A stacking needs a few megabytes of transient typed arrays (segment tables, interval plans). Fresh
// `new Float64Array(n)` of that size each time costs page faults and zeroing, and leaves external
// memory for the GC to find, which is what made large stackings erratic. Instead, transient arrays
// are views carved out of a few large buffers that live between calls: a bump allocator with stack
// discipline (`mark` before, `release` after, nested sweeps included).

/** Bytes of the first buffer; later ones double. */
const FIRST_CHUNK_BYTES = 1 << 20;
/** Buffers kept between stackings, in bytes; more is released after the outermost stacking. */
export const SCRATCH_RETAINED_BYTES = 64 << 20;

/** A position to return to with {@link ScratchArena.release}. */
export interface ScratchMark {
  readonly chunk: number;
  readonly top: number;
}

/**
 * A bump allocator of typed arrays over reusable buffers. Arrays it returns are NOT zeroed: write
 * before reading. They are valid until the `release` of a mark taken before them; never let one
 * escape into a result.
 */
export class ScratchArena {
  private readonly chunks: ArrayBuffer[] = [];
  private chunk = -1;
  private top = 0;
  private depth = 0;
  /** Most bytes in use (tails skipped in earlier buffers included) since the outermost mark. */
  private peak = 0;

  constructor(private readonly retainedBytes = SCRATCH_RETAINED_BYTES) {}

  /** The current position; pair with {@link release} in a `finally`. */
  mark(): ScratchMark {
    this.depth++;
    return { chunk: this.chunk, top: this.top };
  }

  /**
   * Frees everything allocated since `mark`. After the outermost release, the buffers are merged
   * into one a quarter larger than the peak use, so that the next stacking of the same size fits in one
   * buffer; past the retention limit they are all dropped, so that a one-off huge stacking does not
   * pin its memory.
   */
  release(mark: ScratchMark): void {
    this.chunk = mark.chunk;
    this.top = mark.top;
    this.depth--;
    if (this.depth > 0) return;
    const peak = this.peak;
    this.peak = 0;
    if (peak > this.retainedBytes) {
      this.chunks.length = 0;
    } else if (this.chunks.length > 1) {
      this.chunks.length = 0;
      // A quarter more, so that a slightly larger stacking next time still fits.
      this.chunks.push(new ArrayBuffer(Math.ceil((peak * 1.25) / 8) * 8));
    }
  }

  /**
   * Makes room for about `bytes` bytes in one buffer, when called right after the outermost `mark`
   * (else it does nothing): a first large stacking then allocates its scratch once, instead of
   * growing through several buffers.
   */
  reserve(bytes: number): void {
    if (this.depth !== 1 || this.chunk >= 0) return;
    if (this.chunks.length > 0 && this.chunks[0]!.byteLength >= bytes) return;
    this.chunks.length = 0;
    this.chunks.push(new ArrayBuffer(Math.ceil(bytes / 8) * 8));
  }

  /** Bytes currently held (allocated or not), for tests and diagnostics. */
  get heldBytes(): number {
    let total = 0;
    for (const c of this.chunks) total += c.byteLength;
    return total;
  }

  /** `n` float64 values (not zeroed). */
  float64(n: number): Float64Array {
    const at = this.take(n * 8);
    return new Float64Array(this.chunks[this.chunk]!, at, n);
  }

  /** `n` int32 values (not zeroed). */
  int32(n: number): Int32Array {
    const at = this.take(n * 4);
    return new Int32Array(this.chunks[this.chunk]!, at, n);
  }

  /** `n` uint8 values (not zeroed). */
  uint8(n: number): Uint8Array {
    const at = this.take(n);
    return new Uint8Array(this.chunks[this.chunk]!, at, n);
  }

  /** The 8-byte aligned offset of `bytes` free bytes in the current buffer (moved on if needed). */
  private take(bytes: number): number {
    let top = Math.ceil(this.top / 8) * 8;
    while (this.chunk < 0 || top + bytes > this.chunks[this.chunk]!.byteLength) {
      this.chunk++;
      top = 0;
      if (this.chunk === this.chunks.length) {
        const last = this.chunks.length > 0 ? this.chunks[this.chunks.length - 1]!.byteLength : 0;
        this.chunks.push(new ArrayBuffer(Math.max(bytes, FIRST_CHUNK_BYTES, 2 * last)));
      }
    }
    this.top = top + bytes;
    let used = this.top;
    for (let c = 0; c < this.chunk; c++) used += this.chunks[c]!.byteLength;
    if (used > this.peak) this.peak = used;
    return top;
  }
}
