import {
  DimensionalityError,
  EvaluationError,
  InvalidTypeError,
  InvalidValueError,
  Quantity,
  isDeviceNotUsed,
  type ShotlineError,
  type ShotContext,
} from '@shotline/core';
import { testSequenceContext, testShotContext } from '@shotline/testing';
import { describe, expect, it } from 'vitest';
import { InvalidResourceNameError } from '../visa-errors.js';
import { Sdg6000xCompiler } from './sdg6000x-compiler.js';
import {
  defaultSdg6000xConfiguration,
  sdg6000xConfigurationSchema,
  type Sdg6000xConfiguration,
  type Sdg6000xSineChannel,
} from './sdg6000x-configuration.js';

const sine = (overrides: Partial<Sdg6000xSineChannel> = {}): Sdg6000xSineChannel => ({
  kind: 'sine',
  output: 'Enabled',
  frequency: 'rf.frequency',
  amplitude: '2 V',
  offset: '0 V',
  load: 'high impedance',
  ...overrides,
});

const configuration = (
  c1: Sdg6000xConfiguration['channels'][0],
  c2: Sdg6000xConfiguration['channels'][1] = { kind: 'ignored' },
): Sdg6000xConfiguration => ({
  ...defaultSdg6000xConfiguration(),
  resource: 'TCPIP::10.0.0.9::5025::SOCKET',
  channels: [c1, c2],
});

/** A shot with these parameters, in a sequence with no steps or lanes (the compiler reads neither). */
const shotWith = (values: Record<string, number | boolean | Quantity>): ShotContext =>
  testShotContext(testSequenceContext(), { parameters: values });

function compiler(config: Sdg6000xConfiguration): Sdg6000xCompiler {
  const created = Sdg6000xCompiler.create('rf source', config);
  if (isDeviceNotUsed(created)) throw new Error('unexpectedly not used');
  return created;
}

function errorOf(run: () => unknown): ShotlineError {
  try {
    run();
  } catch (e) {
    return e as ShotlineError;
  }
  throw new Error('no error');
}

