import { parseTimeStep } from '@shotline/core';
import { z } from 'zod';
import type { ChannelConfiguration } from '../configuration/channel-configuration.js';
import {
  type SequencerConfiguration,
  refineWithLimits,
  sequencerConfigurationShape,
} from '../configuration/sequencer-configuration.js';
import type { SequencerLimits } from '../configuration/sequencer-limits.js';
import { timeStepSchema } from '../configuration/time-step.js';
import type { SequencerTrigger } from '../configuration/trigger.js';
import type { ProgramLimits } from '../program/loop-program.js';

/**
 * The hardware a simulated sequencer pretends to be: it refuses configurations and programs beyond
 * these limits, like a real instrument would (defaults: a generous 1 ns instruction-table sequencer).
 */
export const simulatedSequencerLimitsSchema = z.strictObject({
  /** Most channels. */
  maxChannels: z.number().int().min(1).default(64),
  /** Clock period, ns text; the time step must be a multiple of it. */
  clockCycle: timeStepSchema.default('1'),
  /** Shortest instruction in clock cycles; the time step must be at least this long. */
  minimumInstructionCycles: z.number().int().min(1).default(1),
  /** Longest instruction in clock cycles. */
  maxInstructionCycles: z
    .number()
    .int()
    .min(1)
    .default(2 ** 32 - 1),
  /** Instruction memory (the final stop included). */
  maxInstructions: z.number().int().min(1).default(65536),
  /** Largest loop count. */
  maxLoopCount: z
    .number()
    .int()
    .min(2)
    .default(2 ** 20 - 1),
  /** Deepest loop nesting, if limited. */
  maxLoopDepth: z.number().int().min(1).optional(),
  /** Whether long constant blocks use a long-delay instruction (else several instructions). */
  longDelay: z.boolean().default(true),
  /** Whether analog ramps may be played one instruction per tick (else they are refused). */
  ramps: z.boolean().default(true),
  /** Allowed analog range in SI base units, if limited. */
  analogRange: z.tuple([z.number(), z.number()]).optional(),
});

/** The limits of a simulated sequencer; see {@link simulatedSequencerLimitsSchema}. */
export type SimulatedSequencerLimits = z.infer<typeof simulatedSequencerLimitsSchema>;

/**
 * How the simulated sequencer plays a shot: `instant` (the whole shot happens at once, for fast
 * tests), or in `realTime` scaled by `speed` (1: as long as the real shot; 0.1: ten times slower).
 */
export const simulatedPlaybackSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('instant') }),
  z.strictObject({ mode: z.literal('realTime'), speed: z.number().positive().default(1) }),
]);

/** How the simulated sequencer plays a shot; see {@link simulatedPlaybackSchema}. */
export type SimulatedPlayback = z.infer<typeof simulatedPlaybackSchema>;

/** Configuration of a simulated sequencer (`shotline.sequencer.simulated`). */
export interface SimulatedSequencerConfiguration extends SequencerConfiguration {
  readonly limits: SimulatedSequencerLimits;
  readonly playback: SimulatedPlayback;
}

/** The model limits of a simulated sequencer's configuration. */
export function simulatedModelLimits(
  configuration: SimulatedSequencerConfiguration,
): SequencerLimits {
  const { limits } = configuration;
  let clock = 1000;
  try {
    clock = parseTimeStep(limits.clockCycle);
  } catch {
    // reported by the clock cycle's own schema
  }
  return {
    model: 'simulated sequencer',
    maxChannels: limits.maxChannels,
    clockCycle: clock,
    minimumTimeStep: clock * limits.minimumInstructionCycles,
    triggers: ['software', 'externalStart', 'externalClock', 'externalClockOnChange'],
    ...(limits.analogRange === undefined ? {} : { analogRange: limits.analogRange }),
  };
}

/** The program limits of a simulated sequencer at a time step (ps). */
export function simulatedProgramLimits(
  limits: SimulatedSequencerLimits,
  timeStep: number,
): ProgramLimits {
  const clock = parseTimeStep(limits.clockCycle);
  const cyclesPerTick = timeStep / clock;
  return {
    model: 'simulated sequencer',
    maxTicksPerInstruction: Math.max(1, Math.floor(limits.maxInstructionCycles / cyclesPerTick)),
    maxLoopCount: limits.maxLoopCount,
    ...(limits.maxLoopDepth === undefined ? {} : { maxLoopDepth: limits.maxLoopDepth }),
    ...(limits.longDelay ? { maxLongDelayMultiplier: 2 ** 20 - 1 } : {}),
    maxInstructions: limits.maxInstructions,
    unrollRamps: limits.ramps,
  };
}

/** zod schema of {@link SimulatedSequencerConfiguration}, checked against its own limits. */
export const simulatedSequencerConfigurationSchema = z
  .strictObject({
    ...sequencerConfigurationShape,
    limits: simulatedSequencerLimitsSchema.default(simulatedSequencerLimitsSchema.parse({})),
    playback: simulatedPlaybackSchema.default({ mode: 'instant' }),
  })
  .superRefine(refineWithLimits<SimulatedSequencerConfiguration>(simulatedModelLimits));

/** A simulated sequencer configuration with defaults for everything but the channels. */
export function simulatedSequencerConfiguration(options: {
  readonly channels: readonly ChannelConfiguration[];
  readonly timeStep?: string;
  readonly trigger?: SequencerTrigger;
  readonly limits?: Partial<SimulatedSequencerLimits>;
  readonly playback?: SimulatedPlayback;
}): SimulatedSequencerConfiguration {
  return simulatedSequencerConfigurationSchema.parse({
    timeStep: options.timeStep ?? '1',
    trigger: options.trigger ?? { type: 'software' },
    channels: options.channels,
    limits: options.limits ?? {},
    playback: options.playback ?? { mode: 'instant' },
  });
}
