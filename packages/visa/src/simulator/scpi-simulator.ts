import { createServer, type Server, type Socket } from 'node:net';
import { InvalidValueError } from '@shotline/core';
import { MessageSplitter } from '../internal/message-splitter.js';
import { ReplyChannel } from '../internal/reply-channel.js';
import { Vxi11Server } from '../internal/vxi11-server.js';
import { SDG6000X_DIALOGUE_FILE } from './dialogue-file.js';
import { SimulatedInstrument } from './simulated-instrument.js';
import type { ScpiSimulatorFault } from './simulator-fault.js';

/** Default bound of one received message: 64 KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/** How to start a {@link ScpiSimulator}. */
export interface ScpiSimulatorOptions {
  /** The instrument to serve; default: the bundled SDG6000X dialogue. */
  instrument?: SimulatedInstrument;
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** TCP port of the raw SCPI socket; 0 (default) picks a free one. */
  socketPort?: number;
  /** Also serve VXI-11 (core channel and portmapper). Default true. */
  vxi11?: boolean;
  /** Ports of the VXI-11 core channel and portmapper; 0 (default) picks free ones. */
  vxi11Ports?: { core?: number; portmapper?: number };
  /**
   * Longest message accepted, in bytes (default 64 KiB). A longer one (a line that never ends) is
   * refused: its bytes are dropped up to the next terminator, a `command_error` is raised (error
   * queue, status register) and no reply is sent. The connection stays open.
   */
  maxMessageBytes?: number;
}

interface PendingFault {
  readonly fault: ScpiSimulatorFault;
  /** Normalised message the fault waits for; undefined: the next message. */
  readonly message: string | undefined;
}

/**
 * A loopback SCPI instrument: a {@link SimulatedInstrument} served over a raw TCP socket
 * (`TCPIP::127.0.0.1::<port>::SOCKET`) and VXI-11 (`TCPIP::127.0.0.1,<port>::inst0::INSTR`). It
 * answers by table lookup only and never evaluates what it receives. Tests and demos can make it go
 * silent ({@link mute}), drop its connections, or misbehave on a reply ({@link injectFault}: late,
 * garbled, unterminated, cut, oversized) to exercise clients' error handling.
 *
 * Each connection (and each VXI-11 link) has its own output queue; replies leave in message order.
 * A VXI-11 `device_clear` empties the link's queue, including a late reply not sent yet. Received
 * messages are bounded by `maxMessageBytes`.
 */
export class ScpiSimulator implements AsyncDisposable {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private isMuted = false;
  private vxi11: Vxi11Server | undefined;
  private boundPort = 0;
  private readonly faults: PendingFault[] = [];
  private refused = 0;

