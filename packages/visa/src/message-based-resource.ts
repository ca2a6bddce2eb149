import type { BinaryDatatype } from './binary-block.js';
import type { VisaAttributeName, VisaAttributeValue } from './visa-constants.js';

/** Which implementation carries a session. */
export type VisaBackendKind =
  /** A VISA shared library (NI-VISA, Keysight, R&S...) through koffi. */
  | 'library'
  /** The pure-TypeScript TCPIP backend (raw socket or VXI-11), no vendor VISA needed. */
  | 'tcpip';

/** Session settings chosen when a resource is opened. */
export interface ResourceOptions {
  /** I/O timeout of each operation in milliseconds (`VI_ATTR_TMO_VALUE`). Default 2000. */
  timeout?: number;
  /**
   * Appended to every `write`, and expected at the end of every `read` (stripped). The last
   * character becomes `VI_ATTR_TERMCHAR` with `VI_ATTR_TERMCHAR_EN` on; `null` turns it off (then
   * only END or the count end a read). Default `"\n"`.
   */
  readTermination?: string | null;
  /** Appended to every `write`. Default `"\n"`. */
  writeTermination?: string;
  /** How strings are encoded on the wire. Default `latin1` (byte-transparent ASCII). */
  encoding?: 'latin1' | 'ascii' | 'utf8';
  /** Size of each low-level read in bytes. Default 20 KiB, as pyvisa. */
  chunkSize?: number;
  /** Time allowed to connect or acquire the resource, in milliseconds. Default 5000. */
  openTimeout?: number;
  /**
   * Largest reply (or binary block) accepted, in bytes. A longer one fails with a
   * `VisaReplyTooLargeError` instead of filling the memory; the rest of it is discarded by a device
   * clear before the next operation. Default 64 MiB.
   */
  maxReplyBytes?: number;
}

/** Options of one query. */
export interface QueryOptions {
  /** Milliseconds to wait between the write and the read (slow instruments). */
  delay?: number;
}

/** How binary values are decoded. */
export interface BinaryValuesOptions extends QueryOptions {
  datatype: BinaryDatatype;
  /** Most instruments send little-endian data; set for big-endian (`FORM:BORD NORM`). */
  bigEndian?: boolean;
}

/**
 * A message-based VISA session (GPIB, serial, TCPIP, USB INSTR): text commands and replies, binary
 * blocks, device clear and serial poll. The same API is served by a VISA library and by the
 * pure-TypeScript TCPIP backend.
 *
 * Every operation is queued: concurrent calls run one at a time, and a `query` (write then read) is
 * never interleaved with another call. Every failure is a {@link VisaIOError} (or one of its
 * subclasses: timeout, connection lost) naming the resource.
 */
export interface MessageBasedResource extends AsyncDisposable {
  /** The canonical resource string, e.g. `TCPIP0::192.168.1.5::5025::SOCKET`. */
  readonly resourceName: string;
  readonly backend: VisaBackendKind;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /** The I/O timeout in milliseconds. */
  readonly timeout: number;
  readonly readTermination: string | null;
  readonly writeTermination: string;

  /** Changes the I/O timeout (milliseconds; `Infinity` waits forever). */
  setTimeout(milliseconds: number): Promise<void>;
  /** Changes the read termination (see {@link ResourceOptions.readTermination}). */
  setReadTermination(termination: string | null): Promise<void>;
  /** Changes the write termination. */
  setWriteTermination(termination: string): Promise<void>;

  /** Sends a message followed by the write termination. */
  write(message: string): Promise<void>;
  /** Sends bytes as they are. */
  writeRaw(data: Uint8Array): Promise<void>;
  /** Sends `prefix` then `data` as a definite-length block (`#<n><len><data>`), then the termination. */
  writeBinaryBlock(prefix: string, data: Uint8Array): Promise<void>;
  /** Reads one message and strips the read termination. */
  read(): Promise<string>;
  /** Reads one message as bytes, termination included. */
  readRaw(): Promise<Buffer>;
  /** Reads exactly `count` bytes (ignoring termination characters inside them). */
  readBytes(count: number): Promise<Buffer>;
  /** Reads an IEEE 488.2 binary block and returns its data (the trailing termination is consumed). */
  readBinaryBlock(): Promise<Buffer>;
  /** Writes a message and reads the reply, as one uninterrupted operation. */
  query(message: string, options?: QueryOptions): Promise<string>;
  /** Writes a message and reads a binary block reply. */
  queryBinaryBlock(message: string, options?: QueryOptions): Promise<Buffer>;
  /** Writes a message and decodes the binary block reply as numbers. */
  queryBinaryValues(message: string, options: BinaryValuesOptions): Promise<number[]>;
  /**
   * Device clear: flushes the instrument's and the session's buffers (`viClear`; VXI-11
   * `device_clear`; on a raw socket, a new connection). Afterwards no reply to an earlier request
   * can be read. The session does it by itself before the next operation after a timeout, a lost
   * connection or a refused reply, so a late reply is never taken for the answer to a later request.
   */
  clear(): Promise<void>;
  /** Serial poll: the IEEE 488.2 status byte (`viReadSTB`). */
  readStatusByte(): Promise<number>;
  /** Reads a VISA attribute. */
  getAttribute<N extends VisaAttributeName>(name: N): Promise<VisaAttributeValue<N>>;
  /** Sets a VISA attribute. */
  setAttribute<N extends VisaAttributeName>(name: N, value: VisaAttributeValue<N>): Promise<void>;
  /** Closes the session after the queued operations; idempotent. */
  close(): Promise<void>;
}
