import type { DeviceController, RunningShot } from '@shotline/core';
import type { Sdg6000xShotParameters } from './sdg6000x-compiler.js';
import type { Sdg6000xDevice } from './sdg6000x-device.js';

/**
 * Runs an SDG6000X during a shot: programs and verifies both channels before the readiness barrier
 * (the settings must hold when the shot is triggered), then waits at the barrier.
 */
export class Sdg6000xController implements DeviceController<
  Sdg6000xDevice,
  Sdg6000xShotParameters
> {
  async runShot(
    device: Sdg6000xDevice,
    parameters: Sdg6000xShotParameters,
    shot: RunningShot,
  ): Promise<void> {
    await shot.track('program generator', () => device.applyState(parameters, shot.signal));
    shot.signal.throwIfAborted();
    await shot.waitAllDevicesReady();
  }
}
