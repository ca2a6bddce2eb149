import {
  DimensionalityError,
  Expression,
  InvalidTypeError,
  InvalidValueError,
  Quantity,
  Unit,
  deviceNotUsed,
  withContext,
  type DeviceCompiler,
  type DeviceNotUsed,
  type ErrorLocation,
  type ParameterValue,
  type Parameters,
  type ShotContext,
} from '@shotline/core';
import { parseResourceName } from '../resource-name.js';
import type { Sdg6000xConfiguration, Sdg6000xSineChannel } from './sdg6000x-configuration.js';

/** The load setting of an output, as the instrument writes it (`LOAD,50`, `LOAD,HZ`). */
export type Sdg6000xLoad = '50' | 'HZ';

/** What one channel must output during a shot, in the instrument's units. */
export interface Sdg6000xChannelState {
  readonly output: boolean;
  /** Hz */
  readonly frequency: number;
  /** Volts peak-to-peak */
  readonly amplitude: number;
  /** Volts */
  readonly offset: number;
  readonly load: Sdg6000xLoad;
}

/** What the device needs for the whole sequence. */
export interface Sdg6000xInitParameters {
  /** Canonical resource string. */
  readonly resource: string;
  readonly backend: Sdg6000xConfiguration['backend'];
  readonly libraryPath: string | undefined;
  readonly timeoutMs: number;
  readonly checkErrorQueue: boolean;
}

/** The per-shot state of C1 and C2; `null` for an ignored channel. */
export interface Sdg6000xShotParameters {
  readonly channels: readonly [Sdg6000xChannelState | null, Sdg6000xChannelState | null];
}

/** Channel names as the instrument numbers them. */
export const SDG6000X_CHANNEL_NAMES = ['C1', 'C2'] as const;

const HERTZ = Unit.parse('Hz');
const VOLT = Unit.parse('V');
const WATT = Unit.parse('W');
const LOAD_OHMS = 50;

/** The expressions of one channel, parsed once. */
interface CompiledChannel {
  readonly name: string;
  readonly output: Expression;
  readonly frequency: Expression;
  readonly amplitude: Expression;
  readonly offset: Expression;
  readonly load: Sdg6000xLoad;
}

/**
 * Compiles an SDG6000X configuration: the resource string is checked and every expression parsed
 * once per sequence; every shot evaluates them and converts them to the instrument's units (Hz,
 * Vpp, V). A value of the wrong kind or dimension is an error naming the device, the channel and
 * the expression. Pure and serialisable, so it may run in a compile worker.
 */
export class Sdg6000xCompiler implements DeviceCompiler<
  Sdg6000xInitParameters,
  Sdg6000xShotParameters
