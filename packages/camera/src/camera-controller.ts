import type { DeviceController, RunningShot } from '@shotline/core';
import type { Camera } from './camera.js';
import type { CameraShotParameters } from './camera-shot-parameters.js';
import { pictureLabel } from './picture-label.js';

/**
 * Runs a camera during one shot: arms it for the shot's pictures **before** the readiness barrier
 * (so the sequencer, which starts after the barrier, cannot trigger too early), waits at the barrier,
 * then signals every picture as soon as it arrives, labelled `<device>\<picture>`. The acquisition is
 * stopped whatever happens (timeout, abort, error).
 */
export class CameraController<Settings = unknown> implements DeviceController<
  Camera<Settings>,
  CameraShotParameters<Settings>
> {
  constructor(readonly deviceName: string) {}

  async runShot(
    camera: Camera<Settings>,
    parameters: CameraShotParameters<Settings>,
    shot: RunningShot,
  ): Promise<void> {
    const { pictures } = parameters;
    const acquisition = await shot.track('arm camera', () =>
      camera.acquire({
        shotIndex: shot.index,
        pictures,
        timeout: parameters.timeout,
        settings: parameters.settings,
        signal: shot.signal,
      }),
    );
    try {
      await shot.waitAllDevicesReady();
      let index = 0;
      for await (const image of acquisition) {
        shot.signalData(pictureLabel(this.deviceName, pictures[index]!.name), image);
        index++;
      }
    } finally {
      await acquisition.stop();
    }
  }
}
