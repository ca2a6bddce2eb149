import { type ErrorLocation, withContext } from '@shotline/core';
import {
  SerialDisconnectedError,
  SerialIoError,
  SerialOpenError,
  SerialPortClosedError,
  SerialProtocolError,
  SerialTimeoutError,
} from '../errors/serial-errors.js';
import { abortedError } from '../internal/abort.js';
import { printableBytes } from '../internal/bytes.js';
import { Framer } from '../internal/framer.js';
import { RequestQueue } from '../internal/request-queue.js';
import { describeFraming, type SerialFraming } from './serial-framing.js';
import {
  systemSerialPorts,
  type SerialPortFactory,
  type SerialPortHandle,
} from './serial-port-factory.js';
import {
  describeSerialSettings,
  resolveSerialSettings,
  type ResolvedSerialSettings,
  type SerialSettings,
} from './serial-settings.js';

/** How to build a {@link SerialTransport}. */
export interface SerialTransportOptions {
  /** Port path and line settings. */
  readonly settings: SerialSettings;
  /** How replies are cut out of the byte stream. */
  readonly framing: SerialFraming;
  /** Creates the serialport object; default: real ports ({@link systemSerialPorts}). */
  readonly openPort?: SerialPortFactory;
}

/** Options of {@link SerialTransport.query}. */
export interface SerialQueryOptions<T> {
  /** How long to wait for the reply once the request has its turn, in milliseconds. */
  readonly timeoutMs: number;
  /** Abandons the request (waiting for its turn or for its reply). */
  readonly signal?: AbortSignal;
  /**
   * Decides whether a frame is the reply. Return the decoded reply, or `undefined` to skip the frame
   * and keep waiting (a frame addressed to another instrument on the bus, a "busy" notice...).
   * Throwing fails the request with that error (e.g. a {@link SerialProtocolError} for garbage).
   * Default: the first frame is the reply.
   */
  readonly accept?: (frame: Buffer) => T | undefined;
  /** Names the request in messages; default: the bytes sent. */
  readonly description?: string;
}

/** Options of {@link SerialTransport.write}. */
export interface SerialWriteOptions {
  readonly signal?: AbortSignal;
  /** Bound on the time to hand the bytes to the operating system, in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
}

type TransportState = 'closed' | 'opening' | 'open' | 'closing';

interface InFlight {
  readonly description: string;
  frame(frame: Buffer): void;
  fail(error: Error): void;
}

/**
 * A serial port used as a request/reply channel to one instrument (or one multi-drop bus).
 *
 * - `open()` / `close()` with the line settings; `close()` is idempotent, and `open()` works again
 *   after a close or a disconnection (e.g. once an unplugged USB adapter is back).
 * - Replies are framed by serialport's parsers ({@link SerialFraming}).
 * - `query()` writes a request and waits for its reply, with a timeout and an `AbortSignal`;
 *   requests run one at a time, in order.
 * - When the port disappears, the request in flight fails with a {@link SerialDisconnectedError}
 *   naming the port, and the port is closed. Frames that arrive while no request waits are dropped.
 */
export class SerialTransport implements AsyncDisposable {
  /** The settings in use, defaults filled in. */
  readonly settings: ResolvedSerialSettings;
  private readonly framing: SerialFraming;
  private readonly openPort: SerialPortFactory;
  private readonly queue: RequestQueue;
  private state: TransportState = 'closed';
  private port: SerialPortHandle | undefined;
  private framer: Framer | undefined;
  private inFlight: InFlight | undefined;
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private disconnection: SerialDisconnectedError | undefined;
  private readonly disconnectListeners = new Set<(error: SerialDisconnectedError) => void>();

  constructor(options: SerialTransportOptions) {
    this.settings = resolveSerialSettings(options.settings);
    this.framing = options.framing;
    this.openPort = options.openPort ?? systemSerialPorts;
    this.queue = new RequestQueue(this.location);
  }

  /** The port path. */
  get path(): string {
    return this.settings.path;
  }

  /** True between a successful `open()` and `close()` or a disconnection. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** True when the port disappeared while open and has not been reopened since. */
  get isDisconnected(): boolean {
    return this.state === 'closed' && this.disconnection !== undefined;
  }

