import {
  injectable,
  isDeviceNotUsed,
  type DeviceExtension,
  type DeviceNotUsed,
  type SequenceContext,
} from '@shotline/core';
import { cameraLaneOf, cameraPictureLabels } from '../camera-lane.js';
import { CameraController } from '../camera-controller.js';
import type { CameraShotParameters } from '../camera-shot-parameters.js';
import { AravisCamera } from './aravis-camera.js';
import { AravisCameraCompiler, type AravisCameraInitParameters } from './aravis-camera-compiler.js';
import {
  aravisCameraConfigurationSchema,
  type AravisCameraConfiguration,
} from './aravis-camera-configuration.js';

/**
 * The GenICam camera device type through Aravis (`shotline.camera.aravis`). libaravis-0.8 is loaded
 * only when a camera opens, so the type is available (and sequences compile) on machines without it.
 */
@injectable()
export class AravisCameraExtension implements DeviceExtension<
  AravisCameraConfiguration,
  AravisCameraInitParameters,
  CameraShotParameters<null>,
  AravisCamera
> {
  static readonly type = 'shotline.camera.aravis';
  readonly type = AravisCameraExtension.type;
  readonly label = 'GenICam camera (Aravis)';
  readonly configurationSchema = aravisCameraConfigurationSchema;

  defaultConfiguration(): AravisCameraConfiguration {
    return aravisCameraConfigurationSchema.parse({
      deviceId: 'Fake_1',
      roi: { x: 0, y: 0, width: 512, height: 512 },
    });
  }

  createCompiler(
    deviceName: string,
    configuration: AravisCameraConfiguration,
    sequence: SequenceContext,
  ): AravisCameraCompiler | DeviceNotUsed {
    const lane = cameraLaneOf(deviceName, sequence);
    if (isDeviceNotUsed(lane)) return lane;
    return new AravisCameraCompiler(deviceName, configuration, sequence, lane);
  }

  createDevice(deviceName: string, parameters: AravisCameraInitParameters): AravisCamera {
    return new AravisCamera(deviceName, parameters);
  }

  createController(deviceName: string): CameraController<null> {
    return new CameraController(deviceName);
  }

  dataLabels(
    deviceName: string,
    _configuration: AravisCameraConfiguration,
    sequence: SequenceContext,
  ): string[] {
    return cameraPictureLabels(deviceName, sequence);
  }
}
