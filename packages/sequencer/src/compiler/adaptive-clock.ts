import {
  type TimedInstruction,
  Pattern,
  asNode,
  concatenate,
  repeat,
  sliceInstruction,
} from '@shotline/core';
import { SequencerTriggerError } from '../sequencer-errors.js';

const HIGH = Pattern.of([true], 'bool');
const LOW = Pattern.of([false], 'bool');

/** One clock period of a slave, in master ticks: high `ceil(div / 2)` ticks, then low `floor(div / 2)`. */
export function clockPulse(slaveStep: number, masterStep: number): TimedInstruction {
  const div = clockDivision(slaveStep, masterStep);
  return concatenate(repeat(HIGH, Math.ceil(div / 2)), repeat(LOW, Math.floor(div / 2)));
}

/**
 * How many master ticks make one slave tick.
 * @throws SequencerTriggerError unless the slave step is an integer multiple of the master step,
 * and at least 2 of them (a clock needs a high and a low tick).
 */
export function clockDivision(slaveStep: number, masterStep: number): number {
  if (slaveStep % masterStep !== 0) {
    throw new SequencerTriggerError(
      `the slave's time step (${slaveStep} ps) is not an integer multiple of the master's (${masterStep} ps)`,
    );
  }
  const div = slaveStep / masterStep;
  if (div < 2) {
    throw new SequencerTriggerError(
      `the slave's time step (${slaveStep} ps) must be at least 2 master time steps (${masterStep} ps) to clock it`,
    );
  }
  return div;
}

/** A sample of an externally clocked sequence: it starts at `start` and lasts `length` ticks. */
export interface ClockSample {
  readonly start: number;
  readonly length: number;
}

/**
 * The samples a sequencer clocked "on change" plays, one per clock edge: every tick of an explicit
 * pattern or ramp, one sample for a whole constant block (a Repeated of one tick), and the samples
 * of a repeated block once per repetition. Lazy: a long pattern is not listed up front.
 */
export function* clockSamples(instruction: TimedInstruction, offset = 0): Generator<ClockSample> {
  const node = asNode(instruction);
  switch (node.kind) {
    case 'pattern':
    case 'ramp':
      for (let i = 0; i < node.length; i++) yield { start: offset + i, length: 1 };
      return;
    case 'concatenated':
      for (let k = 0; k < node.instructions.length; k++) {
        yield* clockSamples(node.instructions[k]!, offset + node.offsets[k]!);
      }
      return;
    case 'repeated': {
      const inner = node.instruction;
      if (inner.length === 1) {
        yield { start: offset, length: node.length };
        return;
      }
      for (let r = 0; r < node.repetitions; r++)
        yield* clockSamples(inner, offset + r * inner.length);
      return;
    }
  }
}

/** The last sample {@link clockSamples} would give, without listing the others. */
export function lastClockSample(instruction: TimedInstruction): ClockSample | undefined {
  if (instruction.length === 0) return undefined;
  const node = asNode(instruction);
  switch (node.kind) {
    case 'pattern':
    case 'ramp':
      return { start: node.length - 1, length: 1 };
    case 'concatenated': {
      const last = node.instructions.length - 1;
      const sample = lastClockSample(node.instructions[last]!)!;
      return { start: node.offsets[last]! + sample.start, length: sample.length };
    }
    case 'repeated': {
      const inner = node.instruction;
      if (inner.length === 1) return { start: 0, length: node.length };
      const sample = lastClockSample(inner)!;
      return { start: (node.repetitions - 1) * inner.length + sample.start, length: sample.length };
    }
  }
}

/**
 * The clock a master must output for a slave clocked on change: one `pulse` per sample of the
 * slave's instruction (see {@link clockSamples}), then low for the rest of a constant block. The
 * result has `instruction.length * pulse.length` ticks.
 */
export function adaptiveClock(
  instruction: TimedInstruction,
  pulse: TimedInstruction,
): TimedInstruction {
  const node = asNode(instruction);
  switch (node.kind) {
    case 'pattern':
    case 'ramp':
      return repeat(pulse, node.length);
    case 'concatenated':
      return concatenate(...node.instructions.map((child) => adaptiveClock(child, pulse)));
    case 'repeated':
      if (node.instruction.length === 1) {
        return concatenate(pulse, repeat(LOW, (node.repetitions - 1) * pulse.length));
      }
      return repeat(adaptiveClock(node.instruction, pulse), node.repetitions);
  }
}

/** The instruction cut or extended with low ticks to exactly `length` ticks. */
export function fitToLength(instruction: TimedInstruction, length: number): TimedInstruction {
  if (instruction.length >= length) return sliceInstruction(instruction, 0, length);
  return concatenate(instruction, repeat(LOW, length - instruction.length));
}

/**
 * The default start trigger of a device: high for the first half of the shot's `ticks`, low for the
 * rest.
 * @throws SequencerTriggerError if the shot is too short for both halves (fewer than 2 ticks).
 */
export function startTrigger(ticks: number): TimedInstruction {
  const high = Math.floor(ticks / 2);
  if (high === 0 || ticks - high === 0) {
    throw new SequencerTriggerError(
      `the shot lasts ${ticks} tick(s) of the master sequencer: too short for a start trigger (it needs a high and a low tick)`,
    );
  }
  return concatenate(repeat(HIGH, high), repeat(LOW, ticks - high));
}
