import { createConnection, type Socket } from 'node:net';
import type { TcpipSocketResourceName } from '../resource-name.js';
import { VisaInterfaceType, VisaStatus } from '../visa-constants.js';
import { visaIOError, type VisaIOError } from '../visa-errors.js';
import { EmulatedAttributes } from './emulated-attributes.js';
import { ByteQueue } from './byte-queue.js';
import type { AttributeValue, ReadChunk, SessionIO } from './session-io.js';

/** The longest delay `setTimeout` accepts. */
const MAX_TIMER = 0x7fffffff;

/** Strips IPv6 brackets: `[fe80::1]` → `fe80::1`. */
export function socketHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Opens a TCP connection within `timeoutMs`. A refused or unreachable host is
 * `VI_ERROR_RSRC_NFOUND`, a timeout `VI_ERROR_TMO`, each naming the resource and the socket error.
 */
export function connectSocket(
  host: string,
  port: number,
  timeoutMs: number,
  resourceName: string,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: socketHost(host), port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        visaIOError(VisaStatus.VI_ERROR_TMO, {
          operation: `connect to ${host}:${port}`,
          description: `no connection within ${timeoutMs} ms.`,
          resource: resourceName,
        }),
      );
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(
        visaIOError(VisaStatus.VI_ERROR_RSRC_NFOUND, {
          operation: `connect to ${host}:${port}`,
          description: `the instrument is not reachable (${error.message}).`,
          resource: resourceName,
          cause: error,
        }),
      );
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** Ends a connection politely, destroying it if the peer does not answer within 100 ms. */
function closeSocket(socket: Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.end();
    setTimeout(() => socket.destroy(), 100).unref();
  });
}

/**
 * A raw TCP socket session (`TCPIP::host::port::SOCKET`) in pure TypeScript, with the semantics of
 * NI-VISA and pyvisa-py: received bytes go to a pending queue that keeps what follows a terminator
 * for the next read; a read returns at the termination character (when enabled), at the requested
 * count, or, when `VI_ATTR_SUPPRESS_END_EN` is off (it is on by default for sockets), as soon as some
 * data has arrived; a timeout is `VI_ERROR_TMO` with the partial data; the peer closing is
 * `VI_ERROR_CONN_LOST`.
 *
 * A raw socket has no device clear and no way to tell one reply from another, so `clear()` closes
 * the connection and opens a new one: whatever the instrument still sends for an abandoned request
 * goes to the old connection and can never be read as the answer to a later one. It also reconnects
 * after the connection was lost.
 */
export class TcpipSocketSession implements SessionIO {
  readonly resourceName: string;
  private readonly pending = new ByteQueue();
  private lost: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly attributes: EmulatedAttributes;
  private socket: Socket;

  private constructor(
    socket: Socket,
    private readonly name: TcpipSocketResourceName,
    private readonly openTimeout: number,
  ) {
    this.resourceName = name.canonical;
    this.attributes = new EmulatedAttributes(
      this.resourceName,
      {
        VI_ATTR_RSRC_NAME: name.canonical,
        VI_ATTR_RSRC_CLASS: 'SOCKET',
        VI_ATTR_INTF_TYPE: VisaInterfaceType.TCPIP,
        VI_ATTR_INTF_NUM: name.board,
        VI_ATTR_TCPIP_ADDR: name.host,
        VI_ATTR_TCPIP_HOSTNAME: name.host,
        VI_ATTR_TCPIP_PORT: name.port,
      },
      {
        VI_ATTR_TMO_VALUE: 2000,
        VI_ATTR_TERMCHAR: 0x0a,
        VI_ATTR_TERMCHAR_EN: false,
        VI_ATTR_SUPPRESS_END_EN: true,
        VI_ATTR_SEND_END_EN: true,
        VI_ATTR_TCPIP_NODELAY: true,
        VI_ATTR_TCPIP_KEEPALIVE: false,
      },
      (attribute, value) => {
        if (attribute === 'VI_ATTR_TCPIP_NODELAY') this.socket.setNoDelay(value === true);
        if (attribute === 'VI_ATTR_TCPIP_KEEPALIVE')
          this.socket.setKeepAlive(value === true, 60_000);
      },
    );
    this.socket = socket;
    this.attach(socket);
  }

  /** Connects to the instrument. */
  static async open(
    name: TcpipSocketResourceName,
    openTimeout: number,
  ): Promise<TcpipSocketSession> {
    const socket = await connectSocket(name.host, name.port, openTimeout, name.canonical);
    return new TcpipSocketSession(socket, name, openTimeout);
  }

