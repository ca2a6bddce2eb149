import type { Http2SecureServer } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { InvalidValueError, type Device, type DeviceRegistry } from '@shotline/core';
import type { CloseDeviceReply } from '../generated/shotline/remote/v1/CloseDeviceReply.js';
import type { CloseDeviceRequest__Output } from '../generated/shotline/remote/v1/CloseDeviceRequest.js';
import type { DeviceTypeDescription } from '../generated/shotline/remote/v1/DeviceTypeDescription.js';
import type { DescribeRequest__Output } from '../generated/shotline/remote/v1/DescribeRequest.js';
import type { DeviceMessage } from '../generated/shotline/remote/v1/DeviceMessage.js';
import type { DeviceServerHandlers } from '../generated/shotline/remote/v1/DeviceServer.js';
import type { ManagerMessage__Output } from '../generated/shotline/remote/v1/ManagerMessage.js';
import type { OpenDeviceReply } from '../generated/shotline/remote/v1/OpenDeviceReply.js';
import type { OpenDeviceRequest__Output } from '../generated/shotline/remote/v1/OpenDeviceRequest.js';
import type { RenewLeasesReply } from '../generated/shotline/remote/v1/RenewLeasesReply.js';
import type { RenewLeasesRequest__Output } from '../generated/shotline/remote/v1/RenewLeasesRequest.js';
import type { ServerDescription } from '../generated/shotline/remote/v1/ServerDescription.js';
import { statusOf } from '../internal/call-status.js';
import { deviceServerProto } from '../internal/device-server-proto.js';
import { PROTOCOL_VERSION } from '../internal/protocol.js';
import {
  DeviceTypeNotAllowedError,
  PluginVersionMismatchError,
  RemoteServerLostError,
} from '../remote-errors.js';
import { decodeValue } from '../wire/value-codec.js';
import { errorToWire } from '../wire/wire-error-codec.js';
import { jsonLinesLogger, type DeviceServerLogger } from './device-server-log.js';
import { HostedDevices } from './hosted-devices.js';
import { ManagerTokens, type ManagerCredential } from './manager-tokens.js';
import { ServedShot } from './served-shot.js';

const coreVersion = (
  createRequire(import.meta.url)('@shotline/core/package.json') as { version: string }
).version;

/** The TLS identity of a device server (PEM). */
export interface DeviceServerTls {
  /** The server's private key. */
  readonly key: Buffer | string;
  /** The server's certificate (chain), for the name managers connect to. */
  readonly cert: Buffer | string;
  /**
   * The CA that signs the managers' client certificates. When set, a manager must present a
   * certificate it signed (mutual TLS), on top of its token.
   */
  readonly clientCa?: Buffer | string;
}

/** Options of {@link DeviceServer.start}. */
export interface DeviceServerOptions {
  /** The server's name (what labs call it in their lab file: `camera-pc`). */
  readonly name: string;
  /** The device types of the plugins installed on this PC. */
  readonly registry: DeviceRegistry;
  /** The device types this server hosts; any other is refused. */
  readonly allow: readonly string[];
  /** The managers it serves, each with its bearer token. */
  readonly managers: readonly ManagerCredential[];
  readonly tls: DeviceServerTls;
  /** `host:port` to listen on (port 0: any free port). Default `0.0.0.0:7300`. */
  readonly listen?: string;
  /** Largest message accepted or sent, in bytes. Default 64 MiB. */
  readonly maxMessageBytes?: number;
  /** Longest lease granted, in milliseconds. Default 60 s. */
  readonly maxLeaseMs?: number;
  /** How long a device's close() may take before it is given up, in ms. Default 10 s. */
  readonly closeTimeoutMs?: number;
  /** Interval of HTTP/2 pings to each manager's connection, in ms. Default 5 s. */
  readonly keepaliveMs?: number;
  /** Where the log goes. Default: JSON lines on stdout. */
  readonly logger?: DeviceServerLogger;
}

/** Metadata key under which the interceptor passes the authenticated manager to the handlers. */
const MANAGER_KEY = 'x-shotline-authenticated-manager';

const DEFAULTS = {
  listen: '0.0.0.0:7300',
  maxMessageBytes: 64 * 1024 * 1024,
  maxLeaseMs: 60_000,
  closeTimeoutMs: 10_000,
  keepaliveMs: 5_000,
};

/** Default lease when a manager asks for none, and the shortest one granted (ms). */
const DEFAULT_LEASE_MS = 10_000;
const MIN_LEASE_MS = 500;

/**
 * A device server: hosts the devices of the plugins installed on this PC for one or more managers,
 * over gRPC with TLS. Every call is authenticated (a bearer token per manager, and a client
 * certificate when `tls.clientCa` is set); a device type not on the allow-list is refused; messages
 * above `maxMessageBytes` are refused; devices are opened under leases their manager renews, and
 * closed when a lease expires. Nothing received is executed: device types are looked up among the
 * plugins loaded at start, parameters are decoded as data.
 */
