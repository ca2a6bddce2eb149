import { type DeviceExtension, type SequenceContext, injectable } from '@shotline/core';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import { SequencerController } from '../runtime/sequencer-controller.js';
import type { PulseList } from './pulse-list.js';
import { PulseStreamer, type PulseStreamerInitParameters } from './pulse-streamer.js';
import { PulseStreamerCompiler } from './pulse-streamer-compiler.js';
import {
  type PulseStreamerConfiguration,
  pulseStreamerConfiguration,
  pulseStreamerConfigurationSchema,
} from './pulse-streamer-configuration.js';

/** The Swabian Pulse Streamer 8/2 device type (`shotline.sequencer.pulsestreamer`). */
@injectable()
export class PulseStreamerExtension implements DeviceExtension<
  PulseStreamerConfiguration,
  PulseStreamerInitParameters,
  SequencerShotParameters<PulseList>,
  PulseStreamer
> {
  static readonly type = 'shotline.sequencer.pulsestreamer';
  readonly type = PulseStreamerExtension.type;
  readonly label = 'Swabian Pulse Streamer 8/2';
  readonly configurationSchema = pulseStreamerConfigurationSchema;

  /** 8 low channels at 1 ns, software trigger, at the instrument's factory address. */
  defaultConfiguration(): PulseStreamerConfiguration {
    return pulseStreamerConfiguration({ address: '169.254.8.2' });
  }

  createCompiler(
    deviceName: string,
    configuration: PulseStreamerConfiguration,
    sequence: SequenceContext,
  ): PulseStreamerCompiler {
    return new PulseStreamerCompiler(deviceName, configuration, sequence);
  }

  createDevice(deviceName: string, parameters: PulseStreamerInitParameters): PulseStreamer {
    return new PulseStreamer({ ...parameters, deviceName });
  }

  createController(deviceName: string): SequencerController {
    return new SequencerController(deviceName);
  }
}
