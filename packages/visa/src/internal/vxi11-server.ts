import type { Socket } from 'node:net';
import type { SimulatedInstrument } from '../simulator/simulated-instrument.js';
import { ByteQueue } from './byte-queue.js';
import { RpcServer, XdrWriter, type RpcHandlerResult, type XdrReader } from './onc-rpc.js';
import { ReplyChannel } from './reply-channel.js';
import {
  DEVICE_CORE,
  IPPROTO_TCP,
  PORTMAPPER,
  Vxi11Error,
  Vxi11Flag,
  Vxi11Procedure,
  Vxi11Reason,
} from './vxi11.js';

/** What the VXI-11 server asks of the simulator that owns it. */
export interface Vxi11Host {
  readonly instrument: SimulatedInstrument;
  /** Longest message accepted, in bytes. */
  readonly maxMessageBytes: number;
  /** Handles one whole message; its reply goes to `channel`. */
  receive(message: Buffer, channel: ReplyChannel, interfaceAndClass: string): void;
  /** A message longer than `maxMessageBytes` was dropped. */
  refuse(): void;
}

interface Link {
  readonly connection: Socket;
  /** The message being received (`device_write` blocks until END). */
  input: Buffer[];
  inputLength: number;
  /** The current message is too long: its blocks are dropped until END. */
  discarding: boolean;
  /** Reply bytes not yet read. */
  readonly output: ByteQueue;
  /** End offsets (in `output`) of the messages it holds, for the END indicator of reads. */
  readonly messageEnds: number[];
  readonly channel: ReplyChannel;
  waiter: (() => void) | undefined;
}

/** The largest `device_write` block the simulated link accepts (small, so clients must split). */
const MAX_RECV_SIZE = 1024;

/**
 * A VXI-11 core channel and a portmapper serving one simulated instrument, so that VXI-11 clients
 * (ours, pyvisa-py, NI-VISA) can talk to it. Messages end with the END flag of `device_write`.
 */
export class Vxi11Server {
  private readonly links = new Map<number, Link>();
  private nextLink = 1;

  // Assigned by `start`, before the instance is returned.
  private core!: RpcServer;
  private portmapper!: RpcServer;

  private constructor() {}

  /** Starts the core channel and a portmapper that points to it, on free ports unless given. */
  static async start(
    host: Vxi11Host,
    address: string,
    ports: { core?: number; portmapper?: number } = {},
  ): Promise<Vxi11Server> {
    const server = new Vxi11Server();
    const core = await RpcServer.listen(address, ports.core ?? 0, [
      {
        program: DEVICE_CORE.program,
        version: DEVICE_CORE.version,
        handle: (procedure, args, connection) =>
          server.handleCore(host, procedure, args, connection),
        disconnected: (connection) => server.dropLinksOf(connection),
      },
    ]);
    server.core = core;
    try {
      server.portmapper = await RpcServer.listen(address, ports.portmapper ?? 0, [
        {
          program: PORTMAPPER.program,
          version: PORTMAPPER.version,
          handle: async (procedure, args) => {
            if (procedure === 0) return Buffer.alloc(0);
            if (procedure !== PORTMAPPER.getPort) return 'PROC_UNAVAIL';
            const program = args.uint();
            const version = args.uint();
            const protocol = args.uint();
            const served =
              program === DEVICE_CORE.program &&
              version === DEVICE_CORE.version &&
              protocol === IPPROTO_TCP;
            return new XdrWriter().uint(served ? core.port : 0).toBuffer();
          },
        },
      ]);
    } catch (e) {
      await core.close();
      throw e;
    }
    return server;
  }

  /** Port of the core channel (use `TCPIP::host,port::inst0::INSTR` to skip the portmapper). */
  get corePort(): number {
    return this.core.port;
  }

  /** Port of the portmapper. */
  get portmapperPort(): number {
    return this.portmapper.port;
  }

  /** Open connections to the core channel (one per VXI-11 client session). */
  get connectionCount(): number {
    return this.core.connectionCount;
  }

  /** Closes every client connection. */
  dropConnections(): void {
    this.core.dropConnections();
    this.portmapper.dropConnections();
  }

  async close(): Promise<void> {
    await Promise.all([this.core.close(), this.portmapper.close()]);
  }

  private dropLinksOf(connection: Socket): void {
    for (const [id, link] of this.links) {
      if (link.connection === connection) {
        this.links.delete(id);
        link.channel.close();
        link.waiter?.();
      }
    }
  }