  /**
   * Calls `listener` each time the open port disappears (after the request in flight has failed);
   * returns the unsubscribe function.
   */
  onDisconnect(listener: (error: SerialDisconnectedError) => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  private get location(): ErrorLocation {
    return { resource: this.settings.path };
  }

  /**
   * Opens the port. Does nothing if it is open; concurrent calls share one attempt. Fails with a
   * {@link SerialOpenError} naming the port and the reason.
   */
  open(signal?: AbortSignal): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    this.opening ??= (async () => {
      try {
        if (this.closing) await this.closing;
        await this.openOnce(signal);
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  /**
   * Closes the port; a request waiting for its reply fails with a {@link SerialPortClosedError}.
   * Idempotent: later calls return the same promise until the port is opened again.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.opening) await this.opening.catch(() => undefined);
        await this.closeOnce();
      } finally {
        this.closing = undefined;
      }
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Sends `request` and resolves with its reply (see {@link SerialQueryOptions.accept}). Waits for
   * earlier requests first. Fails with a {@link SerialTimeoutError} (no complete reply in time), a
   * {@link SerialProtocolError}, a {@link SerialDisconnectedError} (the port disappeared), a
   * {@link SerialPortClosedError} or an `AbortedError`; after a timeout or an abort, the partial
   * reply is dropped so it cannot be taken for the next one.
   */
  query<T = Buffer>(request: Uint8Array | string, options: SerialQueryOptions<T>): Promise<T> {
    const bytes = toBytes(request);
    const description = options.description ?? `"${printableBytes(bytes)}"`;
    return this.queue.run(
      () => this.exchange(bytes, description, options),
      options.signal,
      `the request ${description} on serial port ${this.path}`,
    );
  }

  /** Sends bytes that expect no reply, in turn with the queries. */
  write(data: Uint8Array | string, options: SerialWriteOptions = {}): Promise<void> {
    const bytes = toBytes(data);
    const description = `"${printableBytes(bytes)}"`;
    return this.queue.run(
      async () => {
        const port = this.requireOpen(description);
        await this.send(port, bytes, description, options.timeoutMs ?? 5000, options.signal);
      },
      options.signal,
      `writing ${description} to serial port ${this.path}`,
    );
  }

  private async openOnce(signal: AbortSignal | undefined): Promise<void> {
    if (this.state === 'open') return;
    const s = this.settings;
    const where = `serial port ${s.path} (${describeSerialSettings(s)})`;
    if (signal?.aborted) throw abortedError(signal, `opening ${where}`, this.location);
    this.state = 'opening';
    let port: SerialPortHandle;
    try {
      port = this.openPort({
        path: s.path,
        baudRate: s.baudRate,
        dataBits: s.dataBits,
        parity: s.parity,
        stopBits: s.stopBits,
        rtscts: s.flowControl === 'rts-cts',
        xon: s.flowControl === 'xon-xoff',
        xoff: s.flowControl === 'xon-xoff',
        autoOpen: false,
      });
      await new Promise<void>((resolve, reject) =>
        port.open((error) => (error ? reject(error) : resolve())),
      );
    } catch (cause) {
      this.state = 'closed';
      throw new SerialOpenError(`cannot open ${where}: ${messageOf(cause)}`, {
        cause,
        location: this.location,
      });
    }
    const framer = new Framer(this.framing, (frame) => this.inFlight?.frame(frame));
    port.on('data', (chunk: Buffer) => this.received(chunk));
    port.on('close', (error: unknown) => this.portClosed(port, error));
    port.on('error', (error: Error) => this.portError(error));
    this.port = port;
    this.framer = framer;
    this.disconnection = undefined;
    this.state = 'open';
    if (signal?.aborted) {
      await this.closeOnce();
      throw abortedError(signal, `opening ${where}`, this.location);
    }
  }

  private async closeOnce(): Promise<void> {
    const port = this.port;
    if (this.state !== 'open' || !port) return;
    this.state = 'closing';
    this.inFlight?.fail(
      new SerialPortClosedError(
        `serial port ${this.path} was closed while waiting for the reply to ${this.inFlight.description}`,
        { location: this.location },
      ),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        port.close((error) => (error && port.isOpen ? reject(error) : resolve()));
      });
    } catch (cause) {
      throw new SerialIoError(`closing serial port ${this.path} failed: ${messageOf(cause)}`, {
        cause,
        location: this.location,
      });
    } finally {
      this.detach(port);
    }
  }

  /** Releases the port object and the framer; the port is closed (by us or by the system). */
  private detach(port: SerialPortHandle): void {
    if (this.port !== port) return;
    this.framer?.dispose();
    this.framer = undefined;
    this.port = undefined;
    this.state = 'closed';
    // Keep an 'error' listener: serialport may still report a late failure of the closed port.
    port.removeAllListeners('data');
    port.removeAllListeners('close');
  }

  private received(chunk: Buffer): void {
    const framer = this.framer;
    if (!framer) return;
    framer.push(chunk);
    const pending = framer.pending();
    if (pending.length > framer.maxPendingBytes) {
      framer.reset();
      this.inFlight?.fail(
        new SerialProtocolError(
          `received ${pending.length} bytes from serial port ${this.path} that do not form a ` +
            `frame (expected ${describeFraming(this.framing)}, at most ${framer.maxPendingBytes} ` +
            `bytes): "${printableBytes(pending)}"`,
          pending,
          { location: this.location },
        ),
      );
    }
  }

  private portClosed(port: SerialPortHandle, error: unknown): void {
    const disconnected =
      typeof error === 'object' &&
      error !== null &&
      (error as { disconnected?: unknown }).disconnected;
    if (disconnected && this.port === port) {
      const reason = messageOf(error);
      const disconnection = new SerialDisconnectedError(
        `serial port ${this.path} disappeared (${reason}); open it again once it is back`,
        { cause: error, location: this.location },
      );
      this.disconnection = disconnection;
      if (this.inFlight) this.inFlight.fail(this.lostDuring(this.inFlight.description, error));
      this.detach(port);
      for (const listener of [...this.disconnectListeners]) listener(disconnection);
      return;
    }
    this.detach(port);
  }

  private lostDuring(description: string, cause: unknown): SerialDisconnectedError {
    return new SerialDisconnectedError(
      `serial port ${this.path} disappeared (${messageOf(cause)}) while waiting for the reply to ` +
        description,
      { cause, location: this.location },
    );
  }

  private portError(error: Error): void {
    this.inFlight?.fail(
      new SerialIoError(`serial port ${this.path} failed: ${error.message}`, {
        cause: error,
        location: this.location,
      }),
    );
  }

  private requireOpen(description: string): SerialPortHandle {
    if (this.state === 'open' && this.port) return this.port;
    if (this.disconnection) {
      throw new SerialDisconnectedError(
        `cannot send ${description}: ${this.disconnection.detail}`,
        { cause: this.disconnection.cause, location: this.location },
      );
    }
    throw new SerialPortClosedError(
      `cannot send ${description}: serial port ${this.path} is not open`,
      { location: this.location },
    );
  }

  private exchange<T>(
    bytes: Buffer,
    description: string,
    options: SerialQueryOptions<T>,
  ): Promise<T> {
    const port = this.requireOpen(description);
    const signal = options.signal;
    if (signal?.aborted) {
      throw abortedError(signal, `the request ${description}`, this.location);
    }
    // Bytes of an earlier, broken reply must not become the start of this one.
    this.framer?.reset();
    const accept = options.accept ?? ((frame: Buffer) => frame as T);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.inFlight === inFlight) this.inFlight = undefined;
        outcome();
      };
      const abandon = (error: Error): void => {
        finish(() => reject(error));
        // A reply may still be arriving: drop what came so far.
        this.framer?.reset();
      };
      const inFlight: InFlight = {
        description,
        frame: (frame) => {
          let reply: T | undefined;
          try {
            reply = accept(frame);
          } catch (error) {
            finish(() => reject(withContext(error, this.location)));
            return;
          }
          if (reply !== undefined) finish(() => resolve(reply));
        },
        fail: (error) => finish(() => reject(error)),
      };
      const onAbort = (): void =>
        abandon(abortedError(signal!, `the request ${description}`, this.location));
      const timer = setTimeout(() => {
        const partial = this.framer?.pending() ?? Buffer.alloc(0);
        const tail =
          partial.length > 0
            ? `; received "${printableBytes(partial)}" without the end of the frame`
            : '';
        abandon(
          new SerialTimeoutError(
            `no reply to ${description} from serial port ${this.path} within ` +
              `${options.timeoutMs} ms${tail}`,
            partial,
            { location: this.location },
          ),
        );
      }, options.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.inFlight = inFlight;
      port.write(bytes, (error) => {
        if (error) inFlight.fail(this.writeError(port, error, description));
      });
    });
  }

  private async send(
    port: SerialPortHandle,
    bytes: Buffer,
    description: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new SerialTimeoutError(
              `writing ${description} to serial port ${this.path} took more than ${timeoutMs} ms`,
              Buffer.alloc(0),
              { location: this.location },
            ),
          ),
        timeoutMs,
      );
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortedError(signal!, `writing ${description}`, this.location));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      port.write(bytes, (error) => {
        if (error) {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(this.writeError(port, error, description));
          return;
        }
        port.drain(() => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    });
  }

  private writeError(port: SerialPortHandle, error: unknown, description: string): Error {
    // serialport starts closing a port whose write failed because the device is gone.
    if (port.closing || !port.isOpen) return this.lostDuring(description, error);
    return new SerialIoError(
      `writing ${description} to serial port ${this.path} failed: ${messageOf(error)}`,
      { cause: error, location: this.location },
    );
  }
}

function toBytes(data: Uint8Array | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
