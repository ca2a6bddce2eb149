/**
 * An instrument simulated in-process, seen from the serial line: it receives the bytes the host
 * sends and transmits its replies. The same simulator can sit behind an in-memory port
 * (`MockSerialLink`, for unit tests) or a real pseudo-terminal (`serveSimulator`, for integration
 * tests).
 */
export interface SerialSimulator {
  /** Bytes the host wrote to the line. */
  receive(data: Uint8Array): void;
  /** Subscribes to the bytes the instrument transmits; returns the unsubscribe function. */
  onTransmit(listener: (data: Buffer) => void): () => void;
}
