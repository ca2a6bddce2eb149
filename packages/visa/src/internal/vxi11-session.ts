import type { TcpipInstrResourceName } from '../resource-name.js';
import { VI_TMO_INFINITE, VisaInterfaceType, VisaStatus } from '../visa-constants.js';
import { VisaIOError, visaIOError } from '../visa-errors.js';
import { EmulatedAttributes } from './emulated-attributes.js';
import {
  RpcClient,
  RpcConnectionClosedError,
  RpcTimeoutError,
  XdrWriter,
  type XdrReader,
} from './onc-rpc.js';
import type { AttributeValue, ReadChunk, SessionIO } from './session-io.js';
import { socketHost } from './tcpip-socket-session.js';
import {
  DEVICE_CORE,
  IPPROTO_TCP,
  PORTMAPPER,
  Vxi11Error,
  Vxi11Flag,
  Vxi11Procedure,
  Vxi11Reason,
  vxi11ErrorToVisaStatus,
} from './vxi11.js';

/** Extra time given to an RPC reply beyond the instrument's own I/O timeout. */
const RPC_MARGIN_MS = 2000;
const LOCK_TIMEOUT_MS = 0;

/** How to reach a VXI-11 instrument. */
export interface Vxi11OpenOptions {
  /** Time allowed to reach the portmapper and the core channel and create the link. */
  openTimeout: number;
  /** The portmapper's port (111 unless a test or a gateway says otherwise). */
  portmapperPort?: number | undefined;
}

/**
 * A VXI-11 session (`TCPIP::host::inst0::INSTR`) in pure TypeScript: ONC RPC over TCP, the
 * portmapper (`GETPORT`, skipped when the resource gives `host,port`), then `create_link`,
 * `device_write` (split at the link's maximum size, END on the last block), `device_read` with the
 * termination character, `device_readstb`, `device_clear` and `destroy_link`.
 */
export class Vxi11Session implements SessionIO {
  readonly resourceName: string;
  private readonly attributes: EmulatedAttributes;

  private constructor(
    private client: RpcClient,
    private link: number,
    private maxRecvSize: number,
    private readonly name: TcpipInstrResourceName,
    private readonly options: Vxi11OpenOptions,
  ) {
    this.resourceName = name.canonical;
    this.attributes = new EmulatedAttributes(
      this.resourceName,
      {
        VI_ATTR_RSRC_NAME: name.canonical,
        VI_ATTR_RSRC_CLASS: 'INSTR',
        VI_ATTR_INTF_TYPE: VisaInterfaceType.TCPIP,
        VI_ATTR_INTF_NUM: name.board,
        VI_ATTR_TCPIP_ADDR: name.host,
        VI_ATTR_TCPIP_HOSTNAME: name.host,
        VI_ATTR_TCPIP_DEVICE_NAME: name.lanDeviceName,
      },
      {
        VI_ATTR_TMO_VALUE: 2000,
        VI_ATTR_TERMCHAR: 0x0a,
        VI_ATTR_TERMCHAR_EN: false,
        VI_ATTR_SUPPRESS_END_EN: false,
        VI_ATTR_SEND_END_EN: true,
      },
    );
  }

  /** Finds the core channel, connects and creates the link. */
  static async open(
    name: TcpipInstrResourceName,
    options: Vxi11OpenOptions,
  ): Promise<Vxi11Session> {
    const { client, link, maxRecvSize } = await Vxi11Session.establish(name, options);
    return new Vxi11Session(client, link, maxRecvSize, name, options);
  }

