/**
 * Received bytes waiting to be read, kept as the chunks they arrived in: appending is O(1), a
 * search for a byte never looks at the same byte twice, and taking bytes copies only those bytes.
 * Reading a reply of n bytes is O(n) however it is cut, where a single growing `Buffer` (concatenated
 * on every arrival and searched from the start) is O(n²).
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Offset of the first unread byte in `chunks[0]`. */
  private head = 0;
  private size = 0;
  /** Bytes at the front known not to contain `scannedFor`. */
  private scanned = 0;
  private scannedFor = -1;

  /** Number of bytes waiting. */
  get length(): number {
    return this.size;
  }

  /** Appends received bytes (kept by reference). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Index of the first `byte` among the waiting bytes, or -1. */
  indexOf(byte: number): number {
    if (byte !== this.scannedFor) {
      this.scannedFor = byte;
      this.scanned = 0;
    }
    let skip = this.scanned;
    let base = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const start = i === 0 ? this.head : 0;
      const available = chunk.length - start;
      if (skip >= available) {
        skip -= available;
        base += available;
        continue;
      }
      const found = chunk.indexOf(byte, start + skip);
      if (found >= 0) {
        this.scanned = base + (found - start);
        return this.scanned;
      }
      base += available;
      skip = 0;
    }
    this.scanned = this.size;
    return -1;
  }

  /** Removes and returns the first `count` bytes (fewer if fewer are waiting). */
  take(count: number): Buffer {
    const n = Math.min(count, this.size);
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length - this.head >= n) {
      // Copy: the caller may keep the result while the chunk is still referenced here.
      out = Buffer.from(first.subarray(this.head, this.head + n));
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
    } else {
      out = Buffer.allocUnsafe(n);
      let written = 0;
      while (written < n) {
        const chunk = this.chunks[0]!;
        const piece = Math.min(chunk.length - this.head, n - written);
        chunk.copy(out, written, this.head, this.head + piece);
        written += piece;
        this.head += piece;
        if (this.head === chunk.length) {
          this.chunks.shift();
          this.head = 0;
        }
      }
    }
    this.size -= n;
    this.scanned = Math.max(0, this.scanned - n);
    return out;
  }

  /** Drops every waiting byte. */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.size = 0;
    this.scanned = 0;
  }
}