> {
  private readonly resource: string;
  private readonly channels: readonly (CompiledChannel | null)[];

  private constructor(
    private readonly deviceName: string,
    private readonly configuration: Sdg6000xConfiguration,
  ) {
    try {
      this.resource = parseResourceName(configuration.resource).canonical;
    } catch (e) {
      throw withContext(e, { device: deviceName });
    }
    this.channels = configuration.channels.map((channel, i) =>
      channel.kind === 'ignored' ? null : this.parseChannel(SDG6000X_CHANNEL_NAMES[i]!, channel),
    );
  }

  /** The compiler, or "not used" when both channels are ignored. */
  static create(
    deviceName: string,
    configuration: Sdg6000xConfiguration,
  ): Sdg6000xCompiler | DeviceNotUsed {
    if (configuration.channels.every((c) => c.kind === 'ignored'))
      return deviceNotUsed('both channels are ignored');
    return new Sdg6000xCompiler(deviceName, configuration);
  }

  initializationParameters(): Sdg6000xInitParameters {
    return {
      resource: this.resource,
      backend: this.configuration.backend,
      libraryPath: this.configuration.libraryPath,
      timeoutMs: this.configuration.timeoutMs,
      checkErrorQueue: this.configuration.checkErrorQueue,
    };
  }

  compileShot(shot: ShotContext): Sdg6000xShotParameters {
    const [c1, c2] = this.channels.map((channel) =>
      channel === null ? null : this.evaluateChannel(channel, shot.parameters),
    );
    return { channels: [c1 ?? null, c2 ?? null] };
  }

  private parseChannel(name: string, channel: Sdg6000xSineChannel): CompiledChannel {
    const parse = (field: 'output' | 'frequency' | 'amplitude' | 'offset'): Expression => {
      try {
        return new Expression(channel[field]);
      } catch (e) {
        throw withContext(e, this.where(name, channel[field]));
      }
    };
    return {
      name,
      output: parse('output'),
      frequency: parse('frequency'),
      amplitude: parse('amplitude'),
      offset: parse('offset'),
      load: channel.load === '50 ohm' ? '50' : 'HZ',
    };
  }

  private evaluateChannel(channel: CompiledChannel, parameters: Parameters): Sdg6000xChannelState {
    const value = (expression: Expression): ParameterValue => {
      try {
        return expression.evaluate(parameters);
      } catch (e) {
        throw withContext(e, this.where(channel.name, expression.source));
      }
    };
    const output = value(channel.output);
    if (typeof output !== 'boolean') {
      throw new InvalidTypeError(
        `the output state must be a boolean (Enabled, Disabled or a bool parameter), got ${describe(output)}`,
        { location: this.where(channel.name, channel.output.source) },
      );
    }
    const frequency = this.quantity(
      channel,
      channel.frequency,
      value(channel.frequency),
      HERTZ,
      'frequency',
    );
    if (!(frequency > 0)) {
      throw new InvalidValueError(`the frequency must be positive, got ${frequency} Hz`, {
        location: this.where(channel.name, channel.frequency.source),
      });
    }
    const amplitude = this.amplitude(channel, value(channel.amplitude));
    const offset = this.quantity(channel, channel.offset, value(channel.offset), VOLT, 'offset');
    return { output, frequency, amplitude, offset, load: channel.load };
  }

  /** Vpp from a voltage, or from a power into the 50 Ω load (Vpp = 2√2 · √(P · R) for a sine). */
  private amplitude(channel: CompiledChannel, value: ParameterValue): number {
    const where = this.where(channel.name, channel.amplitude.source);
    let vpp: number;
    if (value instanceof Quantity && value.dimension.equals(WATT.dimension)) {
      if (channel.load !== '50') {
        throw new InvalidValueError(
          `an amplitude given as a power (${value.toString()}) needs the "50 ohm" load; ` +
            `into a high impedance give a voltage (Vpp)`,
          { location: where },
        );
      }
      vpp = 2 * Math.SQRT2 * Math.sqrt(value.toBase() * LOAD_OHMS);
    } else {
      vpp = this.quantity(channel, channel.amplitude, value, VOLT, 'amplitude');
    }
    if (!(vpp > 0)) {
      throw new InvalidValueError(`the amplitude must be positive, got ${vpp} Vpp`, {
        location: where,
      });
    }
    return vpp;
  }

  /** The SI value of a quantity of the dimension of `unit`; anything else names the expression. */
  private quantity(
    channel: CompiledChannel,
    expression: Expression,
    value: ParameterValue,
    unit: Unit,
    what: string,
  ): number {
    const where = this.where(channel.name, expression.source);
    if (!(value instanceof Quantity)) {
      throw new InvalidTypeError(
        `the ${what} must be a quantity in ${unit.symbol} (e.g. "1 ${unit.symbol}"), got ${describe(value)}`,
        { location: where },
      );
    }
    if (!value.dimension.equals(unit.dimension)) {
      throw new DimensionalityError(
        `the ${what} must be in ${unit.symbol}, got ${value.toString()} ` +
          `(${value.dimension.describe()})`,
        { location: where },
      );
    }
    const si = value.toBase();
    if (!Number.isFinite(si)) {
      throw new InvalidValueError(`the ${what} is not finite (${value.toString()})`, {
        location: where,
      });
    }
    return si;
  }

  private where(channel: string, expression: string): ErrorLocation {
    return { device: this.deviceName, channel, expression };
  }
}

function describe(value: ParameterValue): string {
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (typeof value === 'number') return `the number ${value} (no unit)`;
  return value.toString();
}