export class DeviceServer {
  private readonly devices: HostedDevices;
  private readonly log: DeviceServerLogger;
  private readonly allow: ReadonlySet<string>;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: DeviceServerOptions,
    private readonly server: grpc.Server,
    /** The port the server listens on. */
    readonly port: number,
    log: DeviceServerLogger,
    devices: HostedDevices,
  ) {
    this.log = log;
    this.devices = devices;
    this.allow = new Set(options.allow);
  }

  /** The server's name. */
  get name(): string {
    return this.options.name;
  }

  /** Number of devices currently open for managers. */
  get openDevices(): number {
    return this.devices.size;
  }

  /** Starts a device server and resolves once it listens. */
  static async start(options: DeviceServerOptions): Promise<DeviceServer> {
    const log = options.logger ?? jsonLinesLogger;
    const listen = options.listen ?? DEFAULTS.listen;
    const maxMessageBytes = options.maxMessageBytes ?? DEFAULTS.maxMessageBytes;
    if (options.managers.length === 0) {
      throw new InvalidValueError(
        `device server "${options.name}" has no managers: give each manager a token`,
      );
    }
    const tokens = new ManagerTokens(options.managers);
    const grpcServer = new grpc.Server({
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': maxMessageBytes,
      'grpc.keepalive_time_ms': options.keepaliveMs ?? DEFAULTS.keepaliveMs,
      'grpc.keepalive_timeout_ms': options.keepaliveMs ?? DEFAULTS.keepaliveMs,
      interceptors: [authenticationInterceptor(tokens, log, maxMessageBytes)],
    });
    const devices = new HostedDevices(log, options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs);
    const credentials = grpc.ServerCredentials.createSsl(
      options.tls.clientCa === undefined ? null : Buffer.from(options.tls.clientCa),
      [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }],
      options.tls.clientCa !== undefined,
    );
    const ref: { server?: DeviceServer } = {};
    const handlers: DeviceServerHandlers = {
      Describe: (call, callback) => ref.server!.describe(call, callback),
      OpenDevice: (call, callback) => void ref.server!.openDevice(call, callback),
      RenewLeases: (call, callback) => ref.server!.renewLeases(call, callback),
      CloseDevice: (call, callback) => void ref.server!.closeDevice(call, callback),
      RunShot: (call) => ref.server!.runShot(call),
    };
    grpcServer.addService(
      deviceServerProto().shotline.remote.v1.DeviceServer.service,
      handlers as unknown as grpc.UntypedServiceImplementation,
    );
    const port = await new Promise<number>((resolve, reject) => {
      grpcServer.bindAsync(listen, credentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
    logHandshakeFailures(grpcServer, log);
    const server = new DeviceServer(options, grpcServer, port, log, devices);
    ref.server = server;
    for (const type of options.allow) {
      if (!options.registry.findExtension(type)) {
        log({
          level: 'warn',
          msg: 'an allowed device type is not provided by any installed plugin',
          type,
        });
      }
    }
    log({
      level: 'info',
      msg: 'device server listening',
      server: options.name,
      listen,
      port,
      deviceTypes: server.hostedTypes().map((t) => t.type),
      managers: options.managers.map((m) => m.name),
      clientCertificates: options.tls.clientCa !== undefined,
    });
    return server;
  }

  /**
   * Stops the server: refuses new calls, closes every device it hosts (aborting running shots),
   * then ends the connections.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.devices.closeAll('the device server is stopping');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.server.forceShutdown();
          resolve();
        }, 2000);
        this.server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.log({ level: 'info', msg: 'device server stopped', server: this.options.name });
    })();
    return this.closing;
  }

  /** The device types it hosts (allowed and installed), with their plugins. */
  hostedTypes(): DeviceTypeDescription[] {
    const registry = this.options.registry;
    return [...this.allow]
      .filter((type) => registry.findExtension(type) !== undefined)
      .sort()
      .map((type) => {
        const provider = registry.providerOf(type);
        return {
          type,
          label: registry.extension(type).label,
          plugin: provider?.name ?? '(application)',
          pluginVersion: provider?.version ?? '',
        };
      });
  }

  private managerOf(call: { metadata: grpc.Metadata }): string {
    const [manager] = call.metadata.get(MANAGER_KEY);
    return String(manager);
  }

  private describe(
    call: grpc.ServerUnaryCall<DescribeRequest__Output, ServerDescription>,
    callback: grpc.sendUnaryData<ServerDescription>,
  ): void {
    callback(null, {
      serverName: this.options.name,
      protocolVersion: PROTOCOL_VERSION,
      coreVersion,
      deviceTypes: this.hostedTypes(),
      manager: this.managerOf(call),
      maxLeaseMs: this.options.maxLeaseMs ?? DEFAULTS.maxLeaseMs,
    });
  }

  private refuse(
    callback: (error: Partial<grpc.StatusObject>) => void,
    code: grpc.status,
    error: Error,
    fields: Record<string, unknown>,
  ): void {
    this.log({ level: 'warn', msg: `refused: ${error.message}`, ...fields });
    callback(statusOf(code, error));
  }

  private async openDevice(
    call: grpc.ServerUnaryCall<OpenDeviceRequest__Output, OpenDeviceReply>,
    callback: grpc.sendUnaryData<OpenDeviceReply>,
  ): Promise<void> {
    const request = call.request;
    const manager = this.managerOf(call);
    const target = { server: this.options.name, device: request.deviceName };
    const fields = {
      manager,
      device: request.deviceName,
      type: request.type,
      peer: call.getPeer(),
    };
    const registry = this.options.registry;
    const extension = this.allow.has(request.type)
      ? registry.findExtension(request.type)
      : undefined;
    if (!extension) {
      const hosted = this.hostedTypes().map((t) => t.type);
      this.refuse(
        callback,
        grpc.status.PERMISSION_DENIED,
        new DeviceTypeNotAllowedError(
          target,
          `device type "${request.type}" is not hosted here (${
            this.allow.has(request.type)
              ? 'no installed plugin provides it'
              : 'not on the allow-list'
          }; hosted: ${hosted.length > 0 ? hosted.join(', ') : 'none'})`,
        ),
        fields,
      );
      return;
    }
    const provider = registry.providerOf(request.type);
    const local = provider?.version ?? '';
    if (
      request.plugin !== '' &&
      (request.plugin !== (provider?.name ?? '(application)') || request.pluginVersion !== local)
    ) {
      this.refuse(
        callback,
        grpc.status.FAILED_PRECONDITION,
        new PluginVersionMismatchError(
          target,
          `device type "${request.type}" comes from ${request.plugin} ${request.pluginVersion || '(no version)'} ` +
            `on the manager and from ${provider?.name ?? '(application)'} ${local || '(no version)'} on this server; ` +
            `install the same version on both PCs`,
        ),
        fields,
      );
      return;
    }
    let device: Device | undefined;
    try {
      const init = decodeValue(request.initParameters, 'initialization parameters');
      device = extension.createDevice(request.deviceName, init) as Device;
      await device.open();
    } catch (e) {
      if (device) await device.close().catch(() => undefined);
      this.log({
        level: 'error',
        msg: 'device open failed',
        ...fields,
        error: e instanceof Error ? e.message : String(e),
      });
      callback(statusOf(grpc.status.UNKNOWN, e));
      return;
    }
    const maxLease = this.options.maxLeaseMs ?? DEFAULTS.maxLeaseMs;
    const leaseMs = Math.max(MIN_LEASE_MS, Math.min(request.leaseMs || DEFAULT_LEASE_MS, maxLease));
    const hosted = this.devices.add({
      manager,
      name: request.deviceName,
      type: request.type,
      sequence: request.sequence,
      device,
      extension,
      leaseMs,
    });
    this.log({
      level: 'info',
      msg: 'device opened',
      ...fields,
      leaseMs,
      sequence: request.sequence,
    });
    if (call.cancelled) {
      await this.devices.close(hosted, 'the manager gave up while the device was opening');
      return;
    }
    callback(null, { handle: hosted.handle, leaseMs });
  }

  private renewLeases(
    call: grpc.ServerUnaryCall<RenewLeasesRequest__Output, RenewLeasesReply>,
    callback: grpc.sendUnaryData<RenewLeasesReply>,
  ): void {
    const unknownHandles = this.devices.renew(call.request.handles, this.managerOf(call));
    callback(null, { unknownHandles });
  }

  private async closeDevice(
    call: grpc.ServerUnaryCall<CloseDeviceRequest__Output, CloseDeviceReply>,
    callback: grpc.sendUnaryData<CloseDeviceReply>,
  ): Promise<void> {
    const hosted = this.devices.get(call.request.handle, this.managerOf(call));
    if (!hosted) {
      callback(null, {});
      return;
    }
    const error = await this.devices.close(hosted, 'the manager closed it');
    callback(null, error === undefined ? {} : { error: errorToWire(error) });
  }

  /**
   * One device's shots, one after the other, on one stream (see the contract): `start` begins a
   * shot, the manager's barrier, data and abort messages go to it, `done` or `failed` ends it; the
   * next `start` begins the next one. The manager half-closes the stream when the device closes.
   */
  private runShot(call: grpc.ServerDuplexStream<ManagerMessage__Output, DeviceMessage>): void {
    const manager = this.managerOf(call);
    let served: ServedShot | undefined;
    let ended = false;
    const fail = (code: grpc.status, error: Error): void => {
      this.log({ level: 'warn', msg: `shot refused: ${error.message}`, manager });
      served?.abort(error);
      ended = true;
      call.emit('error', statusOf(code, error));
    };
    call.on('data', (message: ManagerMessage__Output) => {
      if (ended) return;
      if (served?.running) {
        if (message.kind === 'start') {
          fail(
            grpc.status.FAILED_PRECONDITION,
            new InvalidValueError('a shot started before the previous one ended on its stream'),
          );
        } else served.receive(message);
        return;
      }
      // Between shots: what is left of the last one (an abort that crossed its end) is dropped.
      if (message.kind !== 'start') {
        if (message.kind === 'abort' || message.kind === 'data' || message.kind === 'barrier') {
          return;
        }
        fail(
          grpc.status.INVALID_ARGUMENT,
          new InvalidValueError('a shot stream must begin with start'),
        );
        return;
      }
      const start = message.start!;
      const hosted = this.devices.get(start.handle, manager);
      if (!hosted) {
        fail(
          grpc.status.NOT_FOUND,
          new RemoteServerLostError(
            { server: this.options.name },
            'the device is not open here (it was closed after its lease expired, or the server restarted)',
          ),
        );
        return;
      }
      let parameters: unknown;
      try {
        parameters = decodeValue(start.parameters, 'shot parameters');
      } catch (e) {
        call.write({ failed: errorToWire(e) });
        return;
      }
      served = new ServedShot(call, hosted, start);
      void served.run(parameters);
    });
    const gone = (): void => {
      ended = true;
      served?.abort(new InvalidValueError("the manager closed the shot's stream"));
    };
    call.on('cancelled', gone);
    call.on('error', gone);
    call.on('end', () => {
      gone();
      call.end();
    });
  }
}

/**
 * Authenticates every call before its handler runs: a bearer token of a configured manager, or
 * UNAUTHENTICATED (logged with the method and the peer, never the token). Also logs calls that end
 * before any answer (a message above the size limit, or a manager that gave up).
 */
function authenticationInterceptor(
  tokens: ManagerTokens,
  log: DeviceServerLogger,
  maxMessageBytes: number,
): grpc.ServerInterceptor {
  return (method, call) => {
    let answered = false;
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const [authorization] = metadata.get('authorization');
        const manager = tokens.authenticate(
          typeof authorization === 'string' ? authorization : undefined,
        );
        metadata.remove(MANAGER_KEY);
        if (manager === undefined) {
          log({
            level: 'warn',
            msg:
              authorization === undefined
                ? 'refused: a call without a bearer token'
                : 'refused: a call with an unknown bearer token',
            method: method.path,
            peer: call.getPeer(),
          });
          answered = true;
          call.sendStatus({
            code: grpc.status.UNAUTHENTICATED,
            details: 'a valid bearer token is required (authorization: Bearer <token>)',
          });
          return;
        }
        metadata.set(MANAGER_KEY, manager);
        next(metadata);
      })
      .withOnCancel(() => {
        if (!answered) {
          log({
            level: 'warn',
            msg: `a call ended before it was answered: the manager cancelled it, or sent a message above the limit of ${maxMessageBytes} bytes`,
            method: method.path,
            peer: call.getPeer(),
          });
        }
      })
      .build();
    const responder = new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendStatus((status, next) => {
        answered = true;
        next(status);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
}

/**
 * Logs TLS handshakes that fail (a client without a certificate signed by `clientCa`, or one that
 * does not trust this server). grpc-js does not expose its HTTP/2 servers, so this reaches for the
 * map it keeps them in; if a grpc-js version stops having it, a warning says these refusals are not
 * logged (they are still refused).
 */
function logHandshakeFailures(server: grpc.Server, log: DeviceServerLogger): void {
  const servers = (server as unknown as { http2Servers?: Map<Http2SecureServer, unknown> })
    .http2Servers;
  if (!(servers instanceof Map)) {
    log({ level: 'warn', msg: 'failed TLS handshakes cannot be logged with this grpc-js version' });
    return;
  }
  for (const http2Server of servers.keys()) {
    // Small messages (ready, barrier, done) must leave at once, not wait for Nagle's algorithm.
    http2Server.on('secureConnection', (socket: { setNoDelay(noDelay: boolean): unknown }) =>
      socket.setNoDelay(true),
    );
    http2Server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      log({
        level: 'warn',
        msg: `refused: TLS handshake failed (${error.message})`,
        peer: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
      });
    });
  }
}
