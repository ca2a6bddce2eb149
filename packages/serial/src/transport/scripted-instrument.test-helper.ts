import type { SerialSimulator } from '../simulator/serial-simulator.js';

/** What the instrument answers to a line: nothing, bytes, or several pieces sent one by one. */
export type Responder = (
  line: string,
) => string | Buffer | readonly (string | Buffer)[] | undefined;

/**
 * A minimal line-based instrument for transport tests: it records every line it receives and
 * answers with what `respond` returns (nothing for `undefined`). `send` transmits unsolicited bytes.
 */
export class ScriptedInstrument implements SerialSimulator {
  readonly received: string[] = [];
  private buffer = '';
  private readonly listeners = new Set<(data: Buffer) => void>();
  private readonly lineListeners = new Set<(line: string) => void>();

  constructor(private respond: Responder = () => undefined) {}

  /** Replaces the answering rule. */
  answer(respond: Responder): void {
    this.respond = respond;
  }

  receive(data: Uint8Array): void {
    this.buffer += Buffer.from(data).toString('latin1');
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      this.received.push(line);
      for (const listener of [...this.lineListeners]) listener(line);
      const reply = this.respond(line);
      const replies = reply === undefined ? [] : Array.isArray(reply) ? reply : [reply];
      for (const r of replies) setImmediate(() => this.send(r));
    }
  }

  onTransmit(listener: (data: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the next line received. */
  nextLine(): Promise<string> {
    return new Promise((resolve) => {
      const listener = (line: string): void => {
        this.lineListeners.delete(listener);
        resolve(line);
      };
      this.lineListeners.add(listener);
    });
  }

  send(data: string | Buffer): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (const listener of [...this.listeners]) listener(bytes);
  }
}