  private async handleCore(
    host: Vxi11Host,
    procedure: number,
    args: XdrReader,
    connection: Socket,
  ): Promise<RpcHandlerResult> {
    const error = (code: number): Buffer => new XdrWriter().int(code).toBuffer();
    switch (procedure) {
      case 0:
        return Buffer.alloc(0);
      case Vxi11Procedure.createLink: {
        args.int(); // client id
        args.bool(); // lock device
        args.uint(); // lock timeout
        const device = args.string();
        if (!/^inst\d+$/i.test(device)) {
          return new XdrWriter()
            .int(Vxi11Error.deviceNotAccessible)
            .int(0)
            .uint(0)
            .uint(0)
            .toBuffer();
        }
        const id = this.nextLink++;
        const link: Link = {
          connection,
          input: [],
          inputLength: 0,
          discarding: false,
          output: new ByteQueue(),
          messageEnds: [],
          channel: new ReplyChannel({
            send: (bytes) => this.output(link, bytes),
            drop: () => connection.destroy(),
          }),
          waiter: undefined,
        };
        this.links.set(id, link);
        return new XdrWriter().int(0).int(id).uint(0).uint(MAX_RECV_SIZE).toBuffer();
      }
      case Vxi11Procedure.deviceWrite: {
        const link = this.links.get(args.int());
        args.uint(); // io timeout
        args.uint(); // lock timeout
        const flags = args.int();
        const data = args.opaque();
        if (!link) return new XdrWriter().int(Vxi11Error.invalidLinkIdentifier).uint(0).toBuffer();
        this.receiveBlock(host, link, Buffer.from(data), (flags & Vxi11Flag.end) !== 0);
        return new XdrWriter().int(0).uint(data.length).toBuffer();
      }
      case Vxi11Procedure.deviceRead:
        return this.read(host, args);
      case Vxi11Procedure.deviceReadStb: {
        const link = this.links.get(args.int());
        if (!link) return new XdrWriter().int(Vxi11Error.invalidLinkIdentifier).uint(0).toBuffer();
        return new XdrWriter().int(0).uint(host.instrument.statusByte).toBuffer();
      }
      case Vxi11Procedure.deviceClear: {
        const link = this.links.get(args.int());
        if (!link) return error(Vxi11Error.invalidLinkIdentifier);
        link.input = [];
        link.inputLength = 0;
        link.discarding = false;
        link.output.clear();
        link.messageEnds.length = 0;
        link.channel.clear();
        return error(Vxi11Error.noError);
      }
      case Vxi11Procedure.deviceTrigger:
      case Vxi11Procedure.deviceRemote:
      case Vxi11Procedure.deviceLocal:
      case Vxi11Procedure.deviceLock:
      case Vxi11Procedure.deviceUnlock:
        return error(
          this.links.has(args.int()) ? Vxi11Error.noError : Vxi11Error.invalidLinkIdentifier,
        );
      case Vxi11Procedure.destroyLink: {
        const id = args.int();
        const link = this.links.get(id);
        this.links.delete(id);
        link?.channel.close();
        link?.waiter?.();
        return error(link ? Vxi11Error.noError : Vxi11Error.invalidLinkIdentifier);
      }
      case Vxi11Procedure.createIntrChan:
      case Vxi11Procedure.destroyIntrChan:
      case Vxi11Procedure.deviceEnableSrq:
      case Vxi11Procedure.deviceDoCmd:
        return error(Vxi11Error.operationNotSupported);
      default:
        return 'PROC_UNAVAIL';
    }
  }

  /**
   * One `device_write` block: appended to the message being received (bounded by the host's
   * `maxMessageBytes`); on END the whole message is handled.
   */
  private receiveBlock(host: Vxi11Host, link: Link, data: Buffer, end: boolean): void {
    if (!link.discarding) {
      link.input.push(data);
      link.inputLength += data.length;
      if (link.inputLength > host.maxMessageBytes) {
        link.input = [];
        link.inputLength = 0;
        link.discarding = true;
        host.refuse();
      }
    }
    if (!end) return;
    if (link.discarding) {
      link.discarding = false;
      return;
    }
    const { query } = host.instrument.terminators('TCPIP INSTR');
    let message = Buffer.concat(link.input, link.inputLength);
    link.input = [];
    link.inputLength = 0;
    const terminator = Buffer.from(query, 'latin1');
    if (
      message.length >= terminator.length &&
      message.subarray(-terminator.length).equals(terminator)
    )
      message = message.subarray(0, message.length - terminator.length);
    host.receive(message, link.channel, 'TCPIP INSTR');
  }

  /** A reply (or part of one) is ready: it waits in the link's output for `device_read`. */
  private output(link: Link, bytes: Buffer): void {
    if (bytes.length === 0) return;
    link.output.push(bytes);
    link.messageEnds.push(link.output.length);
    const waiter = link.waiter;
    link.waiter = undefined;
    waiter?.();
  }

  private async read(host: Vxi11Host, args: XdrReader): Promise<Buffer> {
    const id = args.int();
    const requestSize = args.uint();
    const ioTimeout = args.uint();
    args.uint(); // lock timeout
    const flags = args.int();
    const termChar = args.int() & 0xff;
    const reply = (error: number, reason: number, data: Buffer): Buffer =>
      new XdrWriter().int(error).int(reason).opaque(data).toBuffer();
    let link = this.links.get(id);
    if (!link) return reply(Vxi11Error.invalidLinkIdentifier, 0, Buffer.alloc(0));
    if (link.output.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(ioTimeout, 0x7fffffff));
        link!.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      link.waiter = undefined;
      link = this.links.get(id);
      if (!link) return reply(Vxi11Error.invalidLinkIdentifier, 0, Buffer.alloc(0));
      if (link.output.length === 0) {
        host.instrument.raise('query_error');
        return reply(Vxi11Error.ioTimeout, 0, Buffer.alloc(0));
      }
    }
    // Serve from the front of the output, up to the end of the first message.
    const messageEnd = link.messageEnds[0] ?? link.output.length;
    let count = Math.min(requestSize, messageEnd);
    let reason = 0;
    if (flags & Vxi11Flag.termCharSet) {
      const index = link.output.indexOf(termChar);
      if (index >= 0 && index < count) {
        count = index + 1;
        reason |= Vxi11Reason.termChar;
      }
    }
    const data = link.output.take(count);
    for (let i = 0; i < link.messageEnds.length; i++) link.messageEnds[i]! -= count;
    if (link.messageEnds[0] === 0) {
      link.messageEnds.shift();
      reason |= Vxi11Reason.end;
    } else if (count === requestSize) reason |= Vxi11Reason.requestCount;
    return reply(Vxi11Error.noError, reason, data);
  }
}
