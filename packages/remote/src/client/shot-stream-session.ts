import type { DeviceMessage__Output } from '../generated/shotline/remote/v1/DeviceMessage.js';
import type { ManagerMessage } from '../generated/shotline/remote/v1/ManagerMessage.js';
import type { ShotStream } from './device-server-connection.js';

/** What the shot running on a {@link ShotStreamSession} is told. */
export interface ShotStreamListener {
  /** A message of the device server for the running shot. */
  message(message: DeviceMessage__Output): void;
  /** The stream failed (`error`) or the server ended it (no error) while the shot ran. */
  lost(error: Error | undefined): void;
}

/**
 * One device's stream to its device server, reused by its shots one after the other: a shot is
 * `start`, then the barrier, data and abort messages, then the server's `done` or `failed`; the
 * next shot starts on the same stream. Opening an HTTP/2 stream per shot costs a round of headers,
 * the bearer token's metadata and the server's authentication, which one stream per device pays
 * once. A shot that ends any other way (the server was lost, a rule was broken on this side) breaks
 * the session, so that nothing of that shot can reach the next one: the next shot opens a new
 * stream. A session is also renewed between shots once it reaches half its deadline.
 */
export class ShotStreamSession {
  private listener: ShotStreamListener | undefined;
  private broken = false;
  private readonly openedAt = Date.now();

  constructor(
    private readonly stream: ShotStream,
    /** The stream's deadline (ms after opening): shots start on it only in its first half. */
    private readonly deadlineMs: number,
  ) {
    stream.on('data', (message: DeviceMessage__Output) => {
      if (this.listener) this.listener.message(message);
      // Nothing is expected between shots: a message then means the session is out of step.
      else this.break();
    });
    stream.on('error', (error: Error) => this.lose(error));
    stream.on('end', () => this.lose(undefined));
  }

  /** True when a shot can start on it (not broken, not near its deadline, no shot running). */
  get usable(): boolean {
    return !this.broken && !this.listener && Date.now() - this.openedAt < this.deadlineMs / 2;
  }

  /** Starts a shot: `listener` gets the server's messages until {@link endShot}. */
  beginShot(listener: ShotStreamListener): void {
    this.listener = listener;
  }

  /** Sends a message of the running shot. */
  write(message: ManagerMessage): void {
    if (!this.broken) this.stream.write(message);
  }

  /**
   * Ends the running shot: `completed` when the server answered `done` or `failed` (the stream
   * stays for the next shot); otherwise the stream is cancelled.
   */
  endShot(completed: boolean): void {
    this.listener = undefined;
    if (!completed) this.break();
  }

  /** Ends the session (the device closes): half-closes the stream; the server ends its side. */
  close(): void {
    if (this.broken) return;
    this.broken = true;
    this.stream.end();
  }

  private lose(error: Error | undefined): void {
    const listener = this.listener;
    this.listener = undefined;
    this.broken = true;
    listener?.lost(error);
  }

  private break(): void {
    if (this.broken) return;
    this.broken = true;
    this.stream.cancel();
  }
}
