import { randomUUID } from 'node:crypto';
import {
  type ServerMessageJson,
  type ShotlineEvent,
  type WireError,
  encodeEvent,
} from '@shotline/core';

/** The part of a WebSocket the hub writes to (the `ws` package's socket). */
export interface EventSocket {
  /** Bytes queued in the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Options of {@link EventHub}. */
export interface EventHubOptions {
  /** Messages kept for clients that reconnect. Default 20,000. */
  readonly history?: number;
  /** A client whose socket holds more than this many unsent bytes is dropped. Default 8 MiB. */
  readonly maxClientBufferBytes?: number;
  /** Told when a slow client is dropped. */
  readonly onSlowClient?: (bufferedBytes: number) => void;
}

interface Numbered {
  readonly seq: number;
  readonly json: string;
}

const OPEN = 1;
/** Close code for a client that could not keep up ("try again later"). */
export const SLOW_CLIENT_CLOSE_CODE = 1013;

/**
 * Numbers every message of the event stream (a WebSocket frame holds one or more messages, one JSON
 * object per line), keeps the last ones for clients that reconnect
 * (`since`), and writes each message once as JSON to every subscribed socket. It never waits for a
 * client: a socket whose unsent bytes exceed the bound is closed (the client reconnects and resumes,
 * or learns from a `gap` what it missed), so a slow client cannot slow the engine.
 */
export class EventHub {
  /** Changes at every start: sequence numbers of another instance mean nothing here. */
  readonly epoch = randomUUID();
  private seq = 0;
  private readonly history: Numbered[] = [];
  private readonly capacity: number;
  private readonly maxBuffer: number;
  private readonly sockets = new Set<EventSocket>();
  /** Messages published in this turn of the event loop, sent together at its end. */
  private pending: string[] = [];
  private flushScheduled = false;

  constructor(private readonly options: EventHubOptions = {}) {
    this.capacity = options.history ?? 20_000;
    this.maxBuffer = options.maxClientBufferBytes ?? 8 * 1024 * 1024;
  }

  /** The last number given. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Clients subscribed now. */
  get clients(): number {
    return this.sockets.size;
  }

  /** Publishes an engine event (stamped with the time it is published, in ms since the epoch). */
  publishEvent(event: ShotlineEvent): void {
    const seq = ++this.seq;
    this.publish({
      seq,
      json: JSON.stringify({
        kind: 'event',
        seq,
        at: performance.timeOrigin + performance.now(),
        event: encodeEvent(event),
      } satisfies ServerMessageJson),
    });
  }

  /** Publishes the end of a remote procedure's run, after every event of its sequence. */
  publishSequenceEnded(procedure: string, run: string, error: WireError | undefined): void {
    const seq = ++this.seq;
    const message: ServerMessageJson = {
      kind: 'sequence-ended',
      seq,
      procedure,
      run,
      ...(error ? { error } : {}),
    };
    this.publish({ seq, json: JSON.stringify(message) });
  }

  private publish(message: Numbered): void {
    this.history.push(message);
    if (this.history.length > this.capacity) {
      this.history.splice(0, this.history.length - this.capacity);
    }
    if (this.sockets.size === 0) return;
    // One WebSocket frame per client per turn of the event loop (messages separated by newlines):
    // a shot's events cost one write per client, not four.
    this.pending.push(message.json);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const frame = this.pending.join('\n');
    this.pending = [];
    for (const socket of this.sockets) this.deliver(socket, frame);
  }

  private deliver(socket: EventSocket, json: string): void {
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > this.maxBuffer) {
      this.sockets.delete(socket);
      this.options.onSlowClient?.(socket.bufferedAmount);
      socket.close(SLOW_CLIENT_CLOSE_CODE, 'too slow: reconnect with since=<last seq>');
      return;
    }
    socket.send(json);
  }

  /**
   * Subscribes a socket. With `since` (the last number the client got, of this epoch), first sends
   * what it missed, or a `gap` for what is no longer kept.
   */
  subscribe(socket: EventSocket, since: number | undefined): () => void {
    if (since !== undefined && since < this.seq) {
      const oldest = this.history[0]?.seq ?? this.seq + 1;
      if (since + 1 < oldest) {
        const gap: ServerMessageJson = { kind: 'gap', from: since + 1, to: oldest - 1 };
        socket.send(JSON.stringify(gap));
      }
      const start = Math.max(0, this.history.length - (this.seq - Math.max(since, oldest - 1)));
      // Messages not flushed yet are in the history too: this socket gets them here, once.
      const unflushed = new Set(this.pending);
      const frame = this.history
        .slice(start)
        .map((m) => m.json)
        .filter((json) => !unflushed.has(json))
        .join('\n');
      if (frame !== '') socket.send(frame);
    }
    this.sockets.add(socket);
    return () => {
      this.sockets.delete(socket);
    };
  }

  /** Closes every socket (server shutdown). */
  closeAll(code: number, reason: string): void {
    for (const socket of this.sockets) socket.close(code, reason);
    this.sockets.clear();
  }
}
