import * as grpc from '@grpc/grpc-js';
import type { CloseDeviceReply__Output } from '../generated/shotline/remote/v1/CloseDeviceReply.js';
import type { OpenDeviceReply__Output } from '../generated/shotline/remote/v1/OpenDeviceReply.js';
import type { RenewLeasesReply__Output } from '../generated/shotline/remote/v1/RenewLeasesReply.js';
import type { ServerDescription__Output } from '../generated/shotline/remote/v1/ServerDescription.js';
import type { DeviceMessage__Output } from '../generated/shotline/remote/v1/DeviceMessage.js';
import type { DeviceServerClient } from '../generated/shotline/remote/v1/DeviceServer.js';
import type { ManagerMessage } from '../generated/shotline/remote/v1/ManagerMessage.js';
import type { OpenDeviceRequest } from '../generated/shotline/remote/v1/OpenDeviceRequest.js';
import type { WireError__Output } from '../generated/shotline/remote/v1/WireError.js';
import { errorFromCall } from '../internal/call-status.js';
import { deviceServerProto } from '../internal/device-server-proto.js';
import { PROTOCOL_VERSION } from '../internal/protocol.js';
import { RemoteRefusedError } from '../remote-errors.js';
import {
  resolveRemoteServerOptions,
  type RemoteServerOptions,
  type ResolvedRemoteServerOptions,
} from './remote-server-options.js';

/** A device type a server offers. */
export interface OfferedDeviceType {
  readonly type: string;
  readonly label: string;
  readonly plugin: string;
  readonly pluginVersion: string;
}

/** What a device server says about itself. */
export interface RemoteServerDescription {
  readonly serverName: string;
  readonly protocolVersion: number;
  readonly coreVersion: string;
  readonly deviceTypes: readonly OfferedDeviceType[];
  /** The manager name the server recognised this manager's token as. */
  readonly manager: string;
  readonly maxLeaseMs: number;
}

/** A device opened on a server. */
export interface OpenedRemoteDevice {
  readonly handle: string;
  readonly leaseMs: number;
}

/** A shot's stream: what the manager writes and what the server answers. */
export type ShotStream = grpc.ClientDuplexStream<ManagerMessage, DeviceMessage__Output>;

/**
 * The connection of a manager to one device server: a gRPC channel over TLS with the manager's
 * token on every call, a deadline on every call, HTTP/2 keepalive pings, message size limits, and
 * the renewal of the leases of the devices it opened (every third of the shortest lease). A handle
 * the server no longer knows (it restarted, or the lease expired) is remembered as lost.
 */
