import { InvalidValueError } from '@shotline/core';
import { SerialProtocolError } from '../errors/serial-errors.js';
import { printableBytes } from '../internal/bytes.js';
import { lineFraming, type SerialFraming } from '../transport/serial-framing.js';
import type { SerialSettings } from '../transport/serial-settings.js';

/**
 * The Thorlabs Elliptec wire protocol, as used by the ELL14 rotation mount: 9600 baud 8N1, no flow
 * control, ASCII. A command is `<address><command>[data]`, the address one hex digit (0-F), the
 * command two lowercase letters; replies are `<address><COMMAND>[data]\r\n` in uppercase.
 *
 * - `in` → `IN` + model (2 hex) + serial number (8) + year (4 decimal) + firmware (2) + hardware
 *   (2 hex, bit 0x80 = imperial thread) + travel (4 hex) + pulses per revolution (8 hex).
 * - `gs` → `GS` + status (2 hex), see `ELL14_STATUS`.
 * - `gp` → `PO` + position (8 hex, two's-complement pulses).
 * - `ma<8 hex>`, `mr<8 hex>`, `ho<0|1>` → `PO<position>` when the move is done, or `GS<status>`.
 */
export const ELL14_BAUD_RATE = 9600;

/** The command terminator sent by the driver (the mount also accepts commands without it). */
export const ELL14_TERMINATOR = '\r\n';

/** ELL14 replies are CR LF terminated lines of at most 33 characters. */
export const ELL14_FRAMING: SerialFraming = lineFraming('\r\n', 64);

/** The model number the `IN` reply gives for an ELL14. */
export const ELL14_MODEL = 14;

/** Commands of the driver. */
export type Ell14Command = 'in' | 'gs' | 'gp' | 'ma' | 'mr' | 'ho';

