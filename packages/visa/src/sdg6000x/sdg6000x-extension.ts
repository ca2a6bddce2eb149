import type { DeviceExtension } from '@shotline/core';
import {
  type Sdg6000xInitParameters,
  type Sdg6000xShotParameters,
  Sdg6000xCompiler,
} from './sdg6000x-compiler.js';
import {
  SDG6000X_TYPE,
  defaultSdg6000xConfiguration,
  sdg6000xConfigurationSchema,
  type Sdg6000xConfiguration,
} from './sdg6000x-configuration.js';
import { Sdg6000xController } from './sdg6000x-controller.js';
import { Sdg6000xDevice } from './sdg6000x-device.js';

/** The device extension of Siglent SDG6000X-class function generators. */
export const sdg6000xExtension: DeviceExtension<
  Sdg6000xConfiguration,
  Sdg6000xInitParameters,
  Sdg6000xShotParameters,
  Sdg6000xDevice
> = {
  type: SDG6000X_TYPE,
  label: 'Siglent SDG6000X function generator',
  configurationSchema: sdg6000xConfigurationSchema,
  defaultConfiguration: defaultSdg6000xConfiguration,
  createCompiler: (deviceName, configuration) => Sdg6000xCompiler.create(deviceName, configuration),
  createDevice: (deviceName, init) => new Sdg6000xDevice(deviceName, init),
  createController: () => new Sdg6000xController(),
};
