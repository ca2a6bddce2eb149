import type { Transform } from 'node:stream';
import { ByteLengthParser, DelimiterParser, InterByteTimeoutParser } from 'serialport';
import { DEFAULT_MAX_FRAME_BYTES, type SerialFraming } from '../transport/serial-framing.js';

/**
 * Cuts received bytes into frames with one of serialport's parsers, and knows which bytes are
 * waiting for the rest of their frame (for timeout messages and the frame-size bound). `reset()`
 * drops a half-received frame, so a late or broken reply is not glued to the next one.
 */
export class Framer {
  private parser: Transform;

  constructor(
    private readonly framing: SerialFraming,
    private readonly onFrame: (frame: Buffer) => void,
  ) {
    this.parser = this.createParser();
  }

  /** Largest number of bytes allowed to wait for the end of their frame. */
  get maxPendingBytes(): number {
    return this.framing.kind === 'fixed-length'
      ? this.framing.length
      : (this.framing.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  }

  /** Feeds received bytes; complete frames are passed to `onFrame` in order. */
  push(chunk: Buffer): void {
    this.parser.write(chunk);
  }

  /** Bytes received that do not yet form a complete frame. */
  pending(): Buffer {
    const parser = this.parser;
    if (parser instanceof DelimiterParser) return Buffer.from(parser.buffer);
    if (parser instanceof InterByteTimeoutParser) return Buffer.from(parser.currentPacket);
    // ByteLengthParser keeps its partial frame in private fields.
    const p = parser as unknown as { buffer: Buffer; position: number };
    return Buffer.from(p.buffer.subarray(0, p.position));
  }

  /** Drops any partial frame and starts afresh. */
  reset(): void {
    this.dispose();
    this.parser = this.createParser();
  }

  /** Stops the parser (and its idle timer). */
  dispose(): void {
    const parser = this.parser;
    parser.removeAllListeners('data');
    if (parser instanceof InterByteTimeoutParser && parser.intervalID !== undefined) {
      clearTimeout(parser.intervalID);
    }
    parser.destroy();
  }

  private createParser(): Transform {
    const framing = this.framing;
    let parser: Transform;
    switch (framing.kind) {
      case 'delimiter':
        parser = new DelimiterParser({ delimiter: Buffer.from(framing.delimiter) });
        break;
      case 'fixed-length':
        parser = new ByteLengthParser({ length: framing.length });
        break;
      case 'idle-gap':
        parser = new InterByteTimeoutParser({
          interval: framing.intervalMs,
          maxBufferSize: framing.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        });
        break;
    }
    parser.on('data', (frame: Buffer) => this.onFrame(frame));
    // A destroyed parser may still report an error for a write in progress; nothing to do then.
    parser.on('error', () => undefined);
    return parser;
  }
}
