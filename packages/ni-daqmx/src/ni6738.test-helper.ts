// Test support for the NI 6738: channels, and the samples a card plays computed independently of
// the driver (the instruction's value at the first tick of each clock sample).
import type { TimedInstruction } from '@shotline/core';
import { type ChannelConfiguration, type ChannelOutput, clockSamples } from '@shotline/sequencer';
import type { Ni6738Clocking } from './ni6738-program.js';

/** An analog channel in volts. */
export function volts(description: string, output: ChannelOutput): ChannelConfiguration {
  return { type: 'analog', description, outputUnit: 'V', output };
}

/** A lane output, with an optional fallback. */
export function lane(name: string, fallback?: ChannelOutput): ChannelOutput {
  return fallback === undefined
    ? { type: 'LaneValues', lane: name }
    : { type: 'LaneValues', lane: name, default: fallback };
}

/** A constant output. */
export function constant(value: string): ChannelOutput {
  return { type: 'Constant', value };
}

/** The first tick of every sample the card plays (one per clock edge). */
export function sampleTicks(sequence: TimedInstruction, clocking: Ni6738Clocking): number[] {
  if (clocking === 'everyTick') return Array.from({ length: sequence.length }, (_, i) => i);
  return Array.from(clockSamples(sequence), (sample) => sample.start);
}

/**
 * The GroupByChannel buffer of a sequence, read tick by tick with `numberAt` (not the driver's tree
 * walk): what the card must be given.
 */
export function expectedBuffer(sequence: TimedInstruction, clocking: Ni6738Clocking): Float64Array {
  const ticks = sampleTicks(sequence, clocking);
  const n = ticks.length;
  const out = new Float64Array(n * sequence.width);
  for (let f = 0; f < sequence.width; f++) {
    ticks.forEach((tick, k) => {
      out[f * n + k] = sequence.numberAt(tick, f);
    });
  }
  return out;
}

/** True when two float64 buffers hold the same bits (NaN and -0 included). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return Buffer.compare(x, y) === 0;
}