  private constructor(
    /** The simulated instrument (inspect its properties, `received` messages, error queue). */
    readonly instrument: SimulatedInstrument,
    /** The interface the simulator listens on. */
    readonly host: string,
    /** Longest message accepted, in bytes. */
    readonly maxMessageBytes: number,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening. */
  static async start(options: ScpiSimulatorOptions = {}): Promise<ScpiSimulator> {
    const instrument =
      options.instrument ?? SimulatedInstrument.fromFile(SDG6000X_DIALOGUE_FILE, 'sdg6000x');
    const host = options.host ?? '127.0.0.1';
    const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1) {
      throw new InvalidValueError(
        `maxMessageBytes ${maxMessageBytes} must be a positive integer number of bytes`,
      );
    }
    const simulator = new ScpiSimulator(instrument, host, maxMessageBytes);
    const server = simulator.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.socketPort ?? 0, host, () => resolve());
    });
    const address = server.address();
    simulator.boundPort = typeof address === 'object' && address ? address.port : 0;
    if (options.vxi11 ?? true) {
      try {
        simulator.vxi11 = await Vxi11Server.start(simulator, host, options.vxi11Ports ?? {});
      } catch (e) {
        await simulator.close();
        throw e;
      }
    }
    return simulator;
  }

  /** Port of the raw SCPI socket. */
  get socketPort(): number {
    return this.boundPort;
  }

  /** Port of the VXI-11 core channel (undefined without VXI-11). */
  get vxi11CorePort(): number | undefined {
    return this.vxi11?.corePort;
  }

  /** Port of the VXI-11 portmapper (undefined without VXI-11). */
  get portmapperPort(): number | undefined {
    return this.vxi11?.portmapperPort;
  }

  /** `TCPIP0::<host>::<port>::SOCKET` */
  get socketResource(): string {
    return `TCPIP0::${this.resourceHost}::${this.socketPort}::SOCKET`;
  }

  /** `TCPIP0::<host>,<core port>::inst0::INSTR` (reaches the core channel without a portmapper). */
  get vxi11Resource(): string {
    if (this.vxi11 === undefined) throw new Error('this simulator does not serve VXI-11');
    return `TCPIP0::${this.resourceHost},${this.vxi11.corePort}::inst0::INSTR`;
  }

  /** True while the simulator ignores what it receives. */
  get muted(): boolean {
    return this.isMuted;
  }

  /** Number of open client connections (raw socket and VXI-11 core channel). */
  get connectionCount(): number {
    return this.sockets.size + (this.vxi11?.connectionCount ?? 0);
  }

  /** Number of messages refused for being longer than {@link maxMessageBytes}. */
  get refusedMessages(): number {
    return this.refused;
  }

  /**
   * Makes the reply to the next message (or to the next `message`, compared like the dialogues:
   * case-insensitive, white space trimmed) misbehave; see {@link ScpiSimulatorFault}. Faults queue
   * up and are used once each.
   */
  injectFault(fault: ScpiSimulatorFault, message?: string): void {
    this.faults.push({
      fault,
      message: message === undefined ? undefined : normaliseMessage(message),
    });
  }

  /**
   * Handles one received message (without its terminator) for a client: the instrument answers
   * (unless muted) and the reply goes to the client's channel, as an injected fault says.
   * Used by the raw socket and the VXI-11 server.
   */
  receive(message: Buffer, channel: ReplyChannel, interfaceAndClass: string): void {
    const text = message.toString('latin1');
    if (this.isMuted) {
      this.instrument.received.push(text);
      return;
    }
    const index = this.faults.findIndex(
      (f) => f.message === undefined || f.message === normaliseMessage(text),
    );
    const fault = index >= 0 ? this.faults.splice(index, 1)[0]!.fault : undefined;
    const reply = this.instrument.respond(text);
    if (reply === null && fault?.kind !== 'garbage' && fault?.kind !== 'oversized') return;
    const { response } = this.instrument.terminators(interfaceAndClass);
    channel.reply(reply ?? Buffer.alloc(0), Buffer.from(response, 'latin1'), fault);
  }

  /** A message longer than {@link maxMessageBytes} was dropped: the instrument reports an error. */
  refuse(): void {
    this.refused += 1;
    this.instrument.raise('command_error');
  }

  /** Stops answering (messages are still recorded), like a hung instrument. */
  mute(): void {
    this.isMuted = true;
  }

  /** Answers again. */
  unmute(): void {
    this.isMuted = false;
  }

  /** Closes every client connection, like an instrument that was switched off; it keeps listening. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.vxi11?.dropConnections();
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    this.dropConnections();
    await Promise.all([
      new Promise<void>((resolve) => this.server.close(() => resolve())),
      this.vxi11?.close(),
    ]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private get resourceHost(): string {
    return this.host.includes(':') ? `[${this.host}]` : this.host;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const { query } = this.instrument.terminators('TCPIP SOCKET');
    const channel = new ReplyChannel({
      send: (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      },
      drop: () => socket.destroy(),
    });
    const splitter = new MessageSplitter(
      Buffer.from(query, 'latin1'),
      this.maxMessageBytes,
      (message) => this.receive(message, channel, 'TCPIP SOCKET'),
      () => this.refuse(),
    );
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      channel.close();
      this.sockets.delete(socket);
    });
  }
}

/** How messages are compared with an injected fault's message. */
function normaliseMessage(message: string): string {
  return message.trim().replace(/\s+/g, ' ').toUpperCase();
}