  /** Connects to the core channel and creates a link. */
  private static async establish(
    name: TcpipInstrResourceName,
    options: Vxi11OpenOptions,
  ): Promise<{ client: RpcClient; link: number; maxRecvSize: number }> {
    const resource = name.canonical;
    if (!/^inst\d+$/i.test(name.lanDeviceName) && !/^gpib\d*,\d+/i.test(name.lanDeviceName)) {
      throw visaIOError(VisaStatus.VI_ERROR_NSUP_OPER, {
        operation: 'viOpen',
        description:
          `the pure TCPIP backend speaks VXI-11 (inst0, gpib0,N), not "${name.lanDeviceName}" ` +
          `(HiSLIP needs a VISA library: use the "library" backend).`,
        resource,
      });
    }
    const host = socketHost(name.host);
    const corePort =
      name.port ??
      (await Vxi11Session.corePort(
        host,
        options.portmapperPort ?? PORTMAPPER.defaultPort,
        options.openTimeout,
        resource,
      ));
    let client: RpcClient;
    try {
      client = await RpcClient.connect(
        host,
        corePort,
        DEVICE_CORE.program,
        DEVICE_CORE.version,
        options.openTimeout,
      );
    } catch (e) {
      throw unreachable(e, `connect to the VXI-11 core channel ${name.host}:${corePort}`, resource);
    }
    try {
      const args = new XdrWriter()
        .int((Math.random() * 0x7fffffff) | 0)
        .bool(false)
        .uint(LOCK_TIMEOUT_MS)
        .string(name.lanDeviceName)
        .toBuffer();
      const reply = await client.call(Vxi11Procedure.createLink, args, options.openTimeout);
      const error = reply.int();
      const link = reply.int();
      reply.uint(); // abort port
      const maxRecvSize = reply.uint();
      if (error !== Vxi11Error.noError) throw deviceError(error, 'create_link', resource);
      return { client, link, maxRecvSize: Math.max(1, maxRecvSize) };
    } catch (e) {
      client.close();
      throw e instanceof VisaIOError ? e : rpcFailure(e, 'create_link', resource);
    }
  }

  /** Asks the portmapper for the core channel's port. */
  private static async corePort(
    host: string,
    port: number,
    timeout: number,
    resource: string,
  ): Promise<number> {
    let portmapper: RpcClient;
    try {
      portmapper = await RpcClient.connect(
        host,
        port,
        PORTMAPPER.program,
        PORTMAPPER.version,
        timeout,
      );
    } catch (e) {
      throw unreachable(e, `connect to the portmapper ${host}:${port}`, resource);
    }
    try {
      const args = new XdrWriter()
        .uint(DEVICE_CORE.program)
        .uint(DEVICE_CORE.version)
        .uint(IPPROTO_TCP)
        .uint(0)
        .toBuffer();
      const corePort = (await portmapper.call(PORTMAPPER.getPort, args, timeout)).uint();
      if (corePort === 0) {
        throw visaIOError(VisaStatus.VI_ERROR_RSRC_NFOUND, {
          operation: 'portmapper GETPORT',
          description: `${host} has no VXI-11 core channel registered with its portmapper.`,
          resource,
        });
      }
      return corePort;
    } catch (e) {
      throw e instanceof VisaIOError ? e : rpcFailure(e, 'portmapper GETPORT', resource);
    } finally {
      portmapper.close();
    }
  }

  async read(count: number): Promise<ReadChunk> {
    const termChar = this.attributes.termChar;
    const args = new XdrWriter()
      .int(this.link)
      .uint(count)
      .uint(this.ioTimeout)
      .uint(LOCK_TIMEOUT_MS)
      .int(termChar === undefined ? 0 : Vxi11Flag.termCharSet)
      .int(termChar ?? 0)
      .toBuffer();
    const reply = await this.call(Vxi11Procedure.deviceRead, args, 'device_read');
    const error = reply.int();
    const reason = reply.int();
    const data = Buffer.from(reply.opaque());
    if (error !== Vxi11Error.noError)
      throw deviceError(error, 'device_read', this.resourceName, data);
    if (reason & Vxi11Reason.termChar) return { data, completion: 'termchar' };
    if (reason & Vxi11Reason.end && !this.attributes.suppressEnd)
      return { data, completion: 'end' };
    return { data, completion: 'count' };
  }

  async write(data: Uint8Array): Promise<void> {
    let offset = 0;
    do {
      const block = data.subarray(offset, offset + this.maxRecvSize);
      const last = offset + block.length >= data.length;
      const sendEnd = last && this.attributes.get('VI_ATTR_SEND_END_EN') === true;
      const args = new XdrWriter()
        .int(this.link)
        .uint(this.ioTimeout)
        .uint(LOCK_TIMEOUT_MS)
        .int(sendEnd ? Vxi11Flag.end : 0)
        .opaque(block)
        .toBuffer();
      const reply = await this.call(Vxi11Procedure.deviceWrite, args, 'device_write');
      const error = reply.int();
      const size = reply.uint();
      if (error !== Vxi11Error.noError) throw deviceError(error, 'device_write', this.resourceName);
      offset += size;
      if (size === 0 && block.length > 0) {
        throw visaIOError(VisaStatus.VI_ERROR_IO, {
          operation: 'device_write',
          description: 'the instrument accepted none of the data.',
          resource: this.resourceName,
        });
      }
    } while (offset < data.length);
  }

