import { z } from 'zod';
import type { ChannelConfiguration } from '../configuration/channel-configuration.js';
import {
  type SequencerConfiguration,
  refineWithLimits,
  sequencerConfigurationShape,
} from '../configuration/sequencer-configuration.js';
import type { SequencerLimits } from '../configuration/sequencer-limits.js';
import type { ProgramLimits } from '../program/loop-program.js';

/** Number of output channels of a PulseBlaster PB24. */
export const PULSEBLASTER_CHANNELS = 24;

/** zod schema of a {@link PulseBlasterConfiguration}. */
export const pulseBlasterConfigurationSchema = z
  .strictObject({
    ...sequencerConfigurationShape,
    /** Board index (`pb_select_board`). */
    board: z.number().int().min(0).default(0),
    /**
     * The spinapi library: a path, or `spinapi` for the platform's name (`libspinapi.so`,
     * `spinapi64.dll`).
     */
    library: z.string().min(1).default('spinapi'),
    /** Core clock in MHz (`pb_core_clock`); 100 MHz gives 10 ns cycles. */
    coreClockMHz: z
      .number()
      .positive()
      .refine((mhz) => Number.isInteger(1e6 / mhz), 'the clock period must be a whole number of ps')
      .default(100),
    /** Instruction memory of the board, in instructions. */
    memory: z.number().int().min(2).default(4096),
    /** Shortest instruction in clock cycles (5 on the PB24-100). */
    minimumInstructionCycles: z.number().int().min(1).default(5),
    /** Deepest loop nesting the board supports. */
    maxLoopDepth: z.number().int().min(1).default(8),
    /** `pb_set_debug(1)`: the library writes a log file. */
    debug: z.boolean().default(false),
  })
  .superRefine(refineWithLimits<PulseBlasterConfiguration>(pulseBlasterModelLimits));

/** Configuration of a SpinCore PulseBlaster (`shotline.sequencer.pulseblaster`). */
export interface PulseBlasterConfiguration extends SequencerConfiguration {
  readonly board: number;
  readonly library: string;
  readonly coreClockMHz: number;
  readonly memory: number;
  readonly minimumInstructionCycles: number;
  readonly maxLoopDepth: number;
  readonly debug: boolean;
}

/** The clock period in picoseconds. */
export function pulseBlasterClockCycle(coreClockMHz: number): number {
  return Math.round(1e6 / coreClockMHz);
}

/**
 * What a PB24 can do: 24 digital channels, a time step that is a whole number of clock cycles and
 * at least the minimum instruction length, software start only.
 */
export function pulseBlasterModelLimits(configuration: PulseBlasterConfiguration): SequencerLimits {
  const clock = pulseBlasterClockCycle(configuration.coreClockMHz);
  return {
    model: 'SpinCore PulseBlaster',
    channelKinds: Array.from({ length: PULSEBLASTER_CHANNELS }, () => 'digital' as const),
    maxChannels: PULSEBLASTER_CHANNELS,
    clockCycle: clock,
    minimumTimeStep: clock * configuration.minimumInstructionCycles,
    triggers: ['software'],
  };
}

/**
 * The PulseBlaster's instruction limits at a time step: a 32-bit delay count, a 20-bit loop count
 * and long-delay multiplier, the board's memory, no ramps.
 */
export function pulseBlasterProgramLimits(
  configuration: PulseBlasterConfiguration,
  timeStep: number,
): ProgramLimits {
  const cyclesPerTick = timeStep / pulseBlasterClockCycle(configuration.coreClockMHz);
  return {
    model: 'SpinCore PulseBlaster',
    maxTicksPerInstruction: Math.floor((2 ** 32 - 1) / cyclesPerTick),
    maxLoopCount: 2 ** 20 - 1,
    maxLoopDepth: configuration.maxLoopDepth,
    maxLongDelayMultiplier: 2 ** 20 - 1,
    maxInstructions: configuration.memory,
    unrollRamps: false,
  };
}

/** A PulseBlaster configuration with defaults: 24 channels from `channels` padded with low outputs. */
export function pulseBlasterConfiguration(
  options: Partial<Omit<PulseBlasterConfiguration, 'channels'>> & {
    readonly channels?: readonly ChannelConfiguration[];
  } = {},
): PulseBlasterConfiguration {
  const given = options.channels ?? [];
  const channels = Array.from(
    { length: PULSEBLASTER_CHANNELS },
    (_, i) =>
      given[i] ?? {
        type: 'digital' as const,
        description: `ch ${i}`,
        output: { type: 'Constant' as const, value: 'Disabled' },
      },
  );
  return pulseBlasterConfigurationSchema.parse({
    timeStep: '50',
    trigger: { type: 'software' },
    ...options,
    channels,
  });
}
