import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ByteQueue } from './byte-queue.js';

/**
 * ONC RPC version 2 over TCP (RFC 5531) with XDR encoding (RFC 4506) and record marking: the
 * transport of VXI-11 and of the portmapper. Only AUTH_NONE is used.
 */

/** Encodes XDR values into a growing buffer. */
export class XdrWriter {
  private readonly chunks: Buffer[] = [];

  uint(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0);
    this.chunks.push(b);
    return this;
  }

  int(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value | 0);
    this.chunks.push(b);
    return this;
  }

  bool(value: boolean): this {
    return this.uint(value ? 1 : 0);
  }

  /** Variable-length opaque data: length, bytes, zero padding to 4 bytes. */
  opaque(data: Uint8Array): this {
    this.uint(data.length);
    this.chunks.push(Buffer.from(data.buffer, data.byteOffset, data.length));
    const pad = (4 - (data.length % 4)) % 4;
    if (pad) this.chunks.push(Buffer.alloc(pad));
    return this;
  }

  string(value: string): this {
    return this.opaque(Buffer.from(value, 'latin1'));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** A truncated or inconsistent RPC message. */
export class XdrDecodeError extends Error {}

/** Decodes XDR values from a buffer. */
export class XdrReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  private need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length)
      throw new XdrDecodeError(`XDR data truncated at byte ${this.offset} (need ${bytes} more)`);
  }

  uint(): number {
    this.need(4);
    const v = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int(): number {
    this.need(4);
    const v = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  bool(): boolean {
    return this.uint() !== 0;
  }

  opaque(): Buffer {
    const length = this.uint();
    this.need(length);
    const data = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length + ((4 - (length % 4)) % 4);
    return data;
  }

  string(): string {
    return this.opaque().toString('latin1');
  }
}

const LAST_FRAGMENT = 0x80000000;

/** Frames one record as a single last fragment. */
export function encodeRecord(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE((LAST_FRAGMENT | payload.length) >>> 0);
  return Buffer.concat([header, payload]);
}

/** A record longer than the assembler accepts (a broken or hostile peer). */
export class RecordTooLargeError extends Error {}

/** Default bound of one record: a VXI-11 message block plus headers, with room to spare. */
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * Reassembles records from a TCP byte stream (records may span several fragments). Received bytes
 * are kept as chunks and joined once per fragment, so a large record costs linear time; a record
 * longer than `maxRecordBytes` is refused with a {@link RecordTooLargeError} (the connection is then
 * unusable: the caller closes it).
 */
export class RecordAssembler {
  private readonly pending = new ByteQueue();
  private fragments: Buffer[] = [];
  private recordLength = 0;
  private header: number | undefined;

  constructor(private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {}

  /** Adds received bytes; returns the records completed by them. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    const records: Buffer[] = [];
    for (;;) {
      if (this.header === undefined) {
        if (this.pending.length < 4) break;
        this.header = this.pending.take(4).readUInt32BE(0);
        this.recordLength += this.header & ~LAST_FRAGMENT;
        if (this.recordLength > this.maxRecordBytes) {
          throw new RecordTooLargeError(
            `an RPC record of more than ${this.maxRecordBytes} bytes (${this.recordLength} announced)`,
          );
        }
      }
      const length = this.header & ~LAST_FRAGMENT;
      if (this.pending.length < length) break;
      this.fragments.push(this.pending.take(length));
      const last = (this.header & LAST_FRAGMENT) !== 0;
      this.header = undefined;
      if (last) {
        records.push(
          this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments),
        );
        this.fragments = [];
        this.recordLength = 0;
      }
    }
    return records;
  }
}

const CALL = 0;
const REPLY = 1;
const MSG_ACCEPTED = 0;
const MSG_DENIED = 1;
/** `accept_stat` values. */
export const RpcAcceptStat = {
  SUCCESS: 0,
  PROG_UNAVAIL: 1,
  PROG_MISMATCH: 2,
  PROC_UNAVAIL: 3,
  GARBAGE_ARGS: 4,
  SYSTEM_ERR: 5,
} as const;

/** The RPC layer refused or failed a call (not an application-level error). */
export class RpcError extends Error {}

/** The server closed the connection (or it broke) while calls were pending. */
export class RpcConnectionClosedError extends RpcError {}

/** A call got no reply in time. */
export class RpcTimeoutError extends RpcError {}

interface PendingCall {
  resolve(reader: XdrReader): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** A TCP client of one RPC program and version. */
export class RpcClient {
  private nextXid = (Math.random() * 0x7fffffff) >>> 0;
  private readonly pending = new Map<number, PendingCall>();
  private readonly assembler = new RecordAssembler();
  private closedError: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly program: number,
    private readonly version: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      let records: Buffer[];
      try {
        records = this.assembler.push(chunk);
      } catch (e) {
        socket.destroy();
        this.fail(new RpcConnectionClosedError((e as Error).message));
        return;
      }
      for (const record of records) this.onReply(record);
    });
    socket.on('error', (error) => this.fail(new RpcConnectionClosedError(error.message)));
    socket.on('close', () => this.fail(new RpcConnectionClosedError('connection closed')));
  }

  /** Connects within `timeoutMs`; a refused or timed-out connection rejects with the socket error. */
  static connect(
    host: string,
    port: number,
    program: number,
    version: number,
    timeoutMs: number,
  ): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new RpcTimeoutError(`connection to ${host}:${port} timed out after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new RpcClient(socket, program, version));
      });
    });
  }

  /** True once the connection is gone. */
  get closed(): boolean {
    return this.closedError !== undefined;
  }

  /**
   * Calls a procedure with XDR-encoded arguments; resolves with a reader over the results.
   * `timeoutMs` undefined waits forever.
   */
  call(procedure: number, args: Buffer, timeoutMs: number | undefined): Promise<XdrReader> {
    if (this.closedError) return Promise.reject(this.closedError);
    const xid = this.nextXid;
    this.nextXid = (this.nextXid + 1) >>> 0;
    const message = new XdrWriter()
      .uint(xid)
      .uint(CALL)
      .uint(2)
      .uint(this.program)
      .uint(this.version)
      .uint(procedure)
      .uint(0)
      .uint(0) // credentials: AUTH_NONE, empty
      .uint(0)
      .uint(0) // verifier: AUTH_NONE, empty
      .toBuffer();
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(xid);
              reject(new RpcTimeoutError(`no reply to RPC procedure ${procedure} in time`));
            }, timeoutMs);
      this.pending.set(xid, { resolve, reject, timer });
      this.socket.write(encodeRecord(Buffer.concat([message, args])));
    });
  }

  /** Closes the connection; pending calls fail. */
  close(): void {
    this.socket.destroy();
    this.fail(new RpcConnectionClosedError('connection closed by the client'));
  }

  private onReply(record: Buffer): void {
    let xid: number;
    const reader = new XdrReader(record);
    try {
      xid = reader.uint();
      if (reader.uint() !== REPLY) return;
    } catch {
      return;
    }
    const call = this.pending.get(xid);
    if (!call) return;
    this.pending.delete(xid);
    clearTimeout(call.timer);
    try {
      const replyStat = reader.uint();
      if (replyStat === MSG_DENIED) throw new RpcError('RPC call denied by the server');
      reader.uint(); // verifier flavour
      reader.opaque(); // verifier body
      const acceptStat = reader.uint();
      if (acceptStat !== RpcAcceptStat.SUCCESS)
        throw new RpcError(`RPC call not accepted (accept_stat ${acceptStat})`);
      call.resolve(reader);
    } catch (e) {
      call.reject(e as Error);
    }
  }

  private fail(error: Error): void {
    this.closedError ??= error;
    for (const [xid, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(error);
      this.pending.delete(xid);
    }
  }
}

/** The outcome of a procedure handler: encoded results, or an RPC-level refusal. */
export type RpcHandlerResult = Buffer | 'PROC_UNAVAIL' | 'GARBAGE_ARGS';

/** A program served by an {@link RpcServer}. */
export interface RpcProgram {
  readonly program: number;
  readonly version: number;
  /** Handles one call; `connection` identifies the client connection. */
  handle(procedure: number, args: XdrReader, connection: Socket): Promise<RpcHandlerResult>;
  /** Called when a client connection closes. */
  disconnected?(connection: Socket): void;
}

/** A TCP server of RPC programs (each call is answered when its handler settles). */
export class RpcServer {
  private readonly connections = new Set<Socket>();
  private readonly server: Server;
  private boundPort = 0;

  private constructor(
    private readonly programs: readonly RpcProgram[],
    private readonly maxRecordBytes: number,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /**
   * Listens on `host:port` (0 picks a free port). A client sending a record longer than
   * `maxRecordBytes` is disconnected.
   */
  static async listen(
    host: string,
    port: number,
    programs: readonly RpcProgram[],
    maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
  ): Promise<RpcServer> {
    const rpc = new RpcServer(programs, maxRecordBytes);
    await new Promise<void>((resolve, reject) => {
      rpc.server.once('error', reject);
      rpc.server.listen(port, host, () => resolve());
    });
    const address = rpc.server.address();
    rpc.boundPort = typeof address === 'object' && address ? address.port : port;
    return rpc;
  }

  /** The port the server listens on. */
  get port(): number {
    return this.boundPort;
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Destroys every client connection (the server keeps listening). */
  dropConnections(): void {
    for (const socket of this.connections) socket.destroy();
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.connections.add(socket);
    const assembler = new RecordAssembler(this.maxRecordBytes);
    socket.on('data', (chunk: Buffer) => {
      let records: Buffer[];
      try {
        records = assembler.push(chunk);
      } catch {
        socket.destroy(); // a record larger than any call we serve: a broken or hostile client
        return;
      }
      for (const record of records) {
        void RpcServer.answer(record, this.programs, socket);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.connections.delete(socket);
      for (const p of this.programs) p.disconnected?.(socket);
    });
  }

  private static async answer(
    record: Buffer,
    programs: readonly RpcProgram[],
    socket: Socket,
  ): Promise<void> {
    const reader = new XdrReader(record);
    let xid: number;
    let status: number;
    let body: Buffer = Buffer.alloc(0);
    try {
      xid = reader.uint();
      if (reader.uint() !== CALL) return;
      if (reader.uint() !== 2) {
        // RPC version mismatch: MSG_DENIED, RPC_MISMATCH, supported 2..2.
        const denied = new XdrWriter()
          .uint(xid)
          .uint(REPLY)
          .uint(MSG_DENIED)
          .uint(0)
          .uint(2)
          .uint(2);
        socket.write(encodeRecord(denied.toBuffer()));
        return;
      }
      const program = reader.uint();
      const version = reader.uint();
      const procedure = reader.uint();
      reader.uint();
      reader.opaque(); // credentials
      reader.uint();
      reader.opaque(); // verifier
      const served = programs.find((p) => p.program === program);
      if (!served) {
        status = RpcAcceptStat.PROG_UNAVAIL;
      } else if (served.version !== version) {
        status = RpcAcceptStat.PROG_MISMATCH;
        body = new XdrWriter().uint(served.version).uint(served.version).toBuffer();
      } else {
        const result = await served
          .handle(procedure, reader, socket)
          .catch((e: unknown) =>
            e instanceof XdrDecodeError ? ('GARBAGE_ARGS' as const) : ('SYSTEM_ERR' as const),
          );
        if (result === 'PROC_UNAVAIL') status = RpcAcceptStat.PROC_UNAVAIL;
        else if (result === 'GARBAGE_ARGS') status = RpcAcceptStat.GARBAGE_ARGS;
        else if (result === 'SYSTEM_ERR') status = RpcAcceptStat.SYSTEM_ERR;
        else {
          status = RpcAcceptStat.SUCCESS;
          body = result;
        }
      }
    } catch {
      return; // an undecodable call header: nothing sensible to answer
    }
    const header = new XdrWriter().uint(xid).uint(REPLY).uint(MSG_ACCEPTED).uint(0).uint(0);
    header.uint(status);
    if (!socket.destroyed) socket.write(encodeRecord(Buffer.concat([header.toBuffer(), body])));
  }
}
