// Test support: channel configurations and instruction comparisons. The sequence and shot contexts
// come from @shotline/testing (the engine's own).
import { type TimedInstruction, changeTable, toPattern } from '@shotline/core';
import type { ChannelConfiguration } from './configuration/channel-configuration.js';
import type { ChannelOutput } from './configuration/channel-output.js';

/** A digital channel. */
export function digital(description: string, output: ChannelOutput): ChannelConfiguration {
  return { type: 'digital', description, output };
}

/** An analog channel. */
export function analog(
  description: string,
  outputUnit: string,
  output: ChannelOutput,
): ChannelConfiguration {
  return { type: 'analog', description, outputUnit, output };
}

/** A lane output. */
export function lane(name: string, fallback?: ChannelOutput): ChannelOutput {
  return fallback === undefined
    ? { type: 'LaneValues', lane: name }
    : { type: 'LaneValues', lane: name, default: fallback };
}

/** A constant output. */
export function constant(value: string): ChannelOutput {
  return { type: 'Constant', value };
}

/** The values of one channel tick by tick (booleans as 0/1). */
export function valuesOf(instruction: TimedInstruction, field: string | number = 0): number[] {
  return Array.from(toPattern(instruction).column(field));
}

/**
 * True if two instructions have the same values at every tick, compared through their change
 * tables (fast for long compressed instructions, unlike a tick-by-tick comparison).
 */
export function sameValues(a: TimedInstruction, b: TimedInstruction): boolean {
  if (a.length !== b.length || a.width !== b.width) return false;
  const x = changeTable(a);
  const y = changeTable(b);
  if (x.times.length !== y.times.length) return false;
  for (let i = 0; i < x.times.length; i++) if (x.times[i] !== y.times[i]) return false;
  return x.columns.every((column, f) => column.every((v, i) => v === y.columns[f]![i]));
}
