import type { SequenceContext } from '@shotline/core';
import { type CompiledSequence, SequencerCompiler } from '../compiler/sequencer-compiler.js';
import { SequencerProgramError } from '../sequencer-errors.js';
import { type PulseList, compilePulseList } from './pulse-list.js';
import type { PulseStreamerInitParameters } from './pulse-streamer.js';
import {
  type PulseStreamerConfiguration,
  pulseStreamerModelLimits,
} from './pulse-streamer-configuration.js';

/**
 * The compiler of a Pulse Streamer: the channels, then the pulse list (checked against the
 * instrument's pulse limit when the shot is compiled).
 */
export class PulseStreamerCompiler extends SequencerCompiler<
  PulseStreamerConfiguration,
  PulseList
> {
  constructor(
    deviceName: string,
    configuration: PulseStreamerConfiguration,
    sequence: SequenceContext,
  ) {
    super(deviceName, configuration, sequence, pulseStreamerModelLimits(configuration));
  }

  override initializationParameters(): PulseStreamerInitParameters {
    const { address, port, clockSource, requestTimeoutMs } = this.configuration;
    return {
      ...super.initializationParameters(),
      address,
      port,
      clockSource,
      requestTimeoutMs,
    };
  }

  protected override compileProgram(compiled: CompiledSequence): PulseList {
    try {
      return compilePulseList(compiled.sequence, this.configuration.maxPulses);
    } catch (e) {
      if (e instanceof SequencerProgramError) e.addContext({ device: this.deviceName });
      throw e;
    }
  }
}
