import {
  inject,
  injectable,
  isDeviceNotUsed,
  type DeviceExtension,
  type DeviceNotUsed,
  type SequenceContext,
  InProcessTriggerBus,
  TRIGGER_BUS_TOKEN,
  type TriggerBus,
} from '@shotline/core';
import { cameraLaneOf, cameraPictureLabels } from '../camera-lane.js';
import { CameraController } from '../camera-controller.js';
import { SimulatedCamera } from './simulated-camera.js';
import {
  SimulatedCameraCompiler,
  type SimulatedCameraInitParameters,
  type SimulatedShotSettings,
} from './simulated-camera-compiler.js';
import {
  simulatedCameraConfigurationSchema,
  type SimulatedCameraConfiguration,
} from './simulated-camera-configuration.js';
import type { CameraShotParameters } from '../camera-shot-parameters.js';

/**
 * The simulated camera device type (`shotline.camera.simulated`). Its cameras share the lab's
 * {@link TriggerBus} (injected), so a simulated sequencer of the same lab can trigger them.
 */
@injectable()
export class SimulatedCameraExtension implements DeviceExtension<
  SimulatedCameraConfiguration,
  SimulatedCameraInitParameters,
  CameraShotParameters<SimulatedShotSettings>,
  SimulatedCamera
> {
  static readonly type = 'shotline.camera.simulated';
  readonly type = SimulatedCameraExtension.type;
  readonly label = 'Simulated camera';
  readonly configurationSchema = simulatedCameraConfigurationSchema;

  constructor(
    @inject(TRIGGER_BUS_TOKEN, { isOptional: true })
    readonly triggerBus: TriggerBus = new InProcessTriggerBus(),
  ) {}

  defaultConfiguration(): SimulatedCameraConfiguration {
    return simulatedCameraConfigurationSchema.parse({
      roi: { x: 0, y: 0, width: 512, height: 512 },
    });
  }

  createCompiler(
    deviceName: string,
    configuration: SimulatedCameraConfiguration,
    sequence: SequenceContext,
  ): SimulatedCameraCompiler | DeviceNotUsed {
    const lane = cameraLaneOf(deviceName, sequence);
    if (isDeviceNotUsed(lane)) return lane;
    return new SimulatedCameraCompiler(deviceName, configuration, sequence, lane);
  }

  createDevice(deviceName: string, parameters: SimulatedCameraInitParameters): SimulatedCamera {
    return new SimulatedCamera(deviceName, parameters, this.triggerBus);
  }

  createController(deviceName: string): CameraController<SimulatedShotSettings> {
    return new CameraController(deviceName);
  }

  dataLabels(
    deviceName: string,
    _configuration: SimulatedCameraConfiguration,
    sequence: SequenceContext,
  ): string[] {
    return cameraPictureLabels(deviceName, sequence);
  }
}
