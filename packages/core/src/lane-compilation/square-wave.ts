import { InvalidValueError } from '../errors/index.js';
import {
  type TimedInstruction,
  InstructionLayout,
  Pattern,
  asNode,
  concatenate,
  constantInstruction,
  repeat,
  sliceInstruction,
} from '../instructions/index.js';

const BOOL = InstructionLayout.scalar('bool');

/**
 * `square_wave(x, duty)` of an instruction of `x` values: true while the fractional part of `x` is
 * below `duty`. Computed on the structure: a ramp of `x` becomes a repeated pulse of period
 * `round(1 / slope)` ticks (high for `round(duty * period)` ticks, rotated by the ramp's initial
 * phase), patterns are computed value by value, repeats and concatenations keep their shape.
 * @throws InvalidValueError if `duty` is not in [0, 1], if a ramp's period is under 2 ticks, or if
 * its high or low part rounds to 0 ticks.
 */
export function squareWaveInstruction(x: TimedInstruction, duty: number): TimedInstruction {
  if (!(duty >= 0 && duty <= 1)) {
    throw new InvalidValueError(`the duty cycle of square_wave must be in [0, 1], got ${duty}`);
  }
  const memo = new Map<TimedInstruction, TimedInstruction>();
  const visit = (instruction: TimedInstruction): TimedInstruction => {
    const known = memo.get(instruction);
    if (known !== undefined) return known;
    const node = asNode(instruction);
    let result: TimedInstruction;
    switch (node.kind) {
      case 'pattern': {
        const values = node.column(0);
        const out = new Uint8Array(node.length);
        for (let i = 0; i < node.length; i++) out[i] = isHigh(values[i]!, duty) ? 1 : 0;
        result = new Pattern(BOOL, [out], 0, node.length);
        break;
      }
      case 'repeated':
        result = repeat(visit(node.instruction), node.repetitions);
        break;
      case 'concatenated':
        result = concatenate(...node.instructions.map(visit));
        break;
      case 'ramp':
        result = rampSquareWave(node.start(), node.slope(), node.length, duty);
        break;
    }
    memo.set(instruction, result);
    return result;
  };
  return visit(x);
}

function fractionalPart(x: number): number {
  return x - Math.floor(x);
}

function isHigh(x: number, duty: number): boolean {
  return fractionalPart(x) < duty;
}

function constant(value: boolean, length: number): TimedInstruction {
  return constantInstruction(value, length);
}

function rampSquareWave(
  start: number,
  slope: number,
  length: number,
  duty: number,
): TimedInstruction {
  if (slope === 0 || duty === 0 || duty === 1) {
    if (slope === 0 || duty === 0)
      return constant(slope === 0 ? isHigh(start, duty) : false, length);
    return constant(true, length);
  }
  const period = 1 / Math.abs(slope);
  if (period < 2) {
    throw new InvalidValueError(
      `square_wave is too fast for the time step: its period is ${period.toPrecision(3)} ticks, ` +
        'it must be at least 2 ticks',
    );
  }
  const ticks = Math.round(period);
  const high = Math.round(duty * ticks);
  const low = ticks - high;
  if (high === 0) {
    throw new InvalidValueError(
      `the high part of square_wave (duty ${duty} of ${ticks} ticks) is shorter than one tick`,
    );
  }
  if (low === 0) {
    throw new InvalidValueError(
      `the low part of square_wave (duty ${duty} of ${ticks} ticks) is shorter than one tick`,
    );
  }
  const repetitions = Math.floor(length / ticks);
  // One period of the pulse, starting at tick 0 of the ramp.
  let period0: TimedInstruction;
  if (slope > 0) {
    // As the reference: high then low, rotated by the initial phase. A phase of 2.5 ticks means
    // tick 0 samples the pulse 2.5 ticks after its start, i.e. index 2: round down (a tolerance
    // absorbs float error in phases that are whole ticks).
    const pulse = concatenate(constant(true, high), constant(false, low));
    const cut = Math.floor(fractionalPart(start) * period + 1e-9) % ticks;
    period0 =
      cut === 0
        ? pulse
        : concatenate(sliceInstruction(pulse, cut), sliceInstruction(pulse, 0, cut));
  } else {
    // A falling x: the values of the first period, tick by tick, as runs.
    period0 = sampledRuns(start, slope, ticks, duty);
  }
  return concatenate(
    repeat(period0, repetitions),
    sliceInstruction(period0, 0, length - repetitions * ticks),
  );
}

/** `isHigh` at the ticks `[0, ticks)` of the ramp, as a concatenation of constant runs. */
function sampledRuns(start: number, slope: number, ticks: number, duty: number): TimedInstruction {
  const runs: TimedInstruction[] = [];
  let value = isHigh(start, duty);
  let runStart = 0;
  for (let i = 1; i < ticks; i++) {
    const v = isHigh(start + i * slope, duty);
    if (v !== value) {
      runs.push(constant(value, i - runStart));
      value = v;
      runStart = i;
    }
  }
  runs.push(constant(value, ticks - runStart));
  return concatenate(...runs);
}