  /**
   * `device_clear`: the instrument empties its input and output queues, so a reply it was still
   * preparing is never read. Replies to abandoned RPC calls are told apart by their transaction id
   * and dropped. After the connection was lost, the link is created anew instead.
   */
  async clear(): Promise<void> {
    if (!this.client.closed) {
      try {
        const reply = await this.call(
          Vxi11Procedure.deviceClear,
          this.genericParams(),
          'device_clear',
        );
        const error = reply.int();
        if (error === Vxi11Error.noError) return;
        if (error !== Vxi11Error.invalidLinkIdentifier)
          throw deviceError(error, 'device_clear', this.resourceName);
      } catch (e) {
        if (!(e instanceof VisaIOError) || e.status !== VisaStatus.VI_ERROR_CONN_LOST) throw e;
      }
    }
    this.client.close();
    const { client, link, maxRecvSize } = await Vxi11Session.establish(this.name, this.options);
    this.client = client;
    this.link = link;
    this.maxRecvSize = maxRecvSize;
  }

  async readStatusByte(): Promise<number> {
    const reply = await this.call(
      Vxi11Procedure.deviceReadStb,
      this.genericParams(),
      'device_readstb',
    );
    const error = reply.int();
    const stb = reply.uint();
    if (error !== Vxi11Error.noError) throw deviceError(error, 'device_readstb', this.resourceName);
    return stb & 0xff;
  }

  async getAttribute(attribute: Parameters<SessionIO['getAttribute']>[0]): Promise<AttributeValue> {
    return this.attributes.get(attribute);
  }

  async setAttribute(
    attribute: Parameters<SessionIO['setAttribute']>[0],
    value: AttributeValue,
  ): Promise<void> {
    this.attributes.set(attribute, value);
  }

  async close(): Promise<void> {
    if (!this.client.closed) {
      try {
        await this.client.call(
          Vxi11Procedure.destroyLink,
          new XdrWriter().int(this.link).toBuffer(),
          1000,
        );
      } catch {
        // The link dies with the connection anyway.
      }
    }
    this.client.close();
  }

  private get ioTimeout(): number {
    const timeout = this.attributes.timeout;
    return timeout === Infinity ? VI_TMO_INFINITE : timeout;
  }

  private genericParams(): Buffer {
    return new XdrWriter()
      .int(this.link)
      .int(0)
      .uint(LOCK_TIMEOUT_MS)
      .uint(this.ioTimeout)
      .toBuffer();
  }

  private async call(procedure: number, args: Buffer, operation: string): Promise<XdrReader> {
    const timeout = this.attributes.timeout;
    try {
      return await this.client.call(
        procedure,
        args,
        Number.isFinite(timeout) ? timeout + RPC_MARGIN_MS : undefined,
      );
    } catch (e) {
      throw rpcFailure(e, operation, this.resourceName);
    }
  }
}

function deviceError(
  error: number,
  operation: string,
  resource: string,
  partialData?: Buffer,
): VisaIOError {
  return visaIOError(vxi11ErrorToVisaStatus(error), {
    operation: `${operation} (VXI-11 error ${error})`,
    resource,
    ...(partialData && partialData.length > 0 ? { partialData } : {}),
  });
}

function rpcFailure(e: unknown, operation: string, resource: string): VisaIOError {
  const status =
    e instanceof RpcTimeoutError
      ? VisaStatus.VI_ERROR_TMO
      : e instanceof RpcConnectionClosedError
        ? VisaStatus.VI_ERROR_CONN_LOST
        : VisaStatus.VI_ERROR_IO;
  return visaIOError(status, {
    operation,
    resource,
    ...(status === VisaStatus.VI_ERROR_IO
      ? { description: `RPC failure: ${(e as Error).message}.` }
      : {}),
    cause: e,
  });
}

function unreachable(e: unknown, operation: string, resource: string): VisaIOError {
  if (e instanceof RpcTimeoutError)
    return visaIOError(VisaStatus.VI_ERROR_TMO, { operation, resource, cause: e });
  return visaIOError(VisaStatus.VI_ERROR_RSRC_NFOUND, {
    operation,
    description: `the instrument is not reachable (${(e as Error).message}).`,
    resource,
    cause: e,
  });
}
