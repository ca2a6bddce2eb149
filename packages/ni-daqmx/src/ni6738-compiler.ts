import {
  type SequenceContext,
  type ShotContext,
  type TimedInstruction,
  concatenate,
  sliceInstruction,
} from '@shotline/core';
import {
  type CompiledSequence,
  type SequencerInitParameters,
  SequencerCompiler,
  SequencerProgramError,
} from '@shotline/sequencer';
import { NI6738_LIMITS, NI6738_MODEL, type Ni6738Configuration } from './ni6738-configuration.js';
import {
  type Ni6738Program,
  compileNi6738Program,
  ni6738Clocking,
  ni6738SampleCount,
} from './ni6738-program.js';

/** What an NI 6738 device is built from (plain JSON). */
export interface Ni6738InitParameters extends SequencerInitParameters {
  readonly deviceId: string;
  readonly clockTerminal: string;
  readonly libraryPath?: string;
  readonly writeTimeout: number;
}

/**
 * The compiler of an NI 6738: the generic sequencer compilation of its 32 channels (units, range),
 * then the card's buffer ({@link compileNi6738Program}), so a value the card cannot output is an
 * error when the shot is compiled, before the card is touched.
 *
 * A finite generation needs at least two samples: when a shot clocked on change would give the card
 * a single sample (nothing changes), its last tick becomes a second sample, which the master then
 * clocks at the last time step.
 */
export class Ni6738Compiler extends SequencerCompiler<Ni6738Configuration, Ni6738Program> {
  constructor(deviceName: string, configuration: Ni6738Configuration, sequence: SequenceContext) {
    super(deviceName, configuration, sequence, NI6738_LIMITS);
  }

  override initializationParameters(): Ni6738InitParameters {
    const { deviceId, clockTerminal, libraryPath, writeTimeout } = this.configuration;
    return {
      ...super.initializationParameters(),
      deviceId,
      clockTerminal,
      writeTimeout,
      ...(libraryPath === undefined ? {} : { libraryPath }),
    };
  }

  override compileSequence(shot: ShotContext): CompiledSequence {
    const compiled = super.compileSequence(shot);
    return { ...compiled, sequence: this.atLeastTwoSamples(compiled.sequence) };
  }

  private atLeastTwoSamples(sequence: TimedInstruction): TimedInstruction {
    const clocking = ni6738Clocking(this.configuration.trigger);
    if (ni6738SampleCount(sequence, clocking) >= 2) return sequence;
    if (sequence.length < 2) {
      throw new SequencerProgramError(
        `the shot lasts ${sequence.length} time step(s) of the ${NI6738_MODEL}, but a finite ` +
          `generation needs at least 2 samples: make the shot longer than 2 time steps`,
        { location: { device: this.deviceName } },
      );
    }
    const last = sequence.length - 1;
    return concatenate(sliceInstruction(sequence, 0, last), sliceInstruction(sequence, last));
  }

  protected override compileProgram(compiled: CompiledSequence): Ni6738Program {
    try {
      return compileNi6738Program(
        compiled.sequence,
        this.timeStep,
        ni6738Clocking(this.configuration.trigger),
        this.configuration.channels,
      );
    } catch (e) {
      if (e instanceof SequencerProgramError) e.addContext({ device: this.deviceName });
      throw e;
    }
  }
}
