import type { SequenceContext } from '@shotline/core';
import {
  type CompiledSequence,
  type SequencerInitParameters,
  SequencerCompiler,
} from '../compiler/sequencer-compiler.js';
import { SequencerProgramError } from '../sequencer-errors.js';
import {
  type PulseBlasterConfiguration,
  pulseBlasterModelLimits,
  pulseBlasterProgramLimits,
} from './pulseblaster-configuration.js';
import { type PulseBlasterProgram, compilePulseBlasterProgram } from './pulseblaster-program.js';

/** What a PulseBlaster device is built from. */
export interface PulseBlasterInitParameters extends SequencerInitParameters {
  readonly board: number;
  readonly library: string;
  readonly coreClockMHz: number;
  readonly debug: boolean;
}

/**
 * The compiler of a PulseBlaster: the channels, then the instruction table (checked against the
 * board's memory, loop and delay limits when the shot is compiled, before the board is touched).
 */
export class PulseBlasterCompiler extends SequencerCompiler<
  PulseBlasterConfiguration,
  PulseBlasterProgram
> {
  constructor(
    deviceName: string,
    configuration: PulseBlasterConfiguration,
    sequence: SequenceContext,
  ) {
    super(deviceName, configuration, sequence, pulseBlasterModelLimits(configuration));
  }

  override initializationParameters(): PulseBlasterInitParameters {
    const { board, library, coreClockMHz, debug } = this.configuration;
    return { ...super.initializationParameters(), board, library, coreClockMHz, debug };
  }

  protected override compileProgram(compiled: CompiledSequence): PulseBlasterProgram {
    try {
      return compilePulseBlasterProgram(
        compiled.sequence,
        this.timeStep,
        pulseBlasterProgramLimits(this.configuration, this.timeStep),
      );
    } catch (e) {
      if (e instanceof SequencerProgramError) e.addContext({ device: this.deviceName });
      throw e;
    }
  }
}
