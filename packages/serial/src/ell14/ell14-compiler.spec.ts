import {
  InvalidTypeError,
  InvalidValueError,
  Parameters,
  Quantity,
  UndefinedVariableError,
} from '@shotline/core';
import { testSequenceContext, testShotContext } from '@shotline/testing';
import { describe, expect, it } from 'vitest';
import { Ell14Compiler } from './ell14-compiler.js';
import { defaultEll14Configuration, ell14ConfigurationSchema } from './ell14-configuration.js';

/** The compiler reads only the shot's parameters: a sequence with no steps and no lanes. */
const sequence = testSequenceContext();

function compiler(angle: string, name = 'waveplate'): Ell14Compiler {
  return new Ell14Compiler(name, { port: '/dev/ttyUSB0', angle });
}

describe('Ell14Compiler', () => {
  it('fills the protocol defaults into the initialization parameters', () => {
    expect(compiler('0°').initializationParameters()).toEqual({
      port: '/dev/ttyUSB0',
      baudRate: 9600,
      address: 0,
      toleranceDegrees: 0.1,
      moveTimeoutMs: 10_000,
      homeOnOpen: false,
    });
  });

  it.each([
    ['45°', Parameters.empty, 45],
    ['0.5 rad', Parameters.empty, (0.5 * 180) / Math.PI],
    ['angle', Parameters.of({ angle: new Quantity(30, 'deg') }), 30],
    ['30 deg + offset', Parameters.of({ offset: new Quantity(2.5, '°') }), 32.5],
    ['2 * step', Parameters.of({ step: new Quantity(100, '°') }), 200],
  ])('evaluates %s per shot into degrees', (angle, parameters, degrees) => {
    const shot = compiler(angle).compileShot(testShotContext(sequence, { parameters, index: 3 }));
    expect(shot.angleDegrees).toBeCloseTo(degrees, 10);
  });

  it('refuses a plain number, naming the device, the expression and the shot', () => {
    const compile = () => compiler('90').compileShot(testShotContext(sequence, { index: 4 }));
    expect(compile).toThrow(InvalidTypeError);
    expect(compile).toThrow(
      /the angle of ELL14 "waveplate" must be an angle such as 45° or 0.5 rad, got 90 \(a number\) \(shot 4, device "waveplate", expression "90"\)/,
    );
  });

  it('refuses a quantity that is not an angle', () => {
    expect(() => compiler('3 MHz').compileShot(testShotContext(sequence))).toThrow(
      /must be an angle .* got 3 MHz \(not an angle\)/,
    );
  });

  it('adds the device and the shot to evaluation errors', () => {
    const compile = () =>
      compiler('angle + 1°').compileShot(testShotContext(sequence, { index: 7 }));
    expect(compile).toThrow(UndefinedVariableError);
    expect(compile).toThrow(/shot 7, device "waveplate"/);
  });

  it('refuses an expression that depends on the time', () => {
    expect(() => compiler('t * 1 rad/s')).toThrow(InvalidValueError);
    expect(() => compiler('t * 1 rad/s')).toThrow(
      /cannot depend on the time t: .*device "waveplate"/,
    );
  });

  it('names the device when the expression does not parse', () => {
    expect(() => compiler('45° +')).toThrow(/device "waveplate", expression "45° \+"/);
  });
});

describe('ELL14 configuration', () => {
  it('accepts its default configuration, whose angle is an angle (not a bare 0)', () => {
    const configuration = defaultEll14Configuration();
    expect(ell14ConfigurationSchema.parse(configuration)).toEqual(configuration);
    expect(configuration.angle).toBe('0°');
  });

  it('needs only a port and an angle', () => {
    expect(ell14ConfigurationSchema.parse({ port: 'COM3', angle: 'angle' })).toEqual({
      port: 'COM3',
      angle: 'angle',
    });
  });

  it('refuses bad fields with the field named', () => {
    const result = ell14ConfigurationSchema.safeParse({
      port: '',
      angle: '45° +',
      address: 16,
      extra: 1,
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.') || '(root)');
    expect(paths).toEqual(expect.arrayContaining(['port', 'angle', 'address', '(root)']));
  });
});
