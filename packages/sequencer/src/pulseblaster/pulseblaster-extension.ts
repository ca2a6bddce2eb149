import { type DeviceExtension, type SequenceContext, injectable } from '@shotline/core';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import { SequencerController } from '../runtime/sequencer-controller.js';
import { PulseBlaster } from './pulseblaster.js';
import { PulseBlasterCompiler, type PulseBlasterInitParameters } from './pulseblaster-compiler.js';
import {
  type PulseBlasterConfiguration,
  pulseBlasterConfiguration,
  pulseBlasterConfigurationSchema,
} from './pulseblaster-configuration.js';
import type { PulseBlasterProgram } from './pulseblaster-program.js';

/** The SpinCore PulseBlaster device type (`shotline.sequencer.pulseblaster`). */
@injectable()
export class PulseBlasterExtension implements DeviceExtension<
  PulseBlasterConfiguration,
  PulseBlasterInitParameters,
  SequencerShotParameters<PulseBlasterProgram>,
  PulseBlaster
> {
  static readonly type = 'shotline.sequencer.pulseblaster';
  readonly type = PulseBlasterExtension.type;
  readonly label = 'SpinCore PulseBlaster';
  readonly configurationSchema = pulseBlasterConfigurationSchema;

  /** 24 low channels at 50 ns, software trigger, board 0. */
  defaultConfiguration(): PulseBlasterConfiguration {
    return pulseBlasterConfiguration();
  }

  createCompiler(
    deviceName: string,
    configuration: PulseBlasterConfiguration,
    sequence: SequenceContext,
  ): PulseBlasterCompiler {
    return new PulseBlasterCompiler(deviceName, configuration, sequence);
  }

  createDevice(deviceName: string, parameters: PulseBlasterInitParameters): PulseBlaster {
    return new PulseBlaster({ ...parameters, deviceName });
  }

  createController(deviceName: string): SequencerController {
    return new SequencerController(deviceName);
  }
}
