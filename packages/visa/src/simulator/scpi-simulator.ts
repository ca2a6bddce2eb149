import { createServer, type Server, type Socket } from 'node:net';
import { Vxi11Server } from '../internal/vxi11-server.js';
import { SDG6000X_DIALOGUE_FILE } from './dialogue-file.js';
import { SimulatedInstrument } from './simulated-instrument.js';

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
}

/**
 * A loopback SCPI instrument: a {@link SimulatedInstrument} served over a raw TCP socket
 * (`TCPIP::127.0.0.1::<port>::SOCKET`) and VXI-11 (`TCPIP::127.0.0.1,<port>::inst0::INSTR`). It
 * answers by table lookup only and never evaluates what it receives. Tests and demos can make it go
 * silent ({@link mute}) or drop its connections to exercise timeouts and lost connections.
 */
export class ScpiSimulator implements AsyncDisposable {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private isMuted = false;
  private vxi11: Vxi11Server | undefined;
  private boundPort = 0;

  private constructor(
    /** The simulated instrument (inspect its properties, `received` messages, error queue). */
    readonly instrument: SimulatedInstrument,
    /** The interface the simulator listens on. */
    readonly host: string,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening. */
  static async start(options: ScpiSimulatorOptions = {}): Promise<ScpiSimulator> {
    const instrument =
      options.instrument ?? SimulatedInstrument.fromFile(SDG6000X_DIALOGUE_FILE, 'sdg6000x');
    const host = options.host ?? '127.0.0.1';
    const simulator = new ScpiSimulator(instrument, host);
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
    const { query, response } = this.instrument.terminators('TCPIP SOCKET');
    let input = '';
    socket.on('data', (chunk: Buffer) => {
      input += chunk.toString('latin1');
      let end: number;
      while ((end = input.indexOf(query)) >= 0) {
        const message = input.slice(0, end);
        input = input.slice(end + query.length);
        if (this.isMuted) {
          this.instrument.received.push(message);
          continue;
        }
        const reply = this.instrument.handle(message);
        if (reply !== null && !socket.destroyed)
          socket.write(Buffer.from(reply + response, 'latin1'));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }
}
