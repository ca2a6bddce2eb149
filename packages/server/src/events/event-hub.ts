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
  /**
   * Shortest time between two frames to a client, in ms. A message published after a quiet
   * moment leaves at once (at the end of the event loop's turn); messages published within this
   * time of the last frame wait for it and leave together. Default 5 ms.
   */
  readonly flushIntervalMs?: number;
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
  private readonly flushInterval: number;
  /** Messages published since the last frame, sent together in the next one. */
  private pending: string[] = [];
  private flushScheduled = false;
  private lastFlush = -Infinity;
  private framesSent = 0;

  constructor(private readonly options: EventHubOptions = {}) {
    this.capacity = options.history ?? 20_000;
    this.maxBuffer = options.maxClientBufferBytes ?? 8 * 1024 * 1024;
    this.flushInterval = options.flushIntervalMs ?? 5;
  }

  /** The last number given. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Clients subscribed now. */
  get clients(): number {
    return this.sockets.size;
  }

  /** Frames written so far (one per client per flush). */
  get frames(): number {
    return this.framesSent;
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
    // Messages travel together, one WebSocket frame per client (messages separated by newlines):
    // a write to a socket is a system call, which costs more than the JSON of a whole shot, so at
    // 1,000 shots/s a frame per event (or per turn of the event loop) is what would slow the
    // engine. After a quiet moment the frame leaves at the end of this turn; under load at most
    // one frame per `flushIntervalMs`.
    this.pending.push(message.json);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.lastFlush + this.flushInterval - performance.now();
    if (wait <= 0) setImmediate(() => this.flush());
    else setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.flushScheduled = false;
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
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
    this.framesSent += 1;
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
    this.flush(); // what was published goes out before the close frame
    for (const socket of this.sockets) socket.close(code, reason);
    this.sockets.clear();
  }
}
