import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidValueError } from '@shotline/core';
import {
  InvalidBinaryBlockError,
  decodeBinaryValues,
  encodeBinaryBlock,
  parseBinaryBlockHeader,
} from '../binary-block.js';
import type {
  BinaryValuesOptions,
  MessageBasedResource,
  QueryOptions,
  ResourceOptions,
  VisaBackendKind,
} from '../message-based-resource.js';
import {
  VI_TMO_INFINITE,
  VisaStatus,
  type VisaAttributeName,
  type VisaAttributeValue,
} from '../visa-constants.js';
import {
  VisaIOError,
  VisaReplyTooLargeError,
  VisaResourceClosedError,
  visaIOError,
} from '../visa-errors.js';
import { SerialQueue } from './serial-queue.js';
import type { ReadCompletion, SessionIO } from './session-io.js';

const DEFAULT_TIMEOUT = 2000;
const DEFAULT_CHUNK_SIZE = 20 * 1024;
/** A block header must start within this many bytes of the reply (past them it is garbage). */
const MAX_BLOCK_HEADER_SEARCH = 4096;
/** Default bound of one reply: 64 MiB (a deep oscilloscope record fits; a runaway stream does not). */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Validates a read termination the way pyvisa does, and returns its termination character. */
export function terminationCharacter(termination: string, resource: string): number {
  const fail = (reason: string): never => {
    throw new InvalidValueError(`read termination ${JSON.stringify(termination)} ${reason}`, {
      location: { resource },
    });
  };
  if (termination === '') fail('is empty; use null to turn termination off');
  const last = termination.charCodeAt(termination.length - 1);
  if (last > 0xff) fail('must end with a single-byte character');
  if (termination.slice(0, -1).includes(termination.at(-1)!))
    fail('is ambiguous: its last character also appears earlier');
  return last;
}

/**
 * The {@link MessageBasedResource} of every backend: termination, read loops, binary blocks,
 * queries, serialisation and error context live here once; the backend only supplies VISA-level
 * reads and writes ({@link SessionIO}).
 *
 * Request/response integrity: when an I/O operation fails (a timeout, a lost connection, a reply
 * refused as too large, an abandoned read), a reply may still be on its way. The session then
 * counts as unsynchronised, and the next operation first runs a device clear (`SessionIO.clear`),
 * after which no earlier reply can be read; if the clear fails, the operation fails with that error
 * and the next one tries again. Reads are linear in the reply length: chunks are collected and
 * joined once.
 */
export class MessageBasedSession implements MessageBasedResource {
  readonly resourceName: string;
  private readonly queue = new SerialQueue();
  private closing: Promise<void> | undefined;
  private timeoutMs: number;
  private readTerm: string | null;
  private writeTerm: string;
  private readonly encoding: BufferEncoding;
  private readonly chunkSize: number;
  private readonly maxReplyBytes: number;
  /** Why the session must be cleared before its next operation, if it must. */
  private unsynchronised: string | undefined;
  /** The last message written, to name the request a read is waiting for. */
  private lastWritten: string | undefined;

