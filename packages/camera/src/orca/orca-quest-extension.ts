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
import { OrcaQuestCamera } from './orca-quest-camera.js';
import { OrcaQuestCompiler, type OrcaQuestInitParameters } from './orca-quest-compiler.js';
import {
  orcaQuestConfigurationSchema,
  type OrcaQuestConfiguration,
} from './orca-quest-configuration.js';

/**
 * The Hamamatsu ORCA-Quest through DCAM-API (`shotline.camera.orca-quest`). DCAM-API is loaded only
 * when a camera opens, so the type is available (and sequences compile) on machines without it.
 */
@injectable()
export class OrcaQuestExtension implements DeviceExtension<
  OrcaQuestConfiguration,
  OrcaQuestInitParameters,
  CameraShotParameters<null>,
  OrcaQuestCamera
> {
  static readonly type = 'shotline.camera.orca-quest';
  readonly type = OrcaQuestExtension.type;
  readonly label = 'Hamamatsu ORCA-Quest (DCAM-API)';
  readonly configurationSchema = orcaQuestConfigurationSchema;

  /** Camera 0, the full 4096 × 2304 sensor, area mode, fastest read-out, external level trigger. */
  defaultConfiguration(): OrcaQuestConfiguration {
    return orcaQuestConfigurationSchema.parse({});
  }

  createCompiler(
    deviceName: string,
    configuration: OrcaQuestConfiguration,
    sequence: SequenceContext,
  ): OrcaQuestCompiler | DeviceNotUsed {
    const lane = cameraLaneOf(deviceName, sequence);
    if (isDeviceNotUsed(lane)) return lane;
    return new OrcaQuestCompiler(deviceName, configuration, sequence, lane);
  }

  createDevice(deviceName: string, parameters: OrcaQuestInitParameters): OrcaQuestCamera {
    return new OrcaQuestCamera(deviceName, parameters);
  }

  createController(deviceName: string): CameraController<null> {
    return new CameraController(deviceName);
  }

  dataLabels(
    deviceName: string,
    _configuration: OrcaQuestConfiguration,
    sequence: SequenceContext,
  ): string[] {
    return cameraPictureLabels(deviceName, sequence);
  }
}
