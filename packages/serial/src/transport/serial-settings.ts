import { z } from 'zod';

/** Parity bit of a serial line. */
export const serialParitySchema = z.enum(['none', 'even', 'odd', 'mark', 'space']);
/** Parity bit of a serial line. */
export type SerialParity = z.infer<typeof serialParitySchema>;

/** Flow control: none, hardware (RTS/CTS) or software (XON/XOFF). */
export const serialFlowControlSchema = z.enum(['none', 'rts-cts', 'xon-xoff']);
/** Flow control: none, hardware (RTS/CTS) or software (XON/XOFF). */
export type SerialFlowControl = z.infer<typeof serialFlowControlSchema>;

/**
 * How to open a serial port: the path (`/dev/ttyUSB0`, `COM3`, a pseudo-terminal...) and the line
 * settings. Every field but the path and the baud rate has the usual default (8N1, no flow control).
 */
export const serialSettingsSchema = z.strictObject({
  /** Port path, e.g. `/dev/ttyUSB0` or `COM3`. */
  path: z.string().min(1, 'the serial port path is empty'),
  /** Bits per second, e.g. 9600. */
  baudRate: z.number().int().positive(),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).optional(),
  parity: serialParitySchema.optional(),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).optional(),
  flowControl: serialFlowControlSchema.optional(),
});

/** How to open a serial port; see {@link serialSettingsSchema}. */
export type SerialSettings = z.infer<typeof serialSettingsSchema>;

/** The settings with every default filled in. */
export type ResolvedSerialSettings = Required<SerialSettings>;

/** Fills in the defaults: 8 data bits, no parity, 1 stop bit, no flow control. */
export function resolveSerialSettings(settings: SerialSettings): ResolvedSerialSettings {
  return {
    path: settings.path,
    baudRate: settings.baudRate,
    dataBits: settings.dataBits ?? 8,
    parity: settings.parity ?? 'none',
    stopBits: settings.stopBits ?? 1,
    flowControl: settings.flowControl ?? 'none',
  };
}

/** Formats settings the way instrument manuals write them, e.g. `9600 8N1`. */
export function describeSerialSettings(settings: SerialSettings): string {
  const s = resolveSerialSettings(settings);
  const flow = s.flowControl === 'none' ? '' : ` ${s.flowControl.toUpperCase()}`;
  return `${s.baudRate} ${s.dataBits}${s.parity[0]!.toUpperCase()}${s.stopBits}${flow}`;
}
