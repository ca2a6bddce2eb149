import {
  type ChannelConfiguration,
  type SequencerConfiguration,
  type SequencerLimits,
  type SequencerTrigger,
  channelLabel,
  refineWithLimits,
  sequencerConfigurationShape,
  sequencerTriggerSchema,
  timeStepSchema,
} from '@shotline/sequencer';
import { z } from 'zod';

/** The model name used in messages. */
export const NI6738_MODEL = 'NI 6738';

/** Analog outputs of an NI 6738 (`ao0` .. `ao31`). */
export const NI6738_CHANNELS = 32;

/** The output range of every channel, in volts. */
export const NI6738_VOLTAGE_RANGE = [-10, 10] as const;

/** The shortest time step, in picoseconds: 2.5 µs, the card's 400 kS/s with all 32 channels. */
export const NI6738_MINIMUM_TIME_STEP = 2_500_000;

/**
 * What an NI 6738 can do, checked when its configuration is validated: 32 analog channels in
 * volts, a time step of at least 2.5 µs, and an external sample clock (every tick, or
 * one edge per sample "on change") on one edge.
 */
export const NI6738_LIMITS: SequencerLimits = {
  model: NI6738_MODEL,
  channelKinds: Array.from({ length: NI6738_CHANNELS }, () => 'analog' as const),
  maxChannels: NI6738_CHANNELS,
  clockCycle: 1,
  minimumTimeStep: NI6738_MINIMUM_TIME_STEP,
  triggers: ['externalClock', 'externalClockOnChange'],
  triggerEdges: ['rising', 'falling'],
  // The ±10 V range is checked on the card's own samples (compileNi6738Program), which names the
  // value in volts and the time it happens.
};

/** A PFI terminal of the card (`PFI0` .. `PFI15`), where the master's clock comes in. */
export const pfiTerminalSchema = z
  .string()
  .regex(/^PFI([0-9]|1[0-5])$/, 'a PFI terminal of the card: PFI0 to PFI15');

/**
 * Configuration of an NI 6738 (`shotline.ni-daqmx.ni6738`). The card is a *slave* sequencer: a
 * master sequencer clocks it on `clockTerminal` through a `DeviceTrigger` channel naming it, one
 * edge per sample. Unlike the reference system (whose default trigger was a software trigger the
 * card then refused), the default trigger is the one the card supports: an external clock "on
 * change", rising edge.
 */
export interface Ni6738Configuration extends SequencerConfiguration {
  /** The device name in NI-DAQmx (NI MAX, or `nilsdev` on Linux), e.g. `Dev1`. */
  readonly deviceId: string;
  /** The PFI terminal the sample clock arrives on. */
  readonly clockTerminal: string;
  /** Where libnidaqmx.so is, when the loader does not find it (else `SHOTLINE_NIDAQMX_LIBRARY`). */
  readonly libraryPath?: string;
  /** Seconds a buffer write may take before NI-DAQmx gives up. */
  readonly writeTimeout: number;
}

/** The default trigger: one clock edge per sample, from the master, on the rising edge. */
export const NI6738_DEFAULT_TRIGGER: SequencerTrigger = Object.freeze({
  type: 'externalClockOnChange',
  edge: 'rising',
});

/**
 * The checks of an NI 6738 configuration beyond the generic sequencer ones: every channel outputs
 * volts (the card's tasks are voltage tasks; a calibration to another unit goes in the output tree).
 */
function refineVolts(
  configuration: { channels: readonly ChannelConfiguration[] },
  ctx: z.RefinementCtx,
): void {
  configuration.channels.forEach((channel, i) => {
    if (channel.type === 'analog' && channel.outputUnit !== 'V') {
      ctx.addIssue({
        code: 'custom',
        path: ['channels', i, 'outputUnit'],
        message:
          `${channelLabel(i, channel)} of the ${NI6738_MODEL} outputs "${channel.outputUnit}", but ` +
          `the card outputs volts: set outputUnit to "V" (map other quantities to volts with a ` +
          `CalibratedAnalogMapping output)`,
      });
    }
  });
}

/** The zod fields of an {@link Ni6738Configuration}, for the simulated card to extend. */
export const ni6738ConfigurationFields = {
  ...sequencerConfigurationShape,
  timeStep: timeStepSchema.default('2500'),
  trigger: sequencerTriggerSchema.default(NI6738_DEFAULT_TRIGGER),
  deviceId: z
    .string()
    .regex(/^[A-Za-z][\w-]*$/, 'an NI-DAQmx device name such as "Dev1"')
    .default('Dev1'),
  clockTerminal: pfiTerminalSchema.default('PFI0'),
  libraryPath: z.string().min(1).optional(),
  writeTimeout: z.number().positive().max(3600).default(10),
};

/**
 * Checks an NI 6738 configuration against the card (a zod refinement): the generic sequencer checks
 * with {@link NI6738_LIMITS} (32 analog channels, time step, trigger and edge), and volts only.
 */
export function refineNi6738(configuration: Ni6738Configuration, ctx: z.RefinementCtx): void {
  refineWithLimits<Ni6738Configuration>(() => NI6738_LIMITS)(configuration, ctx);
  refineVolts(configuration, ctx);
}

/** zod schema of an {@link Ni6738Configuration}, with every limit of the card. */
export const ni6738ConfigurationSchema = z
  .strictObject(ni6738ConfigurationFields)
  .superRefine(refineNi6738);

/** The 32 channels of a card: `given` in order, the rest outputs at 0 V named `ao<i>`. */
export function paddedNi6738Channels(
  given: readonly ChannelConfiguration[] = [],
): ChannelConfiguration[] {
  return Array.from(
    { length: NI6738_CHANNELS },
    (_, i) =>
      given[i] ?? {
        type: 'analog' as const,
        description: `ao${i}`,
        outputUnit: 'V',
        output: { type: 'Constant' as const, value: '0 V' },
      },
  );
}

/** An NI 6738 configuration with defaults: 32 channels from `channels`, padded with 0 V outputs. */
export function ni6738Configuration(
  options: Partial<Omit<Ni6738Configuration, 'channels'>> & {
    readonly channels?: readonly ChannelConfiguration[];
  } = {},
): Ni6738Configuration {
  return ni6738ConfigurationSchema.parse({
    ...options,
    channels: paddedNi6738Channels(options.channels),
  }) as Ni6738Configuration;
}
