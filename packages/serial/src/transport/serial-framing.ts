/**
 * How the byte stream from an instrument is cut into frames (replies). Each kind is implemented with
 * one of serialport's parsers.
 *
 * - `delimiter`: frames end with a delimiter (`\r\n` for most ASCII instruments; any bytes for
 *   binary protocols). The delimiter is not part of the frame. `DelimiterParser`.
 * - `fixed-length`: every frame has the same number of bytes. `ByteLengthParser`.
 * - `idle-gap`: a frame ends when the line has been silent for `intervalMs` (binary protocols without
 *   a terminator). `InterByteTimeoutParser`.
 *
 * `maxFrameBytes` bounds how many bytes may accumulate without completing a frame (garbage without a
 * delimiter, a wrong baud rate...): beyond it the bytes are dropped and the request in flight fails
 * with a protocol error. Default 4096.
 */
export type SerialFraming =
  | {
      readonly kind: 'delimiter';
      readonly delimiter: string | Uint8Array;
      readonly maxFrameBytes?: number;
    }
  | { readonly kind: 'fixed-length'; readonly length: number }
  | { readonly kind: 'idle-gap'; readonly intervalMs: number; readonly maxFrameBytes?: number };

/** Line framing for ASCII instruments: frames end with `delimiter` (default CR LF). */
export function lineFraming(delimiter = '\r\n', maxFrameBytes?: number): SerialFraming {
  return maxFrameBytes === undefined
    ? { kind: 'delimiter', delimiter }
    : { kind: 'delimiter', delimiter, maxFrameBytes };
}

/** The default bound on an incomplete frame, in bytes. */
export const DEFAULT_MAX_FRAME_BYTES = 4096;

/** A short description for messages, e.g. `frames ending with "\r\n"`. */
export function describeFraming(framing: SerialFraming): string {
  switch (framing.kind) {
    case 'delimiter':
      return `frames ending with ${JSON.stringify(
        typeof framing.delimiter === 'string'
          ? framing.delimiter
          : Buffer.from(framing.delimiter).toString('latin1'),
      )}`;
    case 'fixed-length':
      return `frames of ${framing.length} bytes`;
    case 'idle-gap':
      return `frames separated by ${framing.intervalMs} ms of silence`;
  }
}
