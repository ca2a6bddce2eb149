import { setTimeout as delay } from 'node:timers/promises';
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

/**
 * Protocol-level resynchronisation: a request whose reply can be told apart from every other
 * reply (an identity query, an echo...). After the line went quiet, the transport sends it and drops
 * every frame until its reply: an instrument that answers in order has then sent every late reply.
 */
export interface SerialResync {
  /** The request, terminator included. */
  readonly request: Uint8Array | string;
  /**
   * True when `frame` is the reply to `request` (the line is in step again); false for a stale
   * frame, which is dropped. Throwing fails the resynchronisation with that error.
   */
  readonly isReply: (frame: Buffer) => boolean;
  /** How long to wait for that reply, ms. Default 2000. */
  readonly timeoutMs?: number;
}

/** How to build a {@link SerialTransport}. */
export interface SerialTransportOptions {
  /** Port path and line settings. */
  readonly settings: SerialSettings;
  /** How replies are cut out of the byte stream. */
  readonly framing: SerialFraming;
  /** Creates the serialport object; default: real ports ({@link systemSerialPorts}). */
  readonly openPort?: SerialPortFactory;
  /**
   * Silence, in ms, that tells the line is quiet when the transport resynchronises after a timeout
   * or an abort. Default: 50 ms, or 20 character times if that is longer (slow baud rates).
   */
  readonly quietMs?: number;
  /**
   * Longest wait for the line to go quiet, ms (an instrument that never stops sending). Default
   * 5000.
   */
  readonly quietTimeoutMs?: number;
  /** Protocol-level resynchronisation, for protocols that have a distinguishable reply. */
  readonly resync?: SerialResync;
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

const DEFAULT_QUIET_MS = 50;
const DEFAULT_QUIET_TIMEOUT_MS = 5000;
const DEFAULT_RESYNC_TIMEOUT_MS = 2000;

interface InFlight {
  readonly description: string;
  /** When the request was sent (Date.now()). */
  readonly startedAt: number;
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
 *
 * Request/response integrity: after a request times out, is aborted, or gets bytes that do not
 * form a valid reply, its reply may still be on its way. The transport then counts as
 * unsynchronised (even across a close and reopen: the instrument does not know we closed), and
 * before the next request it resynchronises ({@link SerialTransport.clear}): it discards the
 * operating system's input buffer and every byte until the line has been quiet for `quietMs`, then
 * runs the protocol's {@link SerialResync} if there is one. A late reply is never handed to a later
 * request.
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
  private readonly quietMs: number;
  private readonly quietTimeoutMs: number;
  private readonly resync: SerialResync | undefined;
  /** Why the line must be resynchronised before the next request, if it must. */
  private unsynchronised: string | undefined;
  /** While resynchronising: received bytes are dropped (counted) instead of framed. */
  private discarding: { bytes: number; lastAt: number; sample: Buffer } | undefined;

  constructor(options: SerialTransportOptions) {
    this.settings = resolveSerialSettings(options.settings);
    this.framing = options.framing;
    this.openPort = options.openPort ?? systemSerialPorts;
    this.queue = new RequestQueue(this.location);
    const characterMs = (10 * 1000) / this.settings.baudRate;
    this.quietMs = options.quietMs ?? Math.max(DEFAULT_QUIET_MS, Math.ceil(20 * characterMs));
    this.quietTimeoutMs = options.quietTimeoutMs ?? DEFAULT_QUIET_TIMEOUT_MS;
    this.resync = options.resync;
  }

  /**
   * True when an earlier request failed in a way that may leave its reply on the line; the next
   * request resynchronises first.
   */
  get isUnsynchronised(): boolean {
    return this.unsynchronised !== undefined;
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
      async () => {
        await this.resynchroniseIfNeeded(description, options.signal);
        return this.exchange(bytes, description, options);
      },
      options.signal,
      `the request ${description} on serial port ${this.path}`,
    );
  }

  /**
   * Serial "clear": brings the line back in step, in turn with the requests. Discards the operating
   * system's input buffer and every byte received until the line has been quiet for `quietMs`
   * (bounded by `quietTimeoutMs`), then runs the protocol's {@link SerialResync}, if any. Drivers
   * call it after an error of their own; the transport does it by itself after timeouts and aborts.
   * Fails with a {@link SerialProtocolError} when the line never goes quiet, or with the resync's
   * error; the transport then stays unsynchronised.
   */
  clear(signal?: AbortSignal): Promise<void> {
    return this.queue.run(
      async () => {
        this.unsynchronised ??= 'a clear was asked for';
        await this.resynchroniseIfNeeded('the clear', signal);
      },
      signal,
      `clearing serial port ${this.path}`,
    );
  }

