import type { ScpiSimulatorFault } from '../simulator/simulator-fault.js';

/**
 * Where the simulator's replies to one client go: a raw socket connection or a VXI-11 link. Replies
 * leave in the order of the messages, each after the one before it, as an instrument that handles
 * one message at a time sends them; a delayed reply holds back the ones after it.
 *
 * `clear()` (a VXI-11 `device_clear`) starts a new generation: replies of the old one still waiting
 * (a late reply) are dropped, as an instrument's device clear empties its output queue.
 */
export class ReplyChannel {
  private tail: Promise<void> = Promise.resolve();
  private currentGeneration = 0;
  private closed = false;
  /** Delays in progress: a clear or a close ends them at once. */
  private readonly sleeping = new Map<NodeJS.Timeout, () => void>();

  constructor(
    private readonly transport: {
      /** Sends reply bytes to the client. */
      send(bytes: Buffer): void;
      /** Closes the connection (a `close-mid-reply` fault). */
      drop(): void;
    },
  ) {}

  /**
   * Drops the replies still waiting to be sent, and ends a delay in progress at once: the
   * instrument abandons the late reply, and the next message is answered without waiting for it.
   */
  clear(): void {
    this.currentGeneration += 1;
    this.wakeAll();
  }

  /** The client went away: nothing more is sent, pending delays end. */
  close(): void {
    this.closed = true;
    this.currentGeneration += 1;
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const [timer, wake] of this.sleeping) {
      clearTimeout(timer);
      wake();
    }
    this.sleeping.clear();
  }

  /** Queues a reply (already terminated) to be sent as `fault` says (normally at once). */
  reply(reply: Buffer, terminator: Buffer, fault: ScpiSimulatorFault | undefined): void {
    const generation = this.currentGeneration;
    const step = async (): Promise<void> => {
      if (fault?.kind === 'delay') await this.sleep(fault.ms);
      if (this.closed || generation !== this.currentGeneration) return;
      switch (fault?.kind) {
        case 'silence':
          return;
        case 'garbage':
          this.transport.send(
            typeof fault.data === 'string'
              ? Buffer.from(fault.data, 'latin1')
              : Buffer.from(fault.data),
          );
          return;
        case 'unterminated':
          this.transport.send(reply);
          return;
        case 'close-mid-reply':
          this.transport.send(reply.subarray(0, Math.ceil(reply.length / 2)));
          this.transport.drop();
          return;
        case 'oversized':
          this.transport.send(Buffer.concat([Buffer.alloc(fault.bytes, 0x78), terminator]));
          return;
        default:
          this.transport.send(Buffer.concat([reply, terminator]));
      }
    };
    this.tail = this.tail.then(step, step);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      this.sleeping.set(timer, resolve);
    });
  }
}
