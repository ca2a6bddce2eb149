import type { DeviceExtension } from '@shotline/core';
import type { SerialPortFactory } from '../transport/serial-port-factory.js';
import {
  Ell14Compiler,
  type Ell14InitParameters,
  type Ell14ShotParameters,
} from './ell14-compiler.js';
import {
  defaultEll14Configuration,
  type Ell14Configuration,
  ell14ConfigurationSchema,
} from './ell14-configuration.js';
import { Ell14Controller, ell14PositionLabel } from './ell14-controller.js';
import { Ell14Device } from './ell14-device.js';

/** The stored type tag of ELL14 devices. Never change it. */
export const ELL14_DEVICE_TYPE = 'shotline.serial.ell14';

/** The ELL14 device extension's full type. */
export type Ell14Extension = DeviceExtension<
  Ell14Configuration,
  Ell14InitParameters,
  Ell14ShotParameters,
  Ell14Device
>;

/** Options of {@link createEll14Extension}. */
export interface Ell14ExtensionOptions {
  /**
   * Creates the serialport objects of the devices; default real ports. Tests and demos pass a
   * `MockSerialLink`'s `openPort` to drive a simulator in memory.
   */
  readonly openPort?: SerialPortFactory;
}

/**
 * The Thorlabs Elliptec ELL14 rotation mount as a shotline device (type `shotline.serial.ell14`):
 * its angle is an expression evaluated per shot, the controller moves the mount before the shot and
 * stores the measured angle as `<device>\position` (degrees).
 */
export function createEll14Extension(options: Ell14ExtensionOptions = {}): Ell14Extension {
  return {
    type: ELL14_DEVICE_TYPE,
    label: 'Thorlabs Elliptec ELL14 rotation mount',
    configurationSchema: ell14ConfigurationSchema,
    defaultConfiguration: defaultEll14Configuration,
    createCompiler: (deviceName, configuration) => new Ell14Compiler(deviceName, configuration),
    createDevice: (deviceName, initParameters) =>
      new Ell14Device(deviceName, initParameters, options.openPort),
    createController: () => new Ell14Controller(),
    dataLabels: (deviceName) => [ell14PositionLabel(deviceName)],
  };
}

/** The ELL14 extension on real serial ports, as the plugin registers it. */
export const ell14Extension: Ell14Extension = createEll14Extension();