/** The serial settings of an ELL14 on `path` (9600 8N1 unless another baud rate is given). */
export function ell14SerialSettings(path: string, baudRate = ELL14_BAUD_RATE): SerialSettings {
  return { path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none' };
}

/** The bus address as sent on the wire: one uppercase hex digit. */
export function formatEll14Address(address: number): string {
  if (!Number.isInteger(address) || address < 0 || address > 15) {
    throw new InvalidValueError(
      `an Elliptec bus address is an integer from 0 to 15, got ${address}`,
    );
  }
  return address.toString(16).toUpperCase();
}

/** A command line without terminator, e.g. `0ma00004600`. */
export function encodeEll14Command(address: number, command: Ell14Command, data = ''): string {
  return `${formatEll14Address(address)}${command}${data}`;
}

/** A signed 32-bit pulse count as 8 uppercase hex digits (two's complement). */
export function encodeEll14Counts(counts: number): string {
  if (!Number.isInteger(counts) || counts < -0x80000000 || counts > 0x7fffffff) {
    throw new InvalidValueError(`a pulse count is a signed 32-bit integer, got ${counts}`);
  }
  return (counts >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** Decodes 8 hex digits as a signed 32-bit pulse count. */
export function decodeEll14Counts(hex: string): number {
  return Number.parseInt(hex, 16) | 0;
}

/** What the `IN` reply says about the mount. */
export interface Ell14Info {
  /** Elliptec model number (14 for an ELL14). */
  readonly model: number;
  readonly serialNumber: string;
  readonly year: number;
  readonly firmware: string;
  readonly thread: 'metric' | 'imperial';
  /** Travel in degrees (360 for a rotation mount). */
  readonly travel: number;
  /** Encoder pulses per revolution, used to convert angles (read it, never assume it). */
  readonly pulsesPerRevolution: number;
}

/** A decoded reply line. Replies the driver does not use are `other`. */
export type Ell14Reply =
  | { readonly kind: 'status'; readonly address: number; readonly status: number }
  | { readonly kind: 'position'; readonly address: number; readonly counts: number }
  | { readonly kind: 'info'; readonly address: number; readonly info: Ell14Info }
  | {
      readonly kind: 'other';
      readonly address: number;
      readonly header: string;
      readonly data: string;
    };

const HEADER = /^([0-9A-F])([A-Z][A-Z0-9])(.*)$/s;
const HEX = /^[0-9A-F]+$/;

/**
 * Decodes one reply line (without CR LF). Throws a {@link SerialProtocolError} for anything that is
 * not a well-formed Elliptec reply, naming the line.
 */
export function parseEll14Reply(line: string): Ell14Reply {
  const match = HEADER.exec(line);
  const malformed = (why: string): SerialProtocolError =>
    new SerialProtocolError(
      `malformed ELL14 reply "${printableBytes(line)}": ${why}`,
      Buffer.from(line, 'latin1'),
    );
  if (!match) throw malformed('expected an address digit and an uppercase reply code');
  const address = Number.parseInt(match[1]!, 16);
  const header = match[2]!;
  const data = match[3]!;
  switch (header) {
    case 'GS':
      if (data.length !== 2 || !HEX.test(data)) throw malformed('GS takes 2 hex digits');
      return { kind: 'status', address, status: Number.parseInt(data, 16) };
    case 'PO':
      if (data.length !== 8 || !HEX.test(data)) throw malformed('PO takes 8 hex digits');
      return { kind: 'position', address, counts: decodeEll14Counts(data) };
    case 'IN':
      return { kind: 'info', address, info: parseInfo(data, malformed) };
    default:
      if (!/^[\x20-\x7e]*$/.test(data)) throw malformed('unexpected characters');
      return { kind: 'other', address, header, data };
  }
}

function parseInfo(data: string, malformed: (why: string) => SerialProtocolError): Ell14Info {
  if (data.length !== 30) throw malformed(`IN takes 30 characters, got ${data.length}`);
  const model = data.slice(0, 2);
  const year = data.slice(10, 14);
  const hardware = data.slice(16, 18);
  const travel = data.slice(18, 22);
  const pulses = data.slice(22, 30);
  if (!/^\d{4}$/.test(year) || ![model, hardware, travel, pulses].every((f) => HEX.test(f))) {
    throw malformed('IN fields must be hex (model, hardware, travel, pulses) and decimal (year)');
  }
  const pulsesPerRevolution = Number.parseInt(pulses, 16);
  if (pulsesPerRevolution <= 0) throw malformed('pulses per revolution is 0');
  return {
    model: Number.parseInt(model, 16),
    serialNumber: data.slice(2, 10),
    year: Number.parseInt(year, 10),
    firmware: data.slice(14, 16),
    thread: Number.parseInt(hardware, 16) & 0x80 ? 'imperial' : 'metric',
    travel: Number.parseInt(travel, 16),
    pulsesPerRevolution,
  };
}

/** The `IN` reply data (30 characters) for an info record; used by the simulator. */
export function encodeEll14Info(info: Ell14Info): string {
  const hex = (value: number, width: number): string =>
    value.toString(16).toUpperCase().padStart(width, '0');
  return (
    hex(info.model, 2) +
    info.serialNumber.padStart(8, '0').slice(-8) +
    String(info.year).padStart(4, '0') +
    info.firmware.padStart(2, '0').slice(-2) +
    hex(info.thread === 'imperial' ? 0x80 : 0x00, 2) +
    hex(info.travel, 4) +
    hex(info.pulsesPerRevolution, 8)
  );
}

/** Pulses to degrees with the mount's own calibration. */
export function ell14CountsToDegrees(counts: number, pulsesPerRevolution: number): number {
  return (counts * 360) / pulsesPerRevolution;
}

/** Degrees to the nearest pulse count with the mount's own calibration. */
export function ell14DegreesToCounts(degrees: number, pulsesPerRevolution: number): number {
  return Math.round((degrees * pulsesPerRevolution) / 360);
}
