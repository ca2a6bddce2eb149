/**
 * Cuts a received byte stream into messages at a terminator, for the simulator's servers. Each
 * byte is looked at once (a terminator split across two arrivals is still found), so a long message
 * costs linear time. A message may not grow beyond `maxMessageBytes`: past that, its bytes are
 * dropped, `onOverflow` is called once, and everything up to the next terminator is dropped too, so
 * the tail of an oversized line is never taken for a command.
 */
export class MessageSplitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** The last bytes received (fewer than the terminator's length), to find a split terminator. */
  private carry: Buffer = Buffer.alloc(0);
  private discarding = false;

  constructor(
    private readonly terminator: Buffer,
    private readonly maxMessageBytes: number,
    private readonly onMessage: (message: Buffer) => void,
    private readonly onOverflow: (bytes: number) => void,
  ) {
    if (terminator.length === 0) throw new RangeError('the message terminator is empty');
  }

  /** Feeds received bytes; complete messages are passed to `onMessage`, in order. */
  push(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      const carried = this.carry.length;
      const haystack = carried > 0 ? Buffer.concat([this.carry, rest]) : rest;
      const at = haystack.indexOf(this.terminator);
      if (at < 0) {
        this.append(rest);
        this.carry = haystack.subarray(Math.max(0, haystack.length - (this.terminator.length - 1)));
        return;
      }
      // The terminator starts at `at` in carry + rest; it cannot lie entirely in the carry.
      const endInRest = at + this.terminator.length - carried;
      if (at >= carried) this.append(rest.subarray(0, at - carried));
      else this.dropLast(carried - at);
      this.carry = Buffer.alloc(0);
      rest = rest.subarray(endInRest);
      this.finishMessage();
    }
  }

  private append(bytes: Buffer): void {
    if (this.discarding || bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
    if (this.pendingLength > this.maxMessageBytes) {
      const size = this.pendingLength;
      this.pending = [];
      this.pendingLength = 0;
      this.discarding = true;
      this.onOverflow(size);
    }
  }

  /** Removes the last `n` bytes appended (the start of a terminator split across arrivals). */
  private dropLast(n: number): void {
    if (this.discarding) return;
    let left = n;
    while (left > 0 && this.pending.length > 0) {
      const last = this.pending[this.pending.length - 1]!;
      if (last.length <= left) {
        this.pending.pop();
        left -= last.length;
        this.pendingLength -= last.length;
      } else {
        this.pending[this.pending.length - 1] = last.subarray(0, last.length - left);
        this.pendingLength -= left;
        left = 0;
      }
    }
  }

  private finishMessage(): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    const message = Buffer.concat(this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    this.onMessage(message);
  }
}
