import { InvalidValueError, type Device } from '@shotline/core';
import { RemoteDeviceError, RemoteServerLostError } from '../remote-errors.js';
import { encodeValue } from '../wire/value-codec.js';
import { errorFromWireMessage } from '../wire/wire-error-codec.js';
import type { DeviceServerConnection } from './device-server-connection.js';
import { ShotStreamSession } from './shot-stream-session.js';

/** What a {@link RemoteDevice} is opened from. */
export interface RemoteDeviceSpec {
  /** The server's name in the lab file. */
  readonly server: string;
  /** The connection to it (looked up when the device opens). */
  readonly connection: () => DeviceServerConnection;
  readonly deviceName: string;
  /** The device type on the server. */
  readonly type: string;
  /** The manager's plugin for the type: the server refuses another version of it. */
  readonly plugin?: { readonly name: string; readonly version?: string };
  /** What the manager's compiler computed for `createDevice`. */
  readonly initParameters: unknown;
}

/**
 * The manager's stand-in for a device that lives on a device server: `open()` has the server
 * create and open the real device (from the compiler's initialization parameters, under a lease);
 * `close()` closes it there. Closing is idempotent; a server that cannot be reached at close time
 * closes the device itself when the lease expires, so close() does not fail for it.
 */
export class RemoteDevice implements Device {
  private connectionInUse: DeviceServerConnection | undefined;
  private openHandle: string | undefined;
  private closing: Promise<void> | undefined;
  private session: ShotStreamSession | undefined;

  constructor(readonly spec: RemoteDeviceSpec) {}

  /** The device's name. */
  get name(): string {
    return this.spec.deviceName;
  }

  /** The connection and handle of the open device; throws naming the device when it is not open. */
  opened(): { connection: DeviceServerConnection; handle: string } {
    if (!this.connectionInUse || this.openHandle === undefined) {
      throw new InvalidValueError(
        `device "${this.name}" is not open on device server "${this.spec.server}"`,
        { location: { device: this.name } },
      );
    }
    return { connection: this.connectionInUse, handle: this.openHandle };
  }

  /**
   * The stream this device's shots run on: the one of the previous shot while it is usable, else
   * a new one (see {@link ShotStreamSession}).
   */
  shotSession(): ShotStreamSession {
    const { connection } = this.opened();
    if (!this.session?.usable || !connection.options.reuseShotStreams) {
      this.session?.close();
      this.session = new ShotStreamSession(connection.runShot(), connection.options.shotDeadlineMs);
    }
    return this.session;
  }

  async open(): Promise<void> {
    if (this.closing) {
      throw new InvalidValueError(`device "${this.name}" was closed`, {
        location: { device: this.name },
      });
    }
    const connection = this.spec.connection();
    const initParameters = encodeValue(this.spec.initParameters, 'initialization parameters');
    this.connectionInUse = connection;
    const opened = await connection.openDevice({
      deviceName: this.name,
      type: this.spec.type,
      plugin: this.spec.plugin?.name ?? '',
      pluginVersion: this.spec.plugin?.version ?? '',
      initParameters,
    });
    this.openHandle = opened.handle;
    if (this.closing) await this.closeRemote();
  }

  close(): Promise<void> {
    this.closing ??= this.closeRemote();
    return this.closing;
  }

  private async closeRemote(): Promise<void> {
    const handle = this.openHandle;
    const connection = this.connectionInUse;
    this.openHandle = undefined;
    this.session?.close();
    this.session = undefined;
    if (handle === undefined || !connection) return;
    let error;
    try {
      error = await connection.closeDevice(handle, this.name);
    } catch (e) {
      if (e instanceof RemoteServerLostError) return;
      throw e;
    }
    if (error) {
      throw new RemoteDeviceError(
        { server: this.spec.server, device: this.name },
        errorFromWireMessage(error),
      );
    }
  }
}
