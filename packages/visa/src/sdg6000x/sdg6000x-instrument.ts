import { InvalidValueError } from '@shotline/core';
import type { MessageBasedResource } from '../message-based-resource.js';
import { ScpiResponseError } from '../scpi/scpi-errors.js';
import { ScpiInstrument, type ScpiIdentity } from '../scpi/scpi-instrument.js';
import type { Sdg6000xChannelState, Sdg6000xLoad } from './sdg6000x-compiler.js';

/** The basic-wave settings of one channel, as `C<n>:BSWV?` reports them. */
export interface Sdg6000xBasicWave {
  readonly waveform: string;
  /** Hz */
  readonly frequency: number;
  /** Vpp */
  readonly amplitude: number;
  /** V */
  readonly offset: number;
}

/** The output settings of one channel, as `C<n>:OUTP?` reports them. */
export interface Sdg6000xOutput {
  readonly enabled: boolean;
  readonly load: Sdg6000xLoad;
}

/** What was written to a channel to reach a state (for logs and tests). */
export interface Sdg6000xChannelUpdate {
  readonly channel: number;
  readonly commands: readonly string[];
}

/** A readback differs from what was written (the instrument clamped or refused a value). */
export class Sdg6000xVerificationError extends InvalidValueError {
  static override readonly code: string = 'SDG6000X_VERIFICATION';
}

/**
 * Two settings are equal within the instrument's resolution: frequencies to 1 µHz or 1e-9 relative,
 * voltages to 0.1 mV or 1e-6 relative.
 */
function close(a: number, b: number, absolute: number, relative: number): boolean {
  return Math.abs(a - b) <= Math.max(absolute, relative * Math.max(Math.abs(a), Math.abs(b)));
}
const sameFrequency = (a: number, b: number): boolean => close(a, b, 1e-6, 1e-9);
const sameVoltage = (a: number, b: number): boolean => close(a, b, 1e-4, 1e-6);

/** A number for a SCPI command: 12 significant digits, no trailing zeros (`2500000`, `1e-7`). */
export function formatScpiNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/**
 * The SCPI dialect of the Siglent SDG6000X series: `C<n>:BSWV` (basic wave) and `C<n>:OUTP`
 * (output), with replies such as `C1:BSWV WVTP,SINE,FRQ,1000HZ,AMP,4V,OFST,0V,...` and
 * `C1:OUTP ON,LOAD,50,PLRT,NOR`.
 */
export class Sdg6000xInstrument extends ScpiInstrument {
  constructor(resource: MessageBasedResource, options: { checkErrorQueue: boolean }) {
    super(resource, { errorQuery: options.checkErrorQueue ? 'SYST:ERR?' : null });
  }

  /** `*IDN?`, refusing an instrument that is not a Siglent SDG. */
  async identifyGenerator(): Promise<ScpiIdentity> {
    const identity = await this.identify();
    if (!/siglent/i.test(identity.manufacturer) || !/^SDG/i.test(identity.model)) {
      throw new InvalidValueError(
        `the instrument is a ${identity.manufacturer} ${identity.model}, not a Siglent SDG ` +
          `function generator`,
        { location: { resource: this.resourceName } },
      );
    }
    return identity;
  }

  /** The basic-wave settings of channel `channel` (1 or 2). */
  basicWave(channel: number): Promise<Sdg6000xBasicWave> {
    const query = `C${channel}:BSWV?`;
    return this.parsedQuery(query, (reply) => {
      const fields = this.fields(query, reply, `C${channel}:BSWV`);
      const number = (key: string): number => {
        const text = fields.get(key);
        const value = text === undefined ? Number.NaN : Number.parseFloat(text);
        if (!Number.isFinite(value)) {
          throw new ScpiResponseError(`the reply to "${query}" has no numeric ${key}`, {
            location: { resource: this.resourceName },
          });
        }
        return value;
      };
      return {
        waveform: fields.get('WVTP') ?? '',
        frequency: number('FRQ'),
        amplitude: number('AMP'),
        offset: number('OFST'),
      };
    });
  }

