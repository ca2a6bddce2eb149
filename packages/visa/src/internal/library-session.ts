import { endianness } from 'node:os';
import { InvalidValueError } from '@shotline/core';
import type { VisaLibrary } from '../library/visa-library.js';
import {
  VI_FIND_BUFLEN,
  VisaAttribute,
  VisaStatus,
  type VisaAttributeName,
} from '../visa-constants.js';
import { callAsync, cString } from './visa-functions.js';
import type { AttributeValue, ReadChunk, SessionIO } from './session-io.js';

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * A session of a VISA library. Reads, writes, clear, serial poll and close run on koffi worker
 * threads (`.async`), so a long timeout never blocks the event loop; attribute calls are quick and
 * synchronous. The caller serialises the calls.
 *
 * `clear()` is `viClear`: a real device clear for INSTR resources (GPIB, VXI-11, USBTMC, HiSLIP).
 * For a raw `SOCKET`, VISA's `viClear` only empties the session's buffers, and a reply still on its
 * way would arrive afterwards; when `reopen` is given (the resource manager does it for SOCKET
 * resources) the session is closed and opened again instead, with the attributes set so far.
 */
export class LibrarySession implements SessionIO {
  /** Attributes set through this session, applied again after a reopen. */
  private readonly assigned = new Map<VisaAttributeName, AttributeValue>();

  constructor(
    private readonly library: VisaLibrary,
    private vi: number,
    readonly resourceName: string,
    private readonly reopen?: () => Promise<number>,
  ) {}

  async read(count: number): Promise<ReadChunk> {
    const buffer = Buffer.alloc(count);
    const returned = [0];
    const status = await callAsync(this.fn.viRead, this.vi, buffer, count, returned);
    const data = buffer.subarray(0, returned[0]);
    this.check(status, 'viRead', data);
    return {
      data,
      completion:
        status === VisaStatus.VI_SUCCESS_TERM_CHAR
          ? 'termchar'
          : status === VisaStatus.VI_SUCCESS_MAX_CNT
            ? 'count'
            : 'end',
    };
  }

  async write(data: Uint8Array): Promise<void> {
    let offset = 0;
    do {
      const chunk = Buffer.from(data.buffer, data.byteOffset + offset, data.length - offset);
      const returned = [0];
      const status = await callAsync(this.fn.viWrite, this.vi, chunk, chunk.length, returned);
      this.check(status, 'viWrite');
      offset += returned[0]!;
    } while (offset < data.length);
  }

  async clear(): Promise<void> {
    if (!this.reopen) {
      this.check(await callAsync(this.fn.viClear, this.vi), 'viClear');
      return;
    }
    const old = this.vi;
    this.vi = 0; // closed: if the reopen fails, the next clear tries again and close() skips it
    await callAsync(this.fn.viClose, old); // the old connection goes, whatever it holds
    this.vi = await this.reopen();
    for (const [attribute, value] of this.assigned) await this.setAttribute(attribute, value);
  }

  async readStatusByte(): Promise<number> {
    const stb = [0];
    this.check(await callAsync(this.fn.viReadSTB, this.vi, stb), 'viReadSTB');
    return stb[0]!;
  }

  async getAttribute(attribute: VisaAttributeName): Promise<AttributeValue> {
    const { id, type } = VisaAttribute[attribute];
    const buffer = Buffer.alloc(VI_FIND_BUFLEN);
    this.check(this.fn.viGetAttribute(this.vi, id, buffer), `viGetAttribute(${attribute})`);
    switch (type) {
      case 'string':
        return cString(buffer);
      case 'u8':
        return buffer.readUInt8(0);
      case 'bool':
        return (LITTLE_ENDIAN ? buffer.readUInt16LE(0) : buffer.readUInt16BE(0)) !== 0;
      case 'u16':
        return LITTLE_ENDIAN ? buffer.readUInt16LE(0) : buffer.readUInt16BE(0);
      case 'u32':
        return LITTLE_ENDIAN ? buffer.readUInt32LE(0) : buffer.readUInt32BE(0);
    }
  }

  async setAttribute(attribute: VisaAttributeName, value: AttributeValue): Promise<void> {
    if (typeof value === 'string') {
      throw new InvalidValueError(`${attribute} cannot be set from a string`, {
        location: { resource: this.resourceName },
      });
    }
    const state = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    const { id } = VisaAttribute[attribute];
    this.check(this.fn.viSetAttribute(this.vi, id, state), `viSetAttribute(${attribute})`);
    this.assigned.set(attribute, value);
  }

  async close(): Promise<void> {
    if (this.vi === 0) return; // a reopen failed: nothing is open
    this.check(await callAsync(this.fn.viClose, this.vi), 'viClose');
  }

  private get fn(): VisaLibrary['functions'] {
    return this.library.functions;
  }

  private check(status: number, operation: string, partialData?: Uint8Array): void {
    this.library.check(status, {
      operation,
      object: this.vi,
      resource: this.resourceName,
      ...(partialData === undefined || partialData.length === 0 ? {} : { partialData }),
    });
  }
}
