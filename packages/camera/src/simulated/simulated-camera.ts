import { ConnectionFailedError, InProcessTriggerBus, type TriggerBus } from '@shotline/core';
import type { AcquisitionRequest } from '../acquisition.js';
import { Camera } from '../camera.js';
import { CameraDisconnectedError } from '../camera-errors.js';
import { imageDTypeForBitDepth, type ImageDType } from '../camera-image.js';
import type { FrameSource } from '../frame-source.js';
import { SimulatedFrameSource } from '../internal/simulated-frame-source.js';
import { assertRoiFitsSensor } from '../roi.js';
import type {
  SimulatedCameraInitParameters,
  SimulatedShotSettings,
} from './simulated-camera-compiler.js';

/**
 * A camera simulated in software, for tests, demos and conformance kits. It renders deterministic
 * pictures of a Gaussian atom cloud (see `renderSimulatedImage`) honouring the ROI, the exposure,
 * the bit depth and the read-out orientation.
 *
 * Triggering: with `externalTrigger`, each picture is exposed by a pulse on the {@link TriggerBus}
 * (rising then falling edge addressed to this camera, as a simulated sequencer publishes them; the
 * pulse width is the exposure); otherwise the camera triggers itself at the end of each picture
 * block, timed from the readiness barrier. Frames arrive `latencyMs` after their exposure ends.
 */
export class SimulatedCamera extends Camera<SimulatedShotSettings> {
  readonly maxImagesPerShot: number;
  readonly imageDType: ImageDType;
  private disconnected = false;

  constructor(
    deviceName: string,
    readonly parameters: SimulatedCameraInitParameters,
    /** Where external triggers come from (a private bus when none is given). */
    readonly triggerBus: TriggerBus = new InProcessTriggerBus(),
  ) {
    super(deviceName, parameters.roi, parameters.externalTrigger);
    this.maxImagesPerShot = parameters.maxImagesPerShot;
    this.imageDType = imageDTypeForBitDepth(parameters.sensor.bitDepth);
  }

  protected connect(): Promise<void> {
    if (this.parameters.faults.failOpen) {
      throw new ConnectionFailedError(
        `simulated camera "${this.deviceName}" could not be opened (injected fault "failOpen")`,
        { location: { device: this.deviceName } },
      );
    }
    assertRoiFitsSensor(this.roi, this.parameters.sensor, this.deviceName);
    return Promise.resolve();
  }

  protected arm(request: AcquisitionRequest<SimulatedShotSettings>): Promise<FrameSource> {
    if (this.disconnected) {
      throw new CameraDisconnectedError(
        `camera "${this.deviceName}" is disconnected: reconnect it and run the sequence again`,
        { location: { device: this.deviceName } },
      );
    }
    return Promise.resolve(
      new SimulatedFrameSource(
        {
          deviceName: this.deviceName,
          roi: this.roi,
          parameters: this.parameters,
          triggerBus: this.triggerBus,
          markDisconnected: () => {
            this.disconnected = true;
          },
        },
        request,
      ),
    );
  }
}
