import { type DeviceController, type RunningShot, withContext } from '@shotline/core';
import { angularDistance } from '../internal/angles.js';
import type { Ell14ShotParameters } from './ell14-compiler.js';
import type { Ell14Device } from './ell14-device.js';
import { Ell14PositionError } from './ell14-errors.js';

/**
 * Moves smaller than this are skipped: a move takes tens of milliseconds even when the mount is
 * already there, and needless moves heat the motor.
 */
export const ELL14_MOVE_THRESHOLD_DEGREES = 0.01;

/** The data label of the measured position: `<device>\position`. */
export function ell14PositionLabel(deviceName: string): string {
  return `${deviceName}\\position`;
}

/**
 * One shot of an ELL14: before the barrier, reopen the port if it disappeared and came back, move to
 * the shot's angle (unless already there), read the position back and check it is within the
 * tolerance; then wait for all devices, and publish the measured angle in degrees as
 * `<device>\position`.
 */
export class Ell14Controller implements DeviceController<Ell14Device, Ell14ShotParameters> {
  async runShot(
    device: Ell14Device,
    parameters: Ell14ShotParameters,
    shot: RunningShot,
  ): Promise<void> {
    const signal = shot.signal;
    const target = parameters.angleDegrees;
    const tolerance = device.parameters.toleranceDegrees;
    const mount = device.mount;
    let measured: number;
    try {
      await mount.ensureOpen(signal);
      measured = await mount.position({ signal });
      if (angularDistance(measured, target) > ELL14_MOVE_THRESHOLD_DEGREES) {
        // The name says where: a move still running when the shot times out is named by the engine.
        await shot.track(`ell14 move on ${mount.resource}`, () =>
          mount.moveAbsolute(target, { signal }),
        );
        // Read back independently of the move's own reply.
        measured = await mount.position({ signal });
      }
      if (angularDistance(measured, target) > tolerance) {
        throw new Ell14PositionError(target, measured, tolerance, {
          location: { resource: mount.resource },
        });
      }
    } catch (error) {
      throw withContext(error, { device: shot.deviceName, shot: shot.index });
    }
    await shot.waitAllDevicesReady();
    shot.signalData(ell14PositionLabel(shot.deviceName), measured);
  }
}
