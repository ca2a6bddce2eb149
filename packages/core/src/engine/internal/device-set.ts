import type { AnyDeviceExtension, Device } from '../../device/index.js';
import { DeviceCloseError, DeviceOpenError } from '../engine-errors.js';

/** A device in use in a sequence: its extension and the compiler's initialization parameters. */
export interface DeviceToOpen {
  readonly name: string;
  readonly extension: AnyDeviceExtension;
  readonly initParameters: unknown;
}

/** Combines several errors into one (the error itself when there is one). */
export function combineErrors(errors: readonly Error[], message: string): Error {
  return errors.length === 1
    ? errors[0]!
    : new AggregateError(errors, `${message}: ${errors.map((e) => e.message).join('; ')}`);
}

/**
 * The open devices of a sequence. {@link openDevices} opens them concurrently; whatever happens, every
 * device that was created is closed by {@link DeviceSet.close}, also those whose `open()` failed.
 */
export class DeviceSet {
  private closed = false;

  private constructor(
    /** Devices by name, in the order of the configuration. */
    readonly devices: ReadonlyMap<string, Device>,
  ) {}

  /**
   * Creates and opens every device concurrently. If any fails, closes all of them (including the
   * failed ones) and throws a {@link DeviceOpenError} naming the device (several: an AggregateError).
   */
  static async open(entries: readonly DeviceToOpen[]): Promise<DeviceSet> {
    const created = new Map<string, Device>();
    const failures: Error[] = [];
    await Promise.all(
      entries.map(async (entry) => {
        try {
          const device = entry.extension.createDevice(entry.name, entry.initParameters) as Device;
          created.set(entry.name, device);
          await device.open();
        } catch (e) {
          failures.push(new DeviceOpenError(entry.name, e));
        }
      }),
    );
    const ordered = new Map<string, Device>();
    for (const entry of entries) {
      const device = created.get(entry.name);
      if (device) ordered.set(entry.name, device);
    }
    const set = new DeviceSet(ordered);
    if (failures.length > 0) {
      const closeErrors = await set.close();
      const all = [...failures, ...closeErrors];
      throw combineErrors(all, `${failures.length} device(s) could not be opened`);
    }
    return set;
  }

  /** Closes every device concurrently, once; returns the errors (each naming its device). */
  async close(): Promise<DeviceCloseError[]> {
    if (this.closed) return [];
    this.closed = true;
    const errors: DeviceCloseError[] = [];
    await Promise.all(
      [...this.devices].map(async ([name, device]) => {
        try {
          await device.close();
        } catch (e) {
          errors.push(new DeviceCloseError(name, e));
        }
      }),
    );
    return errors;
  }
}
