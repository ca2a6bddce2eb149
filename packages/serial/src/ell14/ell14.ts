import { ContractViolationError, InvalidValueError } from '@shotline/core';
import { SerialProtocolError } from '../errors/serial-errors.js';
import { normalizeDegrees } from '../internal/angles.js';
import { SerialInstrument, type SerialCommandOptions } from '../instrument/serial-instrument.js';
import type { SerialPortFactory } from '../transport/serial-port-factory.js';
import { SerialTransport, type SerialResync } from '../transport/serial-transport.js';
import { Ell14StatusError, Ell14WrongDeviceError } from './ell14-errors.js';
import {
  ELL14_FRAMING,
  ELL14_MODEL,
  ELL14_TERMINATOR,
  type Ell14Command,
  type Ell14Info,
  type Ell14Reply,
  ell14CountsToDegrees,
  ell14DegreesToCounts,
  ell14SerialSettings,
  encodeEll14Command,
  encodeEll14Counts,
  formatEll14Address,
  parseEll14Reply,
} from './ell14-protocol.js';

/** Status code 9: the mount is still moving. */
const BUSY = 9;

/** Timing and addressing of an {@link Ell14}. */
export interface Ell14Options {
  /** Bus address (0 to 15); 0 for a mount alone on its port. */
  readonly address?: number;
  /** Reply timeout of the commands that do not move, in ms. Default 1000. */
  readonly commandTimeoutMs?: number;
  /** Time a move or a homing may take, in ms. Default 10000. */
  readonly moveTimeoutMs?: number;
}

/** Options of {@link createEll14}. */
export interface CreateEll14Options extends Ell14Options {
  /** Port path, e.g. `/dev/ttyUSB0`. */
  readonly path: string;
  /** Default 9600, the protocol's rate. */
  readonly baudRate?: number;
  /** Creates the serialport object; default real ports. */
  readonly openPort?: SerialPortFactory;
}

/** Homing direction of a rotation mount. */
export type Ell14HomeDirection = 'clockwise' | 'counterclockwise';

/**
 * Driver of a Thorlabs Elliptec ELL14 rotation mount. `open()` reads the identity and calibration
 * (`IN`: it must be an ELL14) and checks the status; angles are in degrees, converted with the
 * pulses per revolution the mount reports. Error statuses become {@link Ell14StatusError}s.
 *
 * ```ts
 * await using mount = createEll14({ path: '/dev/ttyUSB0' });
 * await mount.open();
 * await mount.moveAbsolute(45);
 * console.log(await mount.position());
 * ```
 */
export class Ell14 extends SerialInstrument {
  /** Bus address, 0 to 15. */
  readonly address: number;
  private readonly moveTimeoutMs: number;
  private identity: Ell14Info | undefined;

  constructor(transport: SerialTransport, options: Ell14Options = {}) {
    super(transport, {
      terminator: ELL14_TERMINATOR,
      encoding: 'latin1',
      timeoutMs: options.commandTimeoutMs ?? 1000,
    });
    this.address = options.address ?? 0;
    formatEll14Address(this.address);
    this.moveTimeoutMs = options.moveTimeoutMs ?? 10_000;
  }

  /** Identity and calibration read when the mount was opened. */
  get info(): Ell14Info {
    if (!this.identity) {
      throw new ContractViolationError(
        `the ELL14 at address ${this.address} on ${this.resource} is not open`,
      );
    }
    return this.identity;
  }

  /** Reads the identity record (`in`). */
  async readInfo(options: SerialCommandOptions = {}): Promise<Ell14Info> {
    return this.command('in', '', options, (reply, line) =>
      reply.kind === 'info' ? reply.info : this.unexpected(reply, line),
    );
  }

  /** Reads the status code (`gs`): 0 when ready; see `ELL14_STATUS`. */
  async status(options: SerialCommandOptions = {}): Promise<number> {
    return this.command('gs', '', options, (reply, line) =>
      reply.kind === 'status' ? reply.status : this.unexpected(reply, line),
    );
  }

  /** Reads the position in pulses (`gp`). */
  async positionCounts(options: SerialCommandOptions = {}): Promise<number> {
    return this.command('gp', '', options, (reply, line) =>
      reply.kind === 'position' ? reply.counts : this.unexpected(reply, line),
    );
  }

  /** Reads the position in degrees, as reported (not normalised). */
  async position(options: SerialCommandOptions = {}): Promise<number> {
    return ell14CountsToDegrees(await this.positionCounts(options), this.pulses);
  }

  /**
   * Homes the mount (`ho`) and resolves with the position it reports afterwards, in degrees.
   */
  async home(
    direction: Ell14HomeDirection = 'clockwise',
    options: SerialCommandOptions = {},
  ): Promise<number> {
    return this.move('ho', direction === 'clockwise' ? '0' : '1', options);
  }

