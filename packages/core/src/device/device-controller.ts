import type { Device } from './device.js';
import type { RunningShot } from './running-shot.js';

/**
 * Runs one device during one shot. A new controller is created for every shot; controllers of one
 * shot run concurrently and meet at the readiness barrier.
 *
 * `runShot` programs the device with the shot parameters its compiler produced, calls
 * `shot.waitAllDevicesReady()` exactly once, triggers or waits for the hardware trigger, reads the
 * data and `shot.signalData(label, data)`. It must observe `shot.signal` and stop promptly when it
 * fires. An error thrown here aborts the other controllers of the shot.
 */
export interface DeviceController<D extends Device = Device, ShotParameters = unknown> {
  runShot(device: D, parameters: ShotParameters, shot: RunningShot): Promise<void>;
}