export class DeviceServerConnection {
  readonly options: ResolvedRemoteServerOptions;
  private readonly client: DeviceServerClient;
  private readonly leases = new Map<string, number>();
  private readonly lostHandles = new Set<string>();
  private renewTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: RemoteServerOptions) {
    this.options = resolveRemoteServerOptions(options);
    const o = this.options;
    const tls = grpc.credentials.createSsl(
      o.ca === undefined ? null : Buffer.from(o.ca),
      o.clientKey === undefined ? null : Buffer.from(o.clientKey),
      o.clientCert === undefined ? null : Buffer.from(o.clientCert),
    );
    const token = o.token;
    const bearer = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      callback(null, metadata);
    });
    const Client = deviceServerProto().shotline.remote.v1.DeviceServer;
    this.client = new Client(o.address, grpc.credentials.combineChannelCredentials(tls, bearer), {
      'grpc.max_receive_message_length': o.maxMessageBytes,
      'grpc.max_send_message_length': o.maxMessageBytes,
      'grpc.keepalive_time_ms': Math.max(1000, Math.floor(o.lossTimeoutMs / 2)),
      'grpc.keepalive_timeout_ms': o.lossTimeoutMs,
      'grpc.keepalive_permit_without_calls': 1,
      // Reconnect quickly after a server restart or a network outage.
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
      ...(o.serverName ? { 'grpc.ssl_target_name_override': o.serverName } : {}),
    });
  }

  /** The server's name in the lab file. */
  get name(): string {
    return this.options.name;
  }

  private deadline(ms: number): grpc.CallOptions {
    return { deadline: new Date(Date.now() + ms) };
  }

  /**
   * Resolves true once the channel is connected, false if it is not within `withinMs`: after a
   * server restart or a network outage the channel may still be backing off between reconnection
   * attempts, and a call made then fails at once although the server is back.
   */
  private reconnected(withinMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.client.waitForReady(Date.now() + withinMs, (error) => resolve(!error));
    });
  }

  private async unary<Res>(
    invoke: (options: grpc.CallOptions, callback: grpc.requestCallback<Res>) => unknown,
    timeoutMs: number,
    doing: string,
    device?: string,
  ): Promise<Res> {
    const attempt = (): Promise<Res> =>
      new Promise<Res>((resolve, reject) => {
        invoke(this.deadline(timeoutMs), (error, reply) => {
          if (error) reject(error);
          else resolve(reply!);
        });
      });
    const target = { server: this.name, ...(device ? { device } : {}) };
    try {
      return await attempt();
    } catch (error) {
      // A call that never left (no connection): wait for the channel to reconnect, once, and
      // try again; otherwise the call's own error (it says why the connection failed).
      const unsent =
        (error as grpc.ServiceError).code === grpc.status.UNAVAILABLE &&
        /No connection established/.test((error as grpc.ServiceError).details ?? '');
      if (unsent && !this.closed && (await this.reconnected(this.options.callTimeoutMs))) {
        try {
          return await attempt();
        } catch (again) {
          throw errorFromCall(again, target, doing);
        }
      }
      throw errorFromCall(error, target, doing);
    }
  }

  /** Asks the server who it is and which device types it offers; refuses another protocol. */
  async describe(): Promise<RemoteServerDescription> {
    const reply = await this.unary<ServerDescription__Output>(
      (options, callback) => this.client.Describe({}, options, callback),
      this.options.callTimeoutMs,
      'describing the server',
    );
    if (reply.protocolVersion !== PROTOCOL_VERSION) {
      throw new RemoteRefusedError(
        { server: this.name },
        `it speaks protocol version ${reply.protocolVersion}, this manager ${PROTOCOL_VERSION}: install the same shotline version on both PCs`,
      );
    }
    return {
      serverName: reply.serverName,
      protocolVersion: reply.protocolVersion,
      coreVersion: reply.coreVersion,
      deviceTypes: reply.deviceTypes.map((t) => ({
        type: t.type,
        label: t.label,
        plugin: t.plugin,
        pluginVersion: t.pluginVersion,
      })),
      manager: reply.manager,
      maxLeaseMs: reply.maxLeaseMs,
    };
  }

  /** Opens a device on the server and keeps its lease renewed until {@link closeDevice}. */
  async openDevice(
    request: OpenDeviceRequest & { deviceName: string },
  ): Promise<OpenedRemoteDevice> {
    const reply = await this.unary<OpenDeviceReply__Output>(
      (options, callback) =>
        this.client.OpenDevice({ ...request, leaseMs: this.options.leaseMs }, options, callback),
      this.options.openTimeoutMs,
      `opening device "${request.deviceName}"`,
      request.deviceName,
    );
    this.leases.set(reply.handle, reply.leaseMs);
    this.scheduleRenewal();
    return { handle: reply.handle, leaseMs: reply.leaseMs };
  }

  /**
   * Closes a device on the server. Resolves with the error its close() threw there, if any (the
   * device is released anyway); rejects when the server cannot be reached.
   */
  async closeDevice(handle: string, device: string): Promise<WireError__Output | null> {
    this.leases.delete(handle);
    this.lostHandles.delete(handle);
    const reply = await this.unary<CloseDeviceReply__Output>(
      (options, callback) => this.client.CloseDevice({ handle }, options, callback),
      this.options.callTimeoutMs,
      `closing device "${device}"`,
      device,
    );
    return reply.error;
  }

  /** True when the server said it no longer knows this device (restarted, or lease expired). */
  isLost(handle: string): boolean {
    return this.lostHandles.has(handle);
  }

  /** Opens the stream of one shot (its deadline is the shot deadline; liveness is the heartbeat). */
  runShot(): ShotStream {
    return this.client.RunShot(this.deadline(this.options.shotDeadlineMs));
  }

  private scheduleRenewal(): void {
    if (this.renewTimer || this.closed || this.leases.size === 0) return;
    const every = Math.max(100, Math.floor(Math.min(...this.leases.values()) / 3));
    this.renewTimer = setTimeout(() => {
      this.renewTimer = undefined;
      void this.renew().finally(() => this.scheduleRenewal());
    }, every);
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    const handles = [...this.leases.keys()];
    if (handles.length === 0) return;
    try {
      const reply = await this.unary<RenewLeasesReply__Output>(
        (options, callback) => this.client.RenewLeases({ handles }, options, callback),
        this.options.callTimeoutMs,
        'renewing leases',
      );
      for (const handle of reply.unknownHandles) {
        this.leases.delete(handle);
        this.lostHandles.add(handle);
      }
    } catch {
      // An unreachable server: the next renewal tries again; a running shot fails on its own
      // heartbeat, and the server closes the devices when their leases expire.
    }
  }

  /** Stops renewing and closes the channel. */
  close(): void {
    this.closed = true;
    clearTimeout(this.renewTimer);
    this.client.close();
  }
}
