import { type DeviceExtension, type SequenceContext, injectable } from '@shotline/core';
import { SequencerController, type SequencerShotParameters } from '@shotline/sequencer';
import { Ni6738 } from './ni6738.js';
import { Ni6738Compiler, type Ni6738InitParameters } from './ni6738-compiler.js';
import {
  type Ni6738Configuration,
  ni6738Configuration,
  ni6738ConfigurationSchema,
} from './ni6738-configuration.js';
import type { Ni6738Program } from './ni6738-program.js';

/**
 * The NI 6738 device type through NI-DAQmx (`shotline.ni-daqmx.ni6738`). NI-DAQmx is loaded only
 * when a card opens, so the type is available (and sequences compile) on machines without it.
 */
@injectable()
export class Ni6738Extension implements DeviceExtension<
  Ni6738Configuration,
  Ni6738InitParameters,
  SequencerShotParameters<Ni6738Program>,
  Ni6738
> {
  static readonly type = 'shotline.ni-daqmx.ni6738';
  readonly type = Ni6738Extension.type;
  readonly label = 'NI 6738 analog output card (NI-DAQmx)';
  readonly configurationSchema = ni6738ConfigurationSchema;

  /** `Dev1`, 32 channels at 0 V, 2.5 µs, clocked on change by a master on PFI0. */
  defaultConfiguration(): Ni6738Configuration {
    return ni6738Configuration();
  }

  createCompiler(
    deviceName: string,
    configuration: Ni6738Configuration,
    sequence: SequenceContext,
  ): Ni6738Compiler {
    return new Ni6738Compiler(deviceName, configuration, sequence);
  }

  createDevice(deviceName: string, parameters: Ni6738InitParameters): Ni6738 {
    return new Ni6738({ ...parameters, deviceName });
  }

  createController(deviceName: string): SequencerController {
    return new SequencerController(deviceName);
  }
}