  /** Sends bytes that expect no reply, in turn with the queries. */
  write(data: Uint8Array | string, options: SerialWriteOptions = {}): Promise<void> {
    const bytes = toBytes(data);
    const description = `"${printableBytes(bytes)}"`;
    return this.queue.run(
      async () => {
        await this.resynchroniseIfNeeded(description, options.signal);
        const port = this.requireOpen(description);
        try {
          await this.send(port, bytes, description, options.timeoutMs ?? 5000, options.signal);
        } catch (error) {
          this.unsynchronised = `writing ${description} failed`;
          throw error;
        }
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
    const discarding = this.discarding;
    if (discarding) {
      discarding.bytes += chunk.length;
      discarding.lastAt = Date.now();
      if (discarding.sample.length < 64)
        discarding.sample = Buffer.concat([discarding.sample, chunk.subarray(0, 64)]);
      return;
    }
    const framer = this.framer;
    if (!framer) return;
    const inFlight = this.inFlight;
    // Bytes nobody asked for (a late reply, noise): the line may be out of step.
    if (!inFlight) this.unsynchronised ??= 'bytes arrived while no request was waiting';
    framer.push(chunk);
    const pending = framer.pending();
    if (pending.length > framer.maxPendingBytes) {
      framer.reset();
      const waiting = inFlight
        ? ` while waiting for the reply to ${inFlight.description} ` +
          `(after ${Date.now() - inFlight.startedAt} ms)`
        : '';
      inFlight?.fail(
        new SerialProtocolError(
          `received ${pending.length} bytes from serial port ${this.path} that do not form a ` +
            `frame (expected ${describeFraming(this.framing)}, at most ${framer.maxPendingBytes} ` +
            `bytes)${waiting}: "${printableBytes(pending)}"`,
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
      if (this.inFlight) this.inFlight.fail(this.lostDuring(this.inFlight, error));
      this.detach(port);
      for (const listener of [...this.disconnectListeners]) listener(disconnection);
      return;
    }
    this.detach(port);
  }

  private lostDuring(
    request: { readonly description: string; readonly startedAt?: number },
    cause: unknown,
  ): SerialDisconnectedError {
    const waited =
      request.startedAt === undefined ? '' : ` (after ${Date.now() - request.startedAt} ms)`;
    return new SerialDisconnectedError(
      `serial port ${this.path} disappeared (${messageOf(cause)}) while waiting for the reply to ` +
        `${request.description}${waited}`,
      { cause, location: this.location },
    );
  }

  private portError(error: Error): void {
    const inFlight = this.inFlight;
    if (!inFlight) return;
    inFlight.fail(
      new SerialIoError(
        `serial port ${this.path} failed (${error.message}) while waiting for the reply to ` +
          `${inFlight.description} (after ${Date.now() - inFlight.startedAt} ms)`,
        { cause: error, location: this.location },
      ),
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

  /** Resynchronises (see {@link clear}) if an earlier request left the line out of step. */
  private async resynchroniseIfNeeded(
    description: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const reason = this.unsynchronised;
    if (reason === undefined) return;
    const port = this.requireOpen(description);
    const started = Date.now();
    const discarding: { bytes: number; lastAt: number; sample: Buffer } = {
      bytes: 0,
      lastAt: started,
      sample: Buffer.alloc(0),
    };
    this.discarding = discarding;
    try {
      const pending = this.framer?.pending();
      if (pending && pending.length > 0) {
        discarding.bytes += pending.length;
        discarding.sample = pending.subarray(0, 64);
      }
      this.framer?.reset();
      await new Promise<void>((resolve) => port.flush(() => resolve()));
      for (;;) {
        if (signal?.aborted) {
          throw abortedError(signal, `resynchronising before ${description}`, this.location);
        }
        if (this.port !== port) this.requireOpen(description);
        const now = Date.now();
        const quietFor = now - discarding.lastAt;
        if (quietFor >= this.quietMs) break;
        if (now - started >= this.quietTimeoutMs) {
          throw new SerialProtocolError(
            `serial port ${this.path} did not go quiet within ${this.quietTimeoutMs} ms while ` +
              `resynchronising before ${description} (after ${reason}): ${discarding.bytes} ` +
              `bytes discarded, starting "${printableBytes(discarding.sample)}"`,
            discarding.sample,
            { location: this.location },
          );
        }
        await delay(Math.min(this.quietMs - quietFor, this.quietTimeoutMs - (now - started)));
      }
    } finally {
      if (this.discarding === discarding) this.discarding = undefined;
    }
    if (this.resync) {
      const resync = this.resync;
      const request = toBytes(resync.request);
      await this.exchange(
        request,
        `"${printableBytes(request)}" (resynchronising after ${reason})`,
        {
          timeoutMs: resync.timeoutMs ?? DEFAULT_RESYNC_TIMEOUT_MS,
          signal,
          accept: (frame) => (resync.isReply(frame) ? true : undefined),
        },
      );
    }
    this.unsynchronised = undefined;
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
    const started = Date.now();
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
        // The reply may still be on its way: resynchronise before the next request.
        this.unsynchronised = `${description} ${error instanceof SerialTimeoutError ? 'timed out' : 'was abandoned'}`;
        finish(() => reject(error));
        this.framer?.reset();
      };
      const inFlight: InFlight = {
        description,
        startedAt: started,
        frame: (frame) => {
          let reply: T | undefined;
          try {
            reply = accept(frame);
          } catch (error) {
            if (error instanceof SerialProtocolError) {
              // A frame that is not a valid reply: the line cannot be trusted to be in step.
              this.unsynchronised = `an invalid reply to ${description}`;
              const named = new SerialProtocolError(
                `${error.detail}; it came as the reply to ${description} on serial port ` +
                  `${this.path} after ${Date.now() - started} ms`,
                error.received,
                { cause: error, location: { ...error.location, ...this.location } },
              );
              finish(() => reject(named));
              return;
            }
            finish(() => reject(withContext(error, this.location)));
            return;
          }
          if (reply !== undefined) finish(() => resolve(reply));
        },
        fail: (error) => {
          if (!(error instanceof SerialDisconnectedError)) {
            this.unsynchronised = `${description} failed (${error.message})`;
          }
          finish(() => reject(error));
        },
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
    if (port.closing || !port.isOpen) return this.lostDuring({ description }, error);
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
