import type { StreamMessage, WireEvent } from './api-types.js';

/** The state of the connection to the event stream, shown in the page's header. */
export type FeedStatus = 'connecting' | 'open' | 'reconnecting' | 'refused' | 'closed';

/** What a feed needs from the browser (a WebSocket constructor; the page's by default). */
export interface EventFeedOptions {
  readonly url: string;
  readonly token: string;
  readonly onStatus?: (status: FeedStatus) => void;
  readonly WebSocket?: typeof WebSocket;
}

/** Close codes after which reconnecting cannot help (the token was refused). */
const REFUSED = new Set([1008, 4401, 4403]);

/**
 * The lab's event stream in the page: one WebSocket (token as the `shotline.bearer.` subprotocol)
 * that reconnects by itself with a growing delay and resumes after the last message it received
 * (`?session=&since=`), so a dropped connection loses nothing the server still has; a `gap` (or a
 * restarted server) tells listeners to re-read the state.
 */
export class EventFeed {
  private socket: WebSocket | undefined;
  private session: string | undefined;
  private epoch: string | undefined;
  private lastSeq = 0;
  private delay = 200;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly eventListeners = new Set<(event: WireEvent, at: number) => void>();
  private readonly gapListeners = new Set<() => void>();
  status: FeedStatus = 'connecting';

  constructor(private readonly options: EventFeedOptions) {
    this.connect();
  }

  /** Calls `listener` for every engine event; returns the function that removes it. */
  onEvent(listener: (event: WireEvent, at: number) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Calls `listener` when messages were lost (re-read the state); returns its remover. */
  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  private setStatus(status: FeedStatus): void {
    this.status = status;
    this.options.onStatus?.(status);
  }

  private connect(): void {
    const url = new URL(this.options.url);
    if (this.session) url.searchParams.set('session', this.session);
    if (this.epoch) url.searchParams.set('since', String(this.lastSeq));
    const Socket = this.options.WebSocket ?? WebSocket;
    const socket = new Socket(url.toString(), [
      'shotline.v1',
      `shotline.bearer.${this.options.token}`,
    ]);
    this.socket = socket;
    socket.addEventListener('message', (message) => {
      for (const line of String(message.data).split('\n')) {
        if (line.trim() === '') continue;
        this.receive(JSON.parse(line) as StreamMessage);
      }
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.closed) return;
      if (REFUSED.has(event.code)) {
        this.setStatus('refused');
        return;
      }
      this.setStatus('reconnecting');
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 3000);
    });
  }

  private receive(message: StreamMessage): void {
    switch (message.kind) {
      case 'hello': {
        const restarted = this.epoch !== undefined && this.epoch !== message.epoch;
        this.epoch = message.epoch;
        this.session = message.session;
        this.delay = 200;
        if (restarted) {
          this.lastSeq = 0;
          this.gap();
        }
        this.setStatus('open');
        return;
      }
      case 'gap':
        this.lastSeq = Math.max(this.lastSeq, message.to);
        this.gap();
        return;
      case 'event':
        if (message.seq <= this.lastSeq) return;
        this.lastSeq = message.seq;
        for (const listener of this.eventListeners) listener(message.event, message.at);
        return;
      case 'sequence-ended':
        if (message.seq > this.lastSeq) this.lastSeq = message.seq;
        return;
    }
  }

  private gap(): void {
    for (const listener of this.gapListeners) listener();
  }

  /** Drops the connection as a network failure would (it reconnects and resumes). */
  drop(): void {
    this.socket?.close(4000, 'dropped');
  }

  /** Closes the stream for good. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, 'page closed');
    this.setStatus('closed');
  }
}

/** The event stream's URL for a page served by the lab server at `origin`. */
export function eventStreamUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`;
}
