import { InvalidValueError } from '@shotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerialProtocolError } from '../errors/serial-errors.js';
import {
  type Ell14Info,
  decodeEll14Counts,
  ell14CountsToDegrees,
  ell14DegreesToCounts,
  encodeEll14Command,
  encodeEll14Counts,
  encodeEll14Info,
  parseEll14Reply,
} from './ell14-protocol.js';

describe('ELL14 protocol', () => {
  it('encodes pulse counts as 8 hex digits in two’s complement, and back', () => {
    expect(encodeEll14Counts(0x4600)).toBe('00004600');
    expect(encodeEll14Counts(-1)).toBe('FFFFFFFF');
    expect(decodeEll14Counts('FFFFFFFF')).toBe(-1);
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (counts) => {
        const hex = encodeEll14Counts(counts);
        expect(hex).toMatch(/^[0-9A-F]{8}$/);
        expect(decodeEll14Counts(hex)).toBe(counts);
      }),
    );
  });

  it('refuses counts that do not fit in 32 bits', () => {
    expect(() => encodeEll14Counts(2 ** 31)).toThrow(InvalidValueError);
    expect(() => encodeEll14Counts(1.5)).toThrow(InvalidValueError);
  });

  it('addresses commands with one hex digit', () => {
    expect(encodeEll14Command(0, 'ma', '00004600')).toBe('0ma00004600');
    expect(encodeEll14Command(11, 'gp')).toBe('Bgp');
    expect(() => encodeEll14Command(16, 'gp')).toThrow(/0 to 15, got 16/);
  });

  it('converts degrees to the nearest pulse and back within half a pulse', () => {
    const pulses = 143360;
    expect(ell14DegreesToCounts(90, pulses)).toBe(35840);
    expect(ell14CountsToDegrees(35840, pulses)).toBe(90);
    fc.assert(
      fc.property(fc.double({ min: -720, max: 720, noNaN: true }), (degrees) => {
        const back = ell14CountsToDegrees(ell14DegreesToCounts(degrees, pulses), pulses);
        expect(Math.abs(back - degrees)).toBeLessThanOrEqual(180 / pulses + 1e-9);
      }),
    );
  });

  it('parses status, position and other replies with their address', () => {
    expect(parseEll14Reply('0GS0A')).toEqual({ kind: 'status', address: 0, status: 10 });
    expect(parseEll14Reply('APOFFFFFFFE')).toEqual({ kind: 'position', address: 10, counts: -2 });
    expect(parseEll14Reply('2HO1')).toEqual({ kind: 'other', address: 2, header: 'HO', data: '1' });
  });

  it('parses the identity record it encodes', () => {
    const info: Ell14Info = {
      model: 14,
      serialNumber: '11400590',
      year: 2023,
      firmware: '17',
      thread: 'imperial',
      travel: 360,
      pulsesPerRevolution: 0x23000,
    };
    const line = `0IN${encodeEll14Info(info)}`;
    expect(line).toBe('0IN0E1140059020231780016800023000');
    expect(parseEll14Reply(line)).toEqual({ kind: 'info', address: 0, info });
  });

  it.each([
    ['garbage', '\x00\xffxyz'],
    ['lowercase reply code', '0po00004600'],
    ['short position', '0PO0046'],
    ['non-hex status', '0GSZZ'],
    ['short identity', '0IN0E114005'],
    ['identity with a non-decimal year', '0IN0E11400590ABCD1781016800023000'],
  ])('refuses a malformed reply (%s) with a protocol error naming it', (_case, line) => {
    expect(() => parseEll14Reply(line)).toThrow(SerialProtocolError);
    expect(() => parseEll14Reply(line)).toThrow(/malformed ELL14 reply/);
  });
});
