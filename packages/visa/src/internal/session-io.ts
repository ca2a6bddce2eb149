import type { VisaAttributeName } from '../visa-constants.js';

/** Why a low-level read stopped, as the VISA completion codes say. */
export type ReadCompletion =
  /** `VI_SUCCESS_TERM_CHAR`: the termination character was read (and is included). */
  | 'termchar'
  /** `VI_SUCCESS`: the device signalled the end of the message (EOI, VXI-11 END, USBTMC EOM). */
  | 'end'
  /** `VI_SUCCESS_MAX_CNT`: the requested count was reached; more may follow. */
  | 'count';

/** What one low-level read returned. */
export interface ReadChunk {
  readonly data: Buffer;
  readonly completion: ReadCompletion;
}

/** A JavaScript attribute value. */
export type AttributeValue = string | number | boolean;

/**
 * The VISA-level operations of one open session, implemented by each backend (a VISA library
 * through koffi, the pure TCPIP socket, VXI-11). They follow VISA semantics: `read` stops on the
 * termination character when enabled, on END unless suppressed, or at `count`; every operation is
 * bounded by `VI_ATTR_TMO_VALUE`; failures throw {@link VisaIOError} naming the resource. Callers
 * serialise the calls (one at a time per session).
 */
export interface SessionIO {
  /** Canonical resource string, for messages. */
  readonly resourceName: string;
  read(count: number): Promise<ReadChunk>;
  write(data: Uint8Array): Promise<void>;
  /** Device clear (`viClear`). */
  clear(): Promise<void>;
  /** Serial poll (`viReadSTB`). */
  readStatusByte(): Promise<number>;
  getAttribute(attribute: VisaAttributeName): Promise<AttributeValue>;
  setAttribute(attribute: VisaAttributeName, value: AttributeValue): Promise<void>;
  /** Releases the session; called once. */
  close(): Promise<void>;
}
