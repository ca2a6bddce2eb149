import { ConnectionFailedError } from '../errors/index.js';
import { AuthenticationError, ProtocolError } from './remote-errors.js';
import {
  BEARER_PROTOCOL_PREFIX,
  EVENT_STREAM_PROTOCOL,
  type ServerMessage,
  serverMessageSchema,
} from './wire-messages.js';
import type { WebSocketConstructor, WebSocketLike } from './websocket-implementation.js';

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
  /** `ws://host:port/api/events` (or `wss://`). */
  readonly url: string;
  readonly token: string;
  readonly WebSocket: WebSocketConstructor;
  /** Called for every message after the hello, in order, once each. */
  readonly onMessage: (message: ServerMessage) => void;
  /**
   * Whether anyone wants engine events of this type: the others are not validated nor delivered
   * (validating every event costs a busy client more than anything else it does). Default: all.
   */
  readonly wants?: (eventType: string) => boolean;
  /** Called when the stream gives up (closed by the server for good, or `close()`). */
  readonly onClosed?: (error: Error | undefined) => void;
  /** First delay before reconnecting, doubled up to 2 s. Default 100 ms. */
  readonly reconnectDelayMs?: number;
}

/** Close codes after which reconnecting cannot help. */
const FINAL_CLOSE_CODES = new Set([1008, 4401, 4403]);

/**
 * The client side of the event stream: one WebSocket that reconnects by itself and resumes from the
 * last message it received (`?session=&since=`), so a dropped connection loses nothing the server
 * still has (a `gap` message says what it no longer has). Messages are delivered in order, once.
 */
export class EventStream {
  private socket: WebSocketLike | undefined;
  private closed = false;
  private lastSeq = 0;
  private epoch: string | undefined;
  private delay: number;
  private sessionId: string | undefined;

  private constructor(private readonly options: EventStreamOptions) {
    this.delay = options.reconnectDelayMs ?? 100;
  }

  /** Opens the stream; resolves with the session id once the server said hello. */
  static async open(options: EventStreamOptions): Promise<EventStream> {
    const stream = new EventStream(options);
    await stream.connect();
    return stream;
  }

  /** The session the server gave this client (procedures belong to it). */
  get session(): string {
    return this.sessionId!;
  }

  private connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const url = new URL(this.options.url);
      if (this.sessionId) url.searchParams.set('session', this.sessionId);
      if (this.epoch) url.searchParams.set('since', String(this.lastSeq));
      const socket = new this.options.WebSocket(url.toString(), [
        EVENT_STREAM_PROTOCOL,
        `${BEARER_PROTOCOL_PREFIX}${this.options.token}`,
      ]);
      this.socket = socket;
      let greeted = false;
      socket.addEventListener('message', (event) => {
        // A frame holds one or more messages, one JSON object per line.
        for (const line of String(event.data).split('\n')) {
          let message: ServerMessage;
          try {
            const json = JSON.parse(line) as {
              kind?: unknown;
              seq?: unknown;
              event?: { type?: unknown };
            };
            if (
              json.kind === 'event' &&
              typeof json.seq === 'number' &&
              this.options.wants &&
              !this.options.wants(String(json.event?.type))
            ) {
              if (json.seq > this.lastSeq) this.lastSeq = json.seq; // skipped, but received
              continue;
            }
            message = serverMessageSchema.parse(json);
          } catch (cause) {
            const error = new ProtocolError(
              'the server sent an event this client does not understand',
              { cause },
            );
            if (!greeted) reject(error);
            return;
          }
          if (message.kind === 'hello') {
            if (this.epoch !== undefined && this.epoch !== message.epoch) {
              // The server restarted: everything after our last message is gone.
              this.options.onMessage({
                kind: 'gap',
                from: this.lastSeq + 1,
                to: Number.MAX_SAFE_INTEGER,
              });
              this.lastSeq = 0;
            }
            this.epoch = message.epoch;
            this.sessionId = message.session;
            this.delay = this.options.reconnectDelayMs ?? 100;
            greeted = true;
            resolve();
            continue;
          }
          if (message.kind !== 'gap') {
            if (message.seq <= this.lastSeq) continue; // already delivered before a reconnect
            this.lastSeq = message.seq;
          } else {
            this.lastSeq = Math.max(this.lastSeq, message.to);
          }
          this.options.onMessage(message);
        }
      });
      socket.addEventListener('error', () => undefined);
      socket.addEventListener('close', (event) => {
        if (this.socket === socket) this.socket = undefined;
        if (!greeted) {
          reject(
            event.code === 4401 || event.code === 1008
              ? new AuthenticationError(
                  `the shotline server at ${url.origin} refused the event stream: ${event.reason || 'invalid token'}`,
                )
              : new ConnectionFailedError(
                  `cannot open the event stream of the shotline server at ${url.origin} (close code ${event.code}${event.reason ? `: ${event.reason}` : ''})`,
                  { location: { resource: url.origin } },
                ),
          );
        }
        if (this.closed) return;
        if (greeted && FINAL_CLOSE_CODES.has(event.code)) {
          this.closed = true;
          this.options.onClosed?.(new AuthenticationError(event.reason || 'event stream refused'));
          return;
        }
        if (greeted) this.scheduleReconnect();
      });
    });
  }

  private scheduleReconnect(): void {
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, 2000);
    const timer = setTimeout(() => {
      if (this.closed) return;
      this.connect().catch(() => {
        if (!this.closed) this.scheduleReconnect();
      });
    }, delay);
    timer.unref?.();
  }

  /** Closes the stream for good. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.close(1000, 'client closed');
    this.options.onClosed?.(undefined);
  }

  /** Drops the connection as a network failure would (the stream reconnects); for tests. */
  dropConnection(): void {
    this.socket?.close(4000, 'dropped');
  }
}
