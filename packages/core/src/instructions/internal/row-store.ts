import { type InstructionArray, allocateTyped } from '../dtype.js';
import type { InstructionLayout } from '../instruction-layout.js';

const FIRST_CHUNK = 64;
/** Chunks stop growing at about this many bytes (all channels together). */
const MAX_CHUNK_BYTES = 4 << 20;

/**
 * Column storage shared by the many small leaves a stacking produces: rows are handed out from
 * chunks (one typed array per channel), so consecutive allocations are contiguous windows of the
 * same columns — which `concatenate` fuses for free — and creating a leaf costs no array
 * allocation. Chunks grow geometrically up to about 4 MiB.
 */
export class RowStore {
  /** Columns of the current chunk (one per channel of the layout). */
  columns: readonly InstructionArray[] = [];
  private used = 0;
  private capacity = 0;
  private nextChunk = FIRST_CHUNK;
  private readonly maxChunk: number;

  constructor(private readonly layout: InstructionLayout) {
    const rowBytes = layout.fields.reduce(
      (sum, f) => sum + allocateTyped(f.dtype, 0).BYTES_PER_ELEMENT,
      0,
    );
    this.maxChunk = Math.max(FIRST_CHUNK, Math.floor(MAX_CHUNK_BYTES / rowBytes));
  }

  /** Reserves `rows` rows in `this.columns` and returns the index of the first. */
  allocate(rows: number): number {
    if (this.used + rows > this.capacity) {
      const size = Math.max(rows, this.nextChunk);
      this.nextChunk = Math.min(this.maxChunk, this.nextChunk * 2);
      this.columns = this.layout.fields.map((f) => allocateTyped(f.dtype, size));
      this.capacity = size;
      this.used = 0;
    }
    const at = this.used;
    this.used += rows;
    return at;
  }
}
