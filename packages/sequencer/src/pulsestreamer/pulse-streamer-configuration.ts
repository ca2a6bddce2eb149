import { z } from 'zod';
import type { ChannelConfiguration } from '../configuration/channel-configuration.js';
import {
  type SequencerConfiguration,
  refineWithLimits,
  sequencerConfigurationShape,
} from '../configuration/sequencer-configuration.js';
import type { SequencerLimits } from '../configuration/sequencer-limits.js';

/** Digital outputs of a Pulse Streamer 8/2. */
export const PULSE_STREAMER_CHANNELS = 8;

/** The reference clock of a Pulse Streamer: its own, or an external 10 MHz or 125 MHz one. */
export const pulseStreamerClockSchema = z.enum(['internal', 'external10MHz', 'external125MHz']);

/** zod schema of a {@link PulseStreamerConfiguration}. */
export const pulseStreamerConfigurationSchema = z
  .strictObject({
    ...sequencerConfigurationShape,
    /** Host name or IP address of the instrument. */
    address: z.string().min(1),
    /** Port of its JSON-RPC server. */
    port: z.number().int().min(1).max(65535).default(8050),
    /** Reference clock (`selectClock`). */
    clockSource: pulseStreamerClockSchema.default('internal'),
    /** Most pulses a sequence may have (the instrument's memory). */
    maxPulses: z.number().int().min(1).default(2_000_000),
    /** Timeout of one request, in milliseconds. */
    requestTimeoutMs: z.number().int().min(1).default(20_000),
  })
  .superRefine(refineWithLimits<PulseStreamerConfiguration>(pulseStreamerModelLimits));

/** Configuration of a Swabian Pulse Streamer 8/2 (`shotline.sequencer.pulsestreamer`). */
export interface PulseStreamerConfiguration extends SequencerConfiguration {
  readonly address: string;
  readonly port: number;
  readonly clockSource: z.infer<typeof pulseStreamerClockSchema>;
  readonly maxPulses: number;
  readonly requestTimeoutMs: number;
}

/** What a Pulse Streamer 8/2 can do: 8 digital channels at exactly 1 ns, software or external start. */
export function pulseStreamerModelLimits(
  _configuration: PulseStreamerConfiguration,
): SequencerLimits {
  return {
    model: 'Swabian Pulse Streamer 8/2',
    channelKinds: Array.from({ length: PULSE_STREAMER_CHANNELS }, () => 'digital' as const),
    maxChannels: PULSE_STREAMER_CHANNELS,
    clockCycle: 1000,
    minimumTimeStep: 1000,
    maximumTimeStep: 1000,
    triggers: ['software', 'externalStart'],
  };
}

/** A Pulse Streamer configuration with defaults: 8 channels from `channels` padded with low ones. */
export function pulseStreamerConfiguration(
  options: Partial<Omit<PulseStreamerConfiguration, 'channels'>> & {
    readonly address: string;
    readonly channels?: readonly ChannelConfiguration[];
  },
): PulseStreamerConfiguration {
  const given = options.channels ?? [];
  const channels = Array.from(
    { length: PULSE_STREAMER_CHANNELS },
    (_, i) =>
      given[i] ?? {
        type: 'digital' as const,
        description: `ch ${i}`,
        output: { type: 'Constant' as const, value: 'Disabled' },
      },
  );
  return pulseStreamerConfigurationSchema.parse({
    timeStep: '1',
    trigger: { type: 'software' },
    ...options,
    channels,
  });
}
