import type { TimedInstruction } from '@shotline/core';
import {
  type ProgramInstruction,
  type ProgramLimits,
  type ProgramOpcode,
  compileLoopProgram,
  playProgram,
} from '../program/loop-program.js';

/** spinapi opcodes. */
export const SPINAPI_OPCODES: Readonly<Record<ProgramOpcode, number>> = Object.freeze({
  continue: 0,
  stop: 1,
  loop: 2,
  endLoop: 3,
  longDelay: 7,
});

const OPCODE_NAMES = new Map<number, ProgramOpcode>(
  Object.entries(SPINAPI_OPCODES).map(([name, code]) => [code, name as ProgramOpcode]),
);

/**
 * A PulseBlaster program: the arguments of one `pb_inst_pbonly(flags, inst, inst_data, length)`
 * call per instruction (flags bit i is channel `ch i`; length in ns). Typed arrays, so it crosses
 * threads cheaply.
 */
export interface PulseBlasterProgram {
  readonly flags: Uint32Array;
  readonly opcodes: Uint8Array;
  readonly data: Int32Array;
  readonly lengthsNs: Float64Array;
  /** How long the program plays, in ns (loops and long delays expanded). */
  readonly durationNs: number;
}

/** Flags of one tick: bit i set when channel i is high. */
export function flagsAt(sequence: TimedInstruction, tick: number): number {
  let flags = 0;
  for (let f = 0; f < sequence.width; f++) if (sequence.numberAt(tick, f) !== 0) flags |= 1 << f;
  return flags >>> 0;
}

/**
 * The PulseBlaster program of a compiled sequence (time step in ps), checked against `limits`.
 * @throws SequencerProgramError for a program the board cannot hold.
 */
export function compilePulseBlasterProgram(
  sequence: TimedInstruction,
  timeStep: number,
  limits: ProgramLimits,
): PulseBlasterProgram {
  const program = compileLoopProgram(sequence, limits);
  const n = program.length;
  const out = {
    flags: new Uint32Array(n),
    opcodes: new Uint8Array(n),
    data: new Int32Array(n),
    lengthsNs: new Float64Array(n),
  };
  const ns = timeStep / 1000;
  program.forEach((instruction, i) => {
    out.flags[i] = sequence.length === 0 ? 0 : flagsAt(sequence, instruction.source);
    out.opcodes[i] = SPINAPI_OPCODES[instruction.opcode];
    out.data[i] = instruction.data;
    out.lengthsNs[i] = instruction.ticks * ns;
  });
  // The program plays every tick of the sequence once (compileLoopProgram's contract).
  return { ...out, durationNs: sequence.length * ns };
}

/**
 * Plays a PulseBlaster table like the board does, calling `onRun(flags, ns)` for every instruction
 * played until STOP; e.g. to check that a recorded program reproduces its instruction.
 */
export function playPulseBlasterProgram(
  program: Pick<PulseBlasterProgram, 'flags' | 'opcodes' | 'data' | 'lengthsNs'>,
  onRun: (flags: number, lengthNs: number) => void,
): void {
  const instructions: ProgramInstruction[] = Array.from(program.opcodes, (code, i) => {
    const opcode = OPCODE_NAMES.get(code);
    if (opcode === undefined) throw new RangeError(`unknown opcode ${code} at address ${i}`);
    return { opcode, source: i, ticks: program.lengthsNs[i]!, data: program.data[i]! };
  });
  playProgram(instructions, (run) => onRun(program.flags[run.source]!, run.ticks));
}
