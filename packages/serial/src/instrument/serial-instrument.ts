import { ShotlineError } from '@shotline/core';
import type { SerialTransport } from '../transport/serial-transport.js';

/** Text encodings an ASCII instrument may use. `latin1` maps every byte to one character. */
export type SerialTextEncoding = 'ascii' | 'latin1' | 'utf8';

/** Options of {@link SerialInstrument}. */
export interface SerialInstrumentOptions {
  /** Appended to every command, e.g. `\r\n`. */
  readonly terminator: string;
  /** Encoding of commands and replies; default `latin1`. */
  readonly encoding?: SerialTextEncoding;
  /** Reply timeout of a command, in milliseconds, unless the command says otherwise. */
  readonly timeoutMs: number;
}

/** Options of one command: its reply timeout and an abort signal. */
export interface SerialCommandOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of {@link SerialInstrument.queryText}. */
export interface SerialTextQueryOptions<T> extends SerialCommandOptions {
  /**
   * Decodes a reply line: the value, `undefined` to skip the line and keep waiting (another
   * instrument's reply on a shared bus, a "busy" notice), or throws for an invalid reply.
   */
  readonly parse: (reply: string) => T | undefined;
}

/**
 * A base for instruments that answer text commands over a serial line (one command, one reply):
 * it owns a {@link SerialTransport}, adds the terminator, decodes replies, and runs an
 * `initialize()` hook after every open (identify the instrument, read its calibration...).
 *
 * `ensureOpen()` reopens the port after it disappeared and came back (a replugged USB adapter),
 * running `initialize()` again. Errors carry the port path as their `resource`.
 */
export abstract class SerialInstrument implements AsyncDisposable {
  private readonly terminator: string;
  private readonly encoding: SerialTextEncoding;
  private readonly timeoutMs: number;

  protected constructor(
    /** The port this instrument talks through. */
    readonly transport: SerialTransport,
    options: SerialInstrumentOptions,
  ) {
    this.terminator = options.terminator;
    this.encoding = options.encoding ?? 'latin1';
    this.timeoutMs = options.timeoutMs;
  }

  /** The port path. */
  get resource(): string {
    return this.transport.path;
  }

  /** True while the port is open. */
  get isOpen(): boolean {
    return this.transport.isOpen;
  }

  /**
   * Opens the port and runs `initialize()`; if that fails, the port is closed again and the error
   * is thrown.
   */
  async open(signal?: AbortSignal): Promise<void> {
    await this.transport.open(signal);
    try {
      await this.initialize(signal);
    } catch (error) {
      await this.transport.close().catch(() => undefined);
      throw error;
    }
  }

  /** Opens the instrument if its port is not open (never opened, closed, or disappeared). */
  async ensureOpen(signal?: AbortSignal): Promise<void> {
    if (!this.transport.isOpen) await this.open(signal);
  }

  /**
   * Serial "clear": discards what is waiting on the line and brings it back in step (see
   * {@link SerialTransport.clear}); a driver calls it after an error of its own.
   */
  async clear(signal?: AbortSignal): Promise<void> {
    try {
      await this.transport.clear(signal);
    } catch (error) {
      throw this.withContext(error);
    }
  }

  /** Closes the port. Idempotent. */
  close(): Promise<void> {
    return this.transport.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs after each successful open; the default does nothing. */
  protected async initialize(_signal?: AbortSignal): Promise<void> {}

  /** Sends a command and resolves with its decoded reply. */
  protected async queryText<T>(command: string, options: SerialTextQueryOptions<T>): Promise<T> {
    try {
      return await this.transport.query(this.encode(command), {
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
        signal: options.signal,
        description: `"${command}"`,
        accept: (frame) => options.parse(frame.toString(this.encoding)),
      });
    } catch (error) {
      throw this.withContext(error);
    }
  }

  /** Sends a command that has no reply. */
  protected async sendText(command: string, options: SerialCommandOptions = {}): Promise<void> {
    try {
      await this.transport.write(this.encode(command), options);
    } catch (error) {
      throw this.withContext(error);
    }
  }

  private encode(command: string): Buffer {
    return Buffer.from(command + this.terminator, this.encoding);
  }

  private withContext(error: unknown): unknown {
    return error instanceof ShotlineError ? error.addContext({ resource: this.resource }) : error;
  }
}