describe('the SDG6000X compiler', () => {
  it('evaluates each channel in Hz, Vpp and V for every shot', () => {
    const c = compiler(
      configuration(
        sine({ frequency: 'rf.frequency + 250 kHz', amplitude: '500 mV', offset: '-0.1 V' }),
        sine({ output: 'rf.on', frequency: '1 kHz', load: '50 ohm' }),
      ),
    );
    const shot = c.compileShot(
      shotWith({ 'rf.frequency': new Quantity(80, 'MHz'), 'rf.on': false }),
    );
    expect(shot.channels[0]).toEqual({
      output: true,
      frequency: 80.25e6,
      amplitude: 0.5,
      offset: -0.1,
      load: 'HZ',
    });
    expect(shot.channels[1]).toMatchObject({ output: false, frequency: 1000, load: '50' });
  });

  it('converts an amplitude in dBm to Vpp into the 50 ohm load', () => {
    const c = compiler(
      configuration(sine({ frequency: '1 MHz', amplitude: '10 dBm', load: '50 ohm' })),
    );
    // 10 dBm = 10 mW; Vrms = sqrt(0.01 * 50) = 0.7071 V; Vpp = 2 sqrt(2) Vrms = 2 V.
    expect(c.compileShot(shotWith({})).channels[0]!.amplitude).toBeCloseTo(2, 12);
  });

  it('refuses a power amplitude into a high impedance, naming the channel and expression', () => {
    const c = compiler(configuration(sine({ frequency: '1 MHz', amplitude: '-3 dBm' })));
    const error = errorOf(() => c.compileShot(shotWith({})));
    expect(error).toBeInstanceOf(InvalidValueError);
    expect(error.location).toMatchObject({
      device: 'rf source',
      channel: 'C1',
      expression: '-3 dBm',
    });
  });

  it.each([
    ['frequency', { frequency: '5' }, InvalidTypeError, /quantity in Hz.*number 5/],
    ['frequency', { frequency: '5 V' }, DimensionalityError, /frequency must be in Hz/],
    ['frequency', { frequency: '-1 kHz' }, InvalidValueError, /must be positive/],
    ['amplitude', { amplitude: '2 s' }, DimensionalityError, /amplitude must be in V/],
    ['amplitude', { amplitude: '0 V' }, InvalidValueError, /must be positive/],
    ['offset', { offset: '0' }, InvalidTypeError, /offset must be a quantity in V/],
    ['output', { output: '1 V' }, InvalidTypeError, /must be a boolean/],
  ] as const)(
    'rejects a %s of the wrong kind with an error naming device, channel and expression',
    (field, overrides, type, message) => {
      const c = compiler(
        configuration({ kind: 'ignored' }, sine({ frequency: '1 MHz', ...overrides })),
      );
      const error = errorOf(() => c.compileShot(shotWith({})));
      expect(error).toBeInstanceOf(type);
      expect(error.message).toMatch(message);
      expect(error.location).toMatchObject({
        device: 'rf source',
        channel: 'C2',
        expression: (overrides as Record<string, string>)[field],
      });
    },
  );

  it('reports an undefined parameter with the device and channel', () => {
    const c = compiler(configuration(sine()));
    const error = errorOf(() => c.compileShot(shotWith({})));
    expect(error).toBeInstanceOf(EvaluationError);
    expect(error.location).toMatchObject({ device: 'rf source', channel: 'C1' });
    expect(error.message).toContain('rf.frequency');
  });

  it('reports a syntax error when the sequence starts, before any shot', () => {
    const error = errorOf(() => compiler(configuration(sine({ amplitude: '2 V +' }))));
    expect(error).toBeInstanceOf(EvaluationError);
    expect(error.location).toMatchObject({
      device: 'rf source',
      channel: 'C1',
      expression: '2 V +',
    });
  });

  it('rejects a malformed resource string when the sequence starts, naming device and resource', () => {
    const error = errorOf(() =>
      compiler({ ...configuration(sine()), resource: 'TCPIP::10.0.0.9::5025::SOKET' }),
    );
    expect(error).toBeInstanceOf(InvalidResourceNameError);
    expect(error.location).toMatchObject({
      device: 'rf source',
      resource: 'TCPIP::10.0.0.9::5025::SOKET',
    });
  });

  it('is not used when both channels are ignored', () => {
    expect(isDeviceNotUsed(Sdg6000xCompiler.create('rf', defaultSdg6000xConfiguration()))).toBe(
      true,
    );
  });

  it('gives initialization parameters with the canonical resource', () => {
    expect(compiler(configuration(sine())).initializationParameters()).toEqual({
      resource: 'TCPIP0::10.0.0.9::5025::SOCKET',
      backend: 'auto',
      libraryPath: undefined,
      timeoutMs: 2000,
      checkErrorQueue: true,
    });
  });

  it('produces shot parameters that survive structured cloning (compile workers)', () => {
    const c = compiler(configuration(sine({ frequency: '3 MHz' })));
    const shot = c.compileShot(shotWith({}));
    expect(structuredClone(shot)).toEqual(shot);
  });
});

describe('the SDG6000X configuration', () => {
  it('accepts its default and round-trips through JSON', () => {
    const config = configuration(sine(), sine({ load: '50 ohm' }));
    expect(sdg6000xConfigurationSchema.parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
    expect(sdg6000xConfigurationSchema.parse(defaultSdg6000xConfiguration())).toEqual(
      defaultSdg6000xConfiguration(),
    );
  });

  it('rejects an unknown channel kind and a third channel', () => {
    expect(
      sdg6000xConfigurationSchema.safeParse({
        ...defaultSdg6000xConfiguration(),
        channels: [{ kind: 'square' }, { kind: 'ignored' }],
      }).success,
    ).toBe(false);
    expect(
      sdg6000xConfigurationSchema.safeParse({
        ...defaultSdg6000xConfiguration(),
        channels: [{ kind: 'ignored' }, { kind: 'ignored' }, { kind: 'ignored' }],
      }).success,
    ).toBe(false);
  });
});