  /** The output settings of channel `channel`. */
  output(channel: number): Promise<Sdg6000xOutput> {
    const query = `C${channel}:OUTP?`;
    return this.parsedQuery(query, (reply) => {
      const body = this.body(query, reply, `C${channel}:OUTP`);
      const [state, ...rest] = body.split(',').map((s) => s.trim());
      const pairs = pairsOf(rest);
      const load = pairs.get('LOAD')?.toUpperCase();
      if ((state !== 'ON' && state !== 'OFF') || (load !== '50' && load !== 'HZ')) {
        throw new ScpiResponseError(
          `reply ${JSON.stringify(reply)} to "${query}" is not "C${channel}:OUTP ON|OFF,LOAD,50|HZ,..."`,
          { location: { resource: this.resourceName } },
        );
      }
      return { enabled: state === 'ON', load };
    });
  }

  /**
   * Brings a channel to `state`: reads its settings, writes only what differs (each command followed
   * by an error-queue check), then reads them back and checks every value.
   *
   * @throws Sdg6000xVerificationError when a readback differs from the request.
   */
  async applyChannelState(
    channel: number,
    state: Sdg6000xChannelState,
    signal?: AbortSignal,
  ): Promise<Sdg6000xChannelUpdate> {
    const commands: string[] = [];
    const send = async (command: string): Promise<void> => {
      signal?.throwIfAborted();
      await this.command(command);
      commands.push(command);
    };
    const wave = await this.basicWave(channel);
    if (wave.waveform.toUpperCase() !== 'SINE') await send(`C${channel}:BSWV WVTP,SINE`);
    if (!sameFrequency(wave.frequency, state.frequency))
      await send(`C${channel}:BSWV FRQ,${formatScpiNumber(state.frequency)}`);
    if (!sameVoltage(wave.amplitude, state.amplitude))
      await send(`C${channel}:BSWV AMP,${formatScpiNumber(state.amplitude)}`);
    if (!sameVoltage(wave.offset, state.offset))
      await send(`C${channel}:BSWV OFST,${formatScpiNumber(state.offset)}`);
    const output = await this.output(channel);
    if (output.load !== state.load) await send(`C${channel}:OUTP LOAD,${state.load}`);
    if (output.enabled !== state.output)
      await send(`C${channel}:OUTP ${state.output ? 'ON' : 'OFF'}`);
    if (commands.length > 0) await this.verify(channel, state);
    return { channel, commands };
  }

  private async verify(channel: number, state: Sdg6000xChannelState): Promise<void> {
    const wave = await this.basicWave(channel);
    const output = await this.output(channel);
    const mismatches: string[] = [];
    if (wave.waveform.toUpperCase() !== 'SINE')
      mismatches.push(`waveform ${wave.waveform}, not SINE`);
    if (!sameFrequency(wave.frequency, state.frequency))
      mismatches.push(`frequency ${wave.frequency} Hz, not ${state.frequency} Hz`);
    if (!sameVoltage(wave.amplitude, state.amplitude))
      mismatches.push(`amplitude ${wave.amplitude} Vpp, not ${state.amplitude} Vpp`);
    if (!sameVoltage(wave.offset, state.offset))
      mismatches.push(`offset ${wave.offset} V, not ${state.offset} V`);
    if (output.load !== state.load) mismatches.push(`load ${output.load}, not ${state.load}`);
    if (output.enabled !== state.output)
      mismatches.push(
        `output ${output.enabled ? 'ON' : 'OFF'}, not ${state.output ? 'ON' : 'OFF'}`,
      );
    if (mismatches.length > 0) {
      throw new Sdg6000xVerificationError(
        `the generator did not take the requested settings: it reports ${mismatches.join('; ')}`,
        { location: { resource: this.resourceName, channel: `C${channel}` } },
      );
    }
  }

  /** The text after the header (`C1:BSWV `) of a reply; the header must match. */
  private body(query: string, reply: string, header: string): string {
    const trimmed = reply.trim();
    if (!trimmed.toUpperCase().startsWith(`${header} `)) {
      throw new ScpiResponseError(
        `reply ${JSON.stringify(reply)} to "${query}" does not start with "${header} "`,
        { location: { resource: this.resourceName } },
      );
    }
    return trimmed.slice(header.length + 1);
  }

  private fields(query: string, reply: string, header: string): Map<string, string> {
    return pairsOf(
      this.body(query, reply, header)
        .split(',')
        .map((s) => s.trim()),
    );
  }
}

/** `[K1, V1, K2, V2, ...]` as a map with upper-case keys. */
function pairsOf(items: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < items.length; i += 2) map.set(items[i]!.toUpperCase(), items[i + 1]!);
  return map;
}
