import { z } from 'zod';

/** The stable type tag of the SDG6000X device extension (stored with every configuration). */
export const SDG6000X_TYPE = 'shotline.visa.sdg6000x';

/** A channel left alone: the driver never touches it. */
const ignoredChannelSchema = z.strictObject({ kind: z.literal('ignored') });

/**
 * A channel that outputs a sine wave whose settings are expressions evaluated for every shot
 * (e.g. `rf.frequency`, `80 MHz + detuning`, `-3 dBm`).
 */
const sineChannelSchema = z.strictObject({
  kind: z.literal('sine'),
  /** Output state: a boolean expression (`Enabled`, `Disabled`, a bool parameter). */
  output: z.string().min(1),
  /** A frequency (`10 MHz`). */
  frequency: z.string().min(1),
  /**
   * A peak-to-peak voltage (`2 V`), or a power (`-3 dBm`, `1 mW`) converted to Vpp for a sine into
   * the 50 Ω load.
   */
  amplitude: z.string().min(1),
  /** A DC offset voltage (`0 V`). */
  offset: z.string().min(1),
  /** The load the output drives: sets the instrument's scaling (`LOAD,50` or `LOAD,HZ`). */
  load: z.enum(['50 ohm', 'high impedance']),
});

/** One output channel of the generator. */
export const sdg6000xChannelSchema = z.discriminatedUnion('kind', [
  ignoredChannelSchema,
  sineChannelSchema,
]);

/** Configuration of one channel. */
export type Sdg6000xChannelConfiguration = z.infer<typeof sdg6000xChannelSchema>;
/** Configuration of a channel that outputs a sine. */
export type Sdg6000xSineChannel = z.infer<typeof sineChannelSchema>;

/**
 * Configuration of a Siglent SDG6000X-class generator (SDG6022X, SDG6032X, SDG6052X): how to reach
 * it and what each of its two channels does.
 */
export const sdg6000xConfigurationSchema = z.strictObject({
  /** VISA resource string, e.g. `TCPIP::192.168.1.20::INSTR` or `TCPIP::192.168.1.20::5025::SOCKET`. */
  resource: z.string().min(1),
  /** Which VISA backend opens it (see `openResource`). */
  backend: z.enum(['auto', 'library', 'tcpip']),
  /** Path of the VISA library; else `SHOTLINE_VISA_LIBRARY`, else the standard locations. */
  libraryPath: z.string().min(1).optional(),
  /** I/O timeout of each operation, in milliseconds. */
  timeoutMs: z.number().int().positive(),
  /**
   * Read the error queue (`SYST:ERR?`) after every command. Turn off only for firmware without an
   * error queue; every value is still checked by reading the settings back.
   */
  checkErrorQueue: z.boolean(),
  /** Channels C1 and C2. */
  channels: z.tuple([sdg6000xChannelSchema, sdg6000xChannelSchema]),
});

/** Configuration of an SDG6000X device (the stored JSON form). */
export type Sdg6000xConfiguration = z.infer<typeof sdg6000xConfigurationSchema>;

/** The configuration of a newly added generator: both channels ignored. */
export function defaultSdg6000xConfiguration(): Sdg6000xConfiguration {
  return {
    resource: 'TCPIP::192.168.1.20::INSTR',
    backend: 'auto',
    timeoutMs: 2000,
    checkErrorQueue: true,
    channels: [{ kind: 'ignored' }, { kind: 'ignored' }],
  };
}