  private constructor(
    private readonly io: SessionIO,
    readonly backend: VisaBackendKind,
    options: ResourceOptions,
    private readonly afterClose: () => Promise<void>,
  ) {
    this.resourceName = io.resourceName;
    this.timeoutMs = options.timeout ?? DEFAULT_TIMEOUT;
    this.readTerm = options.readTermination === undefined ? '\n' : options.readTermination;
    this.writeTerm = options.writeTermination ?? '\n';
    this.encoding = options.encoding ?? 'latin1';
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1) {
      throw new InvalidValueError(`chunk size ${this.chunkSize} must be a positive integer`, {
        location: { resource: this.resourceName },
      });
    }
    this.maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    if (!Number.isInteger(this.maxReplyBytes) || this.maxReplyBytes < 1) {
      throw new InvalidValueError(
        `maxReplyBytes ${this.maxReplyBytes} must be a positive integer`,
        { location: { resource: this.resourceName } },
      );
    }
  }

  /**
   * Wraps an open backend session and applies the timeout and termination options. If that fails,
   * the backend session and `afterClose` are released before the error is thrown.
   */
  static async create(
    io: SessionIO,
    backend: VisaBackendKind,
    options: ResourceOptions,
    afterClose: () => Promise<void> = async () => {},
  ): Promise<MessageBasedSession> {
    let session: MessageBasedSession | undefined;
    try {
      session = new MessageBasedSession(io, backend, options, afterClose);
      await session.setTimeout(session.timeoutMs);
      await session.setReadTermination(session.readTerm);
      return session;
    } catch (e) {
      if (session) await session.close().catch(() => undefined);
      else await io.close().finally(afterClose);
      throw e;
    }
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  get timeout(): number {
    return this.timeoutMs;
  }

  get readTermination(): string | null {
    return this.readTerm;
  }

  get writeTermination(): string {
    return this.writeTerm;
  }

  setTimeout(milliseconds: number): Promise<void> {
    if (!(milliseconds >= 0) || (!Number.isFinite(milliseconds) && milliseconds !== Infinity)) {
      return Promise.reject(
        new InvalidValueError(`timeout ${milliseconds} ms must be >= 0 or Infinity`, {
          location: { resource: this.resourceName },
        }),
      );
    }
    const value = milliseconds === Infinity ? VI_TMO_INFINITE : Math.round(milliseconds);
    if (value > VI_TMO_INFINITE) {
      return Promise.reject(
        new InvalidValueError(`timeout ${milliseconds} ms is too large (max 2^32 - 2 ms)`, {
          location: { resource: this.resourceName },
        }),
      );
    }
    return this.exclusive('set timeout', async () => {
      await this.io.setAttribute('VI_ATTR_TMO_VALUE', value);
      this.timeoutMs = milliseconds;
    });
  }

  setReadTermination(termination: string | null): Promise<void> {
    let termchar: number;
    try {
      termchar = termination === null ? 0x0a : terminationCharacter(termination, this.resourceName);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return this.exclusive('set read termination', async () => {
      await this.io.setAttribute('VI_ATTR_TERMCHAR', termchar);
      await this.io.setAttribute('VI_ATTR_TERMCHAR_EN', termination !== null);
      this.readTerm = termination;
    });
  }

  async setWriteTermination(termination: string): Promise<void> {
    this.ensureOpen();
    this.writeTerm = termination;
  }

  write(message: string): Promise<void> {
    return this.ioOperation(`write ${quote(message)}`, () => this.writeLocked(message));
  }

  writeRaw(data: Uint8Array): Promise<void> {
    return this.ioOperation(`write of ${data.length} bytes`, async () => {
      this.lastWritten = `${data.length} bytes`;
      await this.io.write(data);
    });
  }

  writeBinaryBlock(prefix: string, data: Uint8Array): Promise<void> {
    return this.ioOperation(`write ${quote(prefix)} with a binary block`, () =>
      this.io.write(
        Buffer.concat([
          Buffer.from(prefix, this.encoding),
          encodeBinaryBlock(data),
          Buffer.from(this.writeTerm, this.encoding),
        ]),
      ),
    );
  }

  read(): Promise<string> {
    return this.ioOperation(this.readOperation('read'), async () =>
      this.decode(await this.readMessageLocked()),
    );
  }

  readRaw(): Promise<Buffer> {
    return this.ioOperation(this.readOperation('read'), () => this.readMessageLocked());
  }

  readBytes(count: number): Promise<Buffer> {
    return this.ioOperation(this.readOperation(`read of ${count} bytes`), () =>
      this.readBytesLocked(count),
    );
  }

  readBinaryBlock(): Promise<Buffer> {
    return this.ioOperation(this.readOperation('read of a binary block'), () =>
      this.readBlockLocked(),
    );
  }

  query(message: string, options: QueryOptions = {}): Promise<string> {
    return this.ioOperation(`query ${quote(message)}`, async () => {
      await this.writeLocked(message);
      if (options.delay) await sleep(options.delay);
      return this.decode(await this.readMessageLocked());
    });
  }

  queryBinaryBlock(message: string, options: QueryOptions = {}): Promise<Buffer> {
    return this.ioOperation(`query ${quote(message)}`, async () => {
      await this.writeLocked(message);
      if (options.delay) await sleep(options.delay);
      return this.readBlockLocked();
    });
  }

  async queryBinaryValues(message: string, options: BinaryValuesOptions): Promise<number[]> {
    const data = await this.queryBinaryBlock(message, options);
    return decodeBinaryValues(data, options.datatype, {
      bigEndian: options.bigEndian ?? false,
      resource: this.resourceName,
    });
  }

  clear(): Promise<void> {
    return this.exclusive('device clear', async () => {
      await this.io.clear();
      this.unsynchronised = undefined;
    });
  }

  readStatusByte(): Promise<number> {
    return this.ioOperation('read of the status byte', () => this.io.readStatusByte());
  }

  getAttribute<N extends VisaAttributeName>(name: N): Promise<VisaAttributeValue<N>> {
    return this.exclusive(
      `get ${name}`,
      async () => (await this.io.getAttribute(name)) as VisaAttributeValue<N>,
    );
  }

  setAttribute<N extends VisaAttributeName>(name: N, value: VisaAttributeValue<N>): Promise<void> {
    return this.exclusive(`set ${name}`, () => this.io.setAttribute(name, value));
  }

  close(): Promise<void> {
    this.closing ??= this.queue
      .run(() => this.io.close())
      .finally(() => this.afterClose())
      .then(() => undefined);
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ------------------------------------------------------------------ internals (queue held)

  private ensureOpen(): void {
    if (this.closing) {
      throw new VisaResourceClosedError('the VISA session is closed', {
        location: { resource: this.resourceName },
      });
    }
  }

  /** Names a read by the request it waits for (the last message written), when there is one. */
  private readOperation(what: string): string {
    return this.lastWritten === undefined ? what : `${what} (reply to ${quote(this.lastWritten)})`;
  }

  /**
   * Runs an I/O operation alone on the session: first a device clear if an earlier operation left
   * the session unsynchronised; if the operation fails, the session is unsynchronised in turn.
   */
  private ioOperation<T>(operation: string, task: () => Promise<T>): Promise<T> {
    return this.exclusive(operation, async () => {
      if (this.unsynchronised !== undefined) {
        const started = Date.now();
        try {
          await this.io.clear();
        } catch (e) {
          if (e instanceof VisaIOError) {
            throw visaIOError(e.status, {
              operation:
                `${operation}: the device clear needed after ${this.unsynchronised} ` +
                `(${e.operation})`,
              description: e.description,
              resource: this.resourceName,
              waitedMs: e.waitedMs ?? Date.now() - started,
              cause: e,
            });
          }
          throw e;
        }
        this.unsynchronised = undefined;
      }
      try {
        return await task();
      } catch (e) {
        this.unsynchronised = `${operation} failed`;
        throw e;
      }
    });
  }

  /**
   * Runs `task` alone on the session; VISA errors gain the operation and how long it had waited
   * when it failed.
   */
  private exclusive<T>(operation: string, task: () => Promise<T>): Promise<T> {
    try {
      this.ensureOpen();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return this.queue.run(async () => {
      const started = Date.now();
      try {
        return await task();
      } catch (e) {
        if (e instanceof VisaIOError && !e.operation.startsWith(operation)) {
          const waitedMs = e.waitedMs ?? Date.now() - started;
          // The same class (e.g. VisaReplyTooLargeError), with the operation as context.
          const ErrorClass = e.constructor as typeof VisaIOError;
          throw new ErrorClass(e.status, {
            operation: `${operation} (${e.operation})`,
            description: e.description,
            resource: this.resourceName,
            ...(e.partialData === undefined ? {} : { partialData: e.partialData }),
            waitedMs,
            cause: e,
          });
        }
        throw e;
      }
    });
  }

  private writeLocked(message: string): Promise<void> {
    this.lastWritten = message;
    return this.io.write(Buffer.from(message + this.writeTerm, this.encoding));
  }

  /** True if `data` ends with the read termination (false when there is none). */
  private endsWithTermination(data: Uint8Array): boolean {
    if (this.readTerm === null) return false;
    const term = Buffer.from(this.readTerm, this.encoding);
    return data.length >= term.length && term.equals(data.subarray(data.length - term.length));
  }

  /** `data` without its trailing read termination. */
  private stripTermination(data: Buffer): Buffer {
    return this.endsWithTermination(data)
      ? data.subarray(0, data.length - Buffer.byteLength(this.readTerm!, this.encoding))
      : data;
  }

  private decode(data: Buffer): string {
    return this.stripTermination(data).toString(this.encoding);
  }

  /** True when `data`, last read with `completion`, is a whole message. */
  private messageComplete(data: Buffer, completion: ReadCompletion): boolean {
    if (completion === 'end') return true;
    if (completion === 'count') return false;
    return this.readTerm === null || this.endsWithTermination(data);
  }

  /**
   * Reads until the end of a message. The chunks are joined once at the end; only the last bytes
   * are looked at to find the termination, so a long reply costs time linear in its length.
   */
  private async readMessageLocked(prefix: Buffer = Buffer.alloc(0)): Promise<Buffer> {
    const chunks = [prefix];
    let total = prefix.length;
    const termLength = this.readTerm === null ? 0 : Buffer.byteLength(this.readTerm, this.encoding);
    for (;;) {
      const chunk = await this.io.read(this.chunkSize);
      chunks.push(chunk.data);
      total += chunk.data.length;
      if (total > this.maxReplyBytes) throw this.tooLarge(total, 'a reply of more than');
      const tail = lastBytes(chunks, total, termLength);
      if (this.messageComplete(tail, chunk.completion)) return Buffer.concat(chunks, total);
    }
  }

  private tooLarge(bytes: number, what: string): VisaReplyTooLargeError {
    return new VisaReplyTooLargeError(VisaStatus.VI_ERROR_IO, {
      operation: 'viRead',
      description:
        `${what} ${bytes} bytes exceeds maxReplyBytes (${this.maxReplyBytes}); the rest is ` +
        `discarded by a device clear before the next operation. Raise maxReplyBytes if such ` +
        `replies are expected.`,
      resource: this.resourceName,
    });
  }

  private async readBytesLocked(count: number): Promise<Buffer> {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidValueError(`byte count ${count} must be a non-negative integer`, {
        location: { resource: this.resourceName },
      });
    }
    const chunks: Buffer[] = [];
    let have = 0;
    // The count is known: a termination character inside binary data must not cut every read
    // short (one read per 0x0A byte otherwise), so it is off while these bytes are read.
    const termination = this.readTerm !== null && count > 1;
    if (termination) await this.io.setAttribute('VI_ATTR_TERMCHAR_EN', false);
    try {
      while (have < count) {
        const chunk = await this.io.read(Math.min(count - have, this.chunkSize));
        chunks.push(chunk.data);
        have += chunk.data.length;
      }
    } finally {
      if (termination) await this.io.setAttribute('VI_ATTR_TERMCHAR_EN', true);
    }
    return Buffer.concat(chunks, have);
  }

  private async readBlockLocked(): Promise<Buffer> {
    let buffer: Buffer = Buffer.alloc(0);
    let completion: ReadCompletion = 'count';
    let header = parseBinaryBlockHeader(buffer, this.resourceName);
    while (header === 'incomplete') {
      if (
        (buffer.length > 0 && this.messageComplete(buffer, completion)) ||
        buffer.length > MAX_BLOCK_HEADER_SEARCH
      ) {
        throw new InvalidBinaryBlockError(
          `reply ${quote(this.decode(buffer).slice(0, 40))} is not an IEEE 488.2 binary block`,
          { location: { resource: this.resourceName } },
        );
      }
      const chunk = await this.io.read(this.chunkSize);
      buffer = Buffer.concat([buffer, chunk.data]);
      completion = chunk.completion;
      header = parseBinaryBlockHeader(buffer, this.resourceName);
    }
    if (header.length === undefined) {
      // #0: the data runs to the end of the message.
      if (!this.messageComplete(buffer, completion)) buffer = await this.readMessageLocked(buffer);
      return Buffer.from(this.stripTermination(buffer.subarray(header.dataOffset)));
    }
    if (header.length > this.maxReplyBytes)
      throw this.tooLarge(header.length, 'a binary block announcing');
    const end = header.dataOffset + header.length;
    if (buffer.length < end) {
      buffer = Buffer.concat([buffer, await this.readBytesLocked(end - buffer.length)]);
      completion = 'count';
    }
    const data = Buffer.from(buffer.subarray(header.dataOffset, end));
    const rest = buffer.subarray(end);
    const finished = completion === 'end' || this.endsWithTermination(rest);
    if (!finished && this.readTerm !== null) await this.readMessageLocked(rest);
    return data;
  }
}

/** The last `n` bytes of the concatenation of `chunks` (of total length `total`). */
function lastBytes(chunks: readonly Buffer[], total: number, n: number): Buffer {
  if (n === 0) return chunks[chunks.length - 1] ?? Buffer.alloc(0);
  const last = chunks[chunks.length - 1]!;
  if (last.length >= n) return last.subarray(last.length - n);
  const want = Math.min(n, total);
  const out = Buffer.alloc(want);
  let at = want;
  for (let i = chunks.length - 1; i >= 0 && at > 0; i--) {
    const chunk = chunks[i]!;
    const piece = Math.min(chunk.length, at);
    chunk.copy(out, at - piece, chunk.length - piece);
    at -= piece;
  }
  return out;
}

function quote(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(shown);
}