  async read(count: number): Promise<ReadChunk> {
    const deadline = Date.now() + this.attributes.timeout;
    for (;;) {
      const termChar = this.attributes.termChar;
      if (termChar !== undefined) {
        const index = this.pending.indexOf(termChar);
        if (index >= 0 && index + 1 <= count) return this.take(index + 1, 'termchar');
      }
      if (this.pending.length >= count) return this.take(count, 'count');
      if (!this.attributes.suppressEnd && this.pending.length > 0)
        return this.take(this.pending.length, 'end');
      if (this.lost)
        throw this.connectionLost('viRead', this.take(this.pending.length, 'end').data);
      const left = deadline - Date.now();
      if (left <= 0) {
        const partial = this.take(Math.min(count, this.pending.length), 'count').data;
        throw this.failure(VisaStatus.VI_ERROR_TMO, 'viRead', partial);
      }
      await this.waitForData(left);
    }
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.lost || this.socket.destroyed) throw this.connectionLost('viWrite');
    const timeout = this.attributes.timeout;
    const socket = this.socket;
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      if (Number.isFinite(timeout)) {
        timer = setTimeout(
          () => reject(this.failure(VisaStatus.VI_ERROR_TMO, 'viWrite')),
          Math.min(timeout, MAX_TIMER),
        );
      }
      socket.write(data, (error) => {
        clearTimeout(timer);
        if (error) reject(this.connectionLost('viWrite', undefined, error));
        else resolve();
      });
    });
  }

  /**
   * Device clear on a raw socket: drops what was received and replaces the connection by a new one
   * (see the class comment). Fails with `VI_ERROR_RSRC_NFOUND` naming the resource when the
   * instrument cannot be reached again.
   */
  async clear(): Promise<void> {
    this.pending.clear();
    const old = this.socket;
    this.detach(old);
    await closeSocket(old);
    const socket = await connectSocket(
      this.name.host,
      this.name.port,
      this.openTimeout,
      this.resourceName,
    );
    socket.setNoDelay(this.attributes.get('VI_ATTR_TCPIP_NODELAY') === true);
    if (this.attributes.get('VI_ATTR_TCPIP_KEEPALIVE') === true) socket.setKeepAlive(true, 60_000);
    this.socket = socket;
    this.lost = undefined;
    this.attach(socket);
  }
  /** Serial poll on a socket: asks `*STB?` and reads the integer reply. */
  async readStatusByte(): Promise<number> {
    await this.write(Buffer.from('*STB?\n', 'latin1'));
    const saved = {
      char: this.attributes.get('VI_ATTR_TERMCHAR'),
      enabled: this.attributes.get('VI_ATTR_TERMCHAR_EN'),
    };
    this.attributes.set('VI_ATTR_TERMCHAR', 0x0a);
    this.attributes.set('VI_ATTR_TERMCHAR_EN', true);
    let reply: string;
    try {
      reply = (await this.read(64)).data.toString('latin1').trim();
    } finally {
      this.attributes.set('VI_ATTR_TERMCHAR', saved.char);
      this.attributes.set('VI_ATTR_TERMCHAR_EN', saved.enabled);
    }
    const value = Number(reply);
    if (!/^\+?\d+$/.test(reply) || value > 255) {
      throw visaIOError(VisaStatus.VI_ERROR_IO, {
        operation: 'viReadSTB',
        description: `the reply to *STB? was ${JSON.stringify(reply)}, not a status byte.`,
        resource: this.resourceName,
      });
    }
    return value;
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
    this.lost ??= new Error('the session is closed');
    this.detach(this.socket);
    await closeSocket(this.socket);
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      this.notify();
    });
    socket.on('error', (error) => {
      this.lost ??= error;
      this.notify();
    });
    socket.on('close', () => {
      this.lost ??= new Error('the instrument closed the connection');
      this.notify();
    });
  }

  /** Stops listening to a connection that is being replaced or closed. */
  private detach(socket: Socket): void {
    socket.removeAllListeners('data');
    socket.removeAllListeners('close');
    socket.removeAllListeners('error');
    socket.on('error', () => undefined);
  }

  private take(count: number, completion: ReadChunk['completion']): ReadChunk {
    return { data: this.pending.take(count), completion };
  }

  /** Resolves when data (or a close) arrives, or after `milliseconds`. */
  private waitForData(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(milliseconds)
        ? setTimeout(
            () => {
              this.wake = undefined;
              resolve();
            },
            Math.min(milliseconds, MAX_TIMER),
          )
        : undefined;
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private failure(status: number, operation: string, partialData?: Buffer): VisaIOError {
    return visaIOError(status, {
      operation,
      resource: this.resourceName,
      ...(partialData && partialData.length > 0 ? { partialData } : {}),
    });
  }

  private connectionLost(operation: string, partialData?: Buffer, cause?: Error): VisaIOError {
    const reason = cause ?? this.lost;
    return visaIOError(VisaStatus.VI_ERROR_CONN_LOST, {
      operation,
      resource: this.resourceName,
      ...(reason ? { description: `The connection was lost: ${reason.message}.` } : {}),
      ...(partialData && partialData.length > 0 ? { partialData } : {}),
      ...(reason ? { cause: reason } : {}),
    });
  }
}
