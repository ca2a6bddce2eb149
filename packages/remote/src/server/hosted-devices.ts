import { randomBytes } from 'node:crypto';
import { AbortedError, type AnyDeviceExtension, type Device } from '@shotline/core';
import type { DeviceServerLogger } from './device-server-log.js';

/** A device a device server opened for a manager, kept while its lease is renewed. */
export interface HostedDevice {
  readonly handle: string;
  readonly manager: string;
  readonly name: string;
  readonly type: string;
  readonly sequence: string;
  readonly device: Device;
  readonly extension: AnyDeviceExtension;
  readonly leaseMs: number;
  expiresAt: number;
  /** Abort controllers of the shots this device is running. */
  readonly shots: Set<AbortController>;
}

/** What {@link HostedDevices.add} needs. */
export type NewHostedDevice = Omit<HostedDevice, 'handle' | 'expiresAt' | 'shots'>;

/**
 * The open devices of a device server, each under a lease its manager renews. A device whose lease
 * expires (its manager crashed, or the network between them is down) has its running shots aborted
 * and is closed, so an instrument is never left held by a manager that is gone.
 */
export class HostedDevices {
  private readonly devices = new Map<string, HostedDevice>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly log: DeviceServerLogger,
    private readonly closeTimeoutMs: number,
    sweepMs = 100,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), sweepMs);
    this.sweeper.unref();
  }

  /** Number of open devices. */
  get size(): number {
    return this.devices.size;
  }

  /** Registers an open device under a new handle, with its lease starting now. */
  add(entry: NewHostedDevice): HostedDevice {
    const hosted: HostedDevice = {
      ...entry,
      handle: randomBytes(16).toString('hex'),
      expiresAt: Date.now() + entry.leaseMs,
      shots: new Set(),
    };
    this.devices.set(hosted.handle, hosted);
    return hosted;
  }

  /** The device of a handle, if it belongs to `manager` (another manager's handle is unknown). */
  get(handle: string, manager: string): HostedDevice | undefined {
    const hosted = this.devices.get(handle);
    return hosted && hosted.manager === manager ? hosted : undefined;
  }

  /** Renews the leases of `manager`'s handles; returns the handles it does not know. */
  renew(handles: readonly string[], manager: string): string[] {
    const unknown: string[] = [];
    const now = Date.now();
    for (const handle of handles) {
      const hosted = this.get(handle, manager);
      if (hosted) hosted.expiresAt = now + hosted.leaseMs;
      else unknown.push(handle);
    }
    return unknown;
  }

  /**
   * Closes a device: aborts its running shots, then calls its close() (bounded by the close
   * timeout). Returns the error close() threw, if any; the device is released either way.
   */
  async close(hosted: HostedDevice, reason: string): Promise<unknown> {
    if (!this.devices.delete(hosted.handle)) return undefined;
    for (const shot of hosted.shots) {
      shot.abort(new AbortedError(`device "${hosted.name}" is being closed: ${reason}`));
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        hosted.device.close(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`close() did not return within ${this.closeTimeoutMs} ms`)),
            this.closeTimeoutMs,
          );
        }),
      ]);
      this.log({
        level: 'info',
        msg: 'device closed',
        device: hosted.name,
        type: hosted.type,
        manager: hosted.manager,
        reason,
      });
      return undefined;
    } catch (e) {
      this.log({
        level: 'error',
        msg: 'device close failed',
        device: hosted.name,
        type: hosted.type,
        manager: hosted.manager,
        reason,
        error: e instanceof Error ? e.message : String(e),
      });
      return e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every device whose lease has expired. */
  async sweep(): Promise<void> {
    const now = Date.now();
    const expired = [...this.devices.values()].filter((d) => d.expiresAt <= now);
    await Promise.all(
      expired.map((hosted) => {
        this.log({
          level: 'warn',
          msg: 'lease expired: closing the device of a manager that stopped renewing it',
          device: hosted.name,
          manager: hosted.manager,
          leaseMs: hosted.leaseMs,
        });
        return this.close(hosted, `the lease of manager "${hosted.manager}" expired`);
      }),
    );
  }

  /** Closes every device (server shutdown) and stops sweeping. */
  async closeAll(reason: string): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.devices.values()].map((d) => this.close(d, reason)));
  }
}