  /**
   * Moves to an absolute angle in degrees (brought into [0, 360)) and resolves with the position
   * the mount reports when the move is done, in degrees.
   */
  async moveAbsolute(degrees: number, options: SerialCommandOptions = {}): Promise<number> {
    if (!Number.isFinite(degrees)) throw new InvalidValueError(`cannot move to ${degrees}°`);
    let counts = ell14DegreesToCounts(normalizeDegrees(degrees), this.pulses);
    if (counts >= this.pulses) counts -= this.pulses;
    return this.move('ma', encodeEll14Counts(counts), options);
  }

  /** Moves by an angle in degrees (negative: backwards); resolves with the reported position. */
  async moveRelative(degrees: number, options: SerialCommandOptions = {}): Promise<number> {
    if (!Number.isFinite(degrees)) throw new InvalidValueError(`cannot move by ${degrees}°`);
    return this.move('mr', encodeEll14Counts(ell14DegreesToCounts(degrees, this.pulses)), options);
  }

  /** Reads and checks the identity, then checks that the mount reports no error. */
  protected override async initialize(signal?: AbortSignal): Promise<void> {
    this.identity = undefined;
    const info = await this.readInfo({ signal });
    if (info.model !== ELL14_MODEL) {
      throw new Ell14WrongDeviceError(
        `the instrument at address ${formatEll14Address(this.address)} is an ELL${info.model} ` +
          `(serial number ${info.serialNumber}), not an ELL14`,
        { location: { resource: this.resource } },
      );
    }
    this.identity = info;
    const status = await this.status({ signal });
    if (status !== 0) {
      throw new Ell14StatusError(status, `${formatEll14Address(this.address)}gs`, {
        location: { resource: this.resource },
      });
    }
  }

  private get pulses(): number {
    return this.info.pulsesPerRevolution;
  }

  private async move(
    command: Ell14Command,
    data: string,
    options: SerialCommandOptions,
  ): Promise<number> {
    const pulses = this.pulses;
    const degrees = await this.command(
      command,
      data,
      { timeoutMs: this.moveTimeoutMs, ...options },
      (reply, line): number | null | undefined => {
        if (reply.kind === 'position') return ell14CountsToDegrees(reply.counts, pulses);
        // "Busy" while the motor runs: the final PO (or an error status) follows.
        if (reply.kind === 'status' && reply.status === BUSY) return undefined;
        // Some firmware answers a finished move with "GS00" instead of the position.
        if (reply.kind === 'status' && reply.status === 0) return null;
        return this.unexpected(reply, line);
      },
    );
    return degrees ?? this.position(options);
  }

  /** A status reply is the mount's error; anything else is a protocol error. */
  private unexpected(reply: Ell14Reply, line: string): never {
    if (reply.kind === 'status') throw new Ell14StatusError(reply.status, line);
    const text =
      reply.kind === 'other'
        ? `${reply.header}${reply.data}`
        : reply.kind === 'info'
          ? 'IN…'
          : `PO (${reply.counts} pulses)`;
    throw new SerialProtocolError(
      `unexpected ELL14 reply ${text} to "${line}"`,
      Buffer.from(text, 'latin1'),
    );
  }

  /**
   * Sends `command` to this address and waits for the reply `decode` accepts. Replies from other
   * addresses on the bus are skipped; a malformed line fails the command.
   */
  private command<T>(
    command: Ell14Command,
    data: string,
    options: SerialCommandOptions,
    decode: (reply: Ell14Reply, line: string) => T | undefined,
  ): Promise<T> {
    const line = encodeEll14Command(this.address, command, data);
    return this.queryText(line, {
      ...options,
      parse: (text) => {
        const reply = parseEll14Reply(text);
        if (reply.address !== this.address) return undefined;
        return decode(reply, line);
      },
    });
  }
}

/**
 * The ELL14's protocol-level resynchronisation: `in` to this address, whose `IN` reply no other
 * command produces. The mount answers in order, so once the `IN` arrives every late reply (a `PO`
 * of a timed-out move or position read) has been received and dropped.
 */
export function ell14Resync(address: number): SerialResync {
  return {
    request: `${encodeEll14Command(address, 'in')}${ELL14_TERMINATOR}`,
    isReply: (frame) => {
      let reply: Ell14Reply;
      try {
        reply = parseEll14Reply(frame.toString('latin1'));
      } catch {
        return false; // noise: keep dropping
      }
      return reply.kind === 'info' && reply.address === address;
    },
  };
}

/**
 * An {@link Ell14} on its own port with the protocol's settings (9600 8N1) and the ELL14's
 * resynchronisation ({@link ell14Resync}). Not opened yet.
 */
export function createEll14(options: CreateEll14Options): Ell14 {
  const transport = new SerialTransport({
    settings: ell14SerialSettings(options.path, options.baudRate),
    framing: ELL14_FRAMING,
    openPort: options.openPort,
    resync: ell14Resync(options.address ?? 0),
  });
  return new Ell14(transport, options);
}
