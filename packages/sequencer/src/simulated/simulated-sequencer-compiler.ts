import type { SequenceContext } from '@shotline/core';
import {
  type CompiledSequence,
  type SequencerInitParameters,
  SequencerCompiler,
} from '../compiler/sequencer-compiler.js';
import {
  type ProgramInstruction,
  type ProgramLimits,
  compileLoopProgram,
} from '../program/loop-program.js';
import { SequencerProgramError } from '../sequencer-errors.js';
import {
  type SimulatedPlayback,
  type SimulatedSequencerConfiguration,
  simulatedModelLimits,
  simulatedProgramLimits,
} from './simulated-sequencer-configuration.js';

/** What a simulated sequencer is built from. */
export interface SimulatedSequencerInitParameters extends SequencerInitParameters {
  readonly programLimits: ProgramLimits;
  readonly playback: SimulatedPlayback;
}

/**
 * The compiler of a simulated sequencer: the generic channel compilation, then an instruction
 * table checked against the simulated hardware's limits (memory, loop count, longest and shortest
 * instruction), so an oversized program fails when the shot is compiled.
 */
export class SimulatedSequencerCompiler extends SequencerCompiler<
  SimulatedSequencerConfiguration,
  ProgramInstruction[]
> {
  readonly programLimits: ProgramLimits;

  constructor(
    deviceName: string,
    configuration: SimulatedSequencerConfiguration,
    sequence: SequenceContext,
  ) {
    super(deviceName, configuration, sequence, simulatedModelLimits(configuration));
    this.programLimits = simulatedProgramLimits(configuration.limits, this.timeStep);
  }

  override initializationParameters(): SimulatedSequencerInitParameters {
    return {
      ...super.initializationParameters(),
      programLimits: this.programLimits,
      playback: this.configuration.playback,
    };
  }

  protected override compileProgram(compiled: CompiledSequence): ProgramInstruction[] {
    try {
      return compileLoopProgram(compiled.sequence, this.programLimits);
    } catch (e) {
      if (e instanceof SequencerProgramError) e.addContext({ device: this.deviceName });
      throw e;
    }
  }
}
