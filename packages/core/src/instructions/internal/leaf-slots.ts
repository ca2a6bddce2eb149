// Shared storage for the few numbers of small leaves.
//
// A lane compiles to hundreds of thousands of constants and ramps. Giving each its own one- or
// two-value Float64Array costs a typed array, an ArrayBuffer and a column list per leaf (~250 bytes
// and 3-4 heap objects for 8-16 bytes of data), which triples the heap the GC has to mark and makes
// every reader chase pointers through cold objects. Instead, small leaves take slots in shared
// blocks: a Pattern is a window on its columns and a Ramp reads its ends at offsets, so a leaf is
// just its node. A block stays alive while any leaf in it does (at most BLOCK_VALUES * 8 bytes per
// surviving leaf); slots are written once, when taken, and never again.

/** Float64 values per shared block (1 KiB). */
export const BLOCK_VALUES = 128;
/** Leaves needing more slots than this get their own array. */
export const MAX_SHARED_SLOTS = 32;

/**
 * A sequence of shared float64 blocks handing out consecutive slots. Take slots with
 * {@link take}, then write them through {@link block} before taking more.
 */
export class LeafSlots {
  /** The block holding the slots returned by the last {@link take}. */
  block = new Float64Array(BLOCK_VALUES);
  /** `[block]`: the column list of one-channel patterns on it, shared by all of them. */
  columns: readonly Float64Array[] = [this.block];
  private used = 0;

  /** The index in {@link block} of `n` (<= MAX_SHARED_SLOTS) fresh slots. */
  take(n: number): number {
    if (this.used + n > BLOCK_VALUES) {
      this.block = new Float64Array(BLOCK_VALUES);
      this.columns = [this.block];
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    return at;
  }
}

/** The slots of float64 constants, single-value patterns and ramp ends. */
export const FLOAT64_SLOTS = new LeafSlots();
