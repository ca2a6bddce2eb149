import { z } from 'zod';
import {
  type Ni6738Configuration,
  ni6738ConfigurationFields,
  paddedNi6738Channels,
  refineNi6738,
} from '../ni6738-configuration.js';
import type { SimulatedClock } from './simulated-daqmx.js';

/**
 * Configuration of a simulated NI 6738 (`shotline.ni-daqmx.simulated-ni6738`): the real card's
 * configuration (same checks), and where its sample clock comes from: a simulated master of the
 * lab (`master`, the default: a `DeviceTrigger` channel naming the card clocks it), or its own
 * time step (`internal`, for a card used alone).
 */
export interface SimulatedNi6738Configuration extends Ni6738Configuration {
  readonly clock: SimulatedClock;
}

/** zod schema of a {@link SimulatedNi6738Configuration}. */
export const simulatedNi6738ConfigurationSchema = z
  .strictObject({
    ...ni6738ConfigurationFields,
    clock: z.enum(['master', 'internal']).default('master'),
  })
  .superRefine(refineNi6738);

/** A simulated NI 6738 configuration with defaults: channels padded with 0 V outputs. */
export function simulatedNi6738Configuration(
  options: Partial<Omit<SimulatedNi6738Configuration, 'channels'>> & {
    readonly channels?: Ni6738Configuration['channels'];
  } = {},
): SimulatedNi6738Configuration {
  return simulatedNi6738ConfigurationSchema.parse({
    ...options,
    channels: paddedNi6738Channels(options.channels),
  }) as SimulatedNi6738Configuration;
}
