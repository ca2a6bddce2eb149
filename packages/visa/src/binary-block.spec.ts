import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidBinaryBlockError,
  decodeBinaryValues,
  encodeBinaryBlock,
  encodeBinaryValues,
  parseBinaryBlockHeader,
  type BinaryDatatype,
} from './binary-block.js';

describe('IEEE 488.2 binary blocks', () => {
  it('encode a definite-length header', () => {
    expect(encodeBinaryBlock(Buffer.from('hello')).toString('latin1')).toBe('#15hello');
    expect(encodeBinaryBlock(Buffer.alloc(1234)).subarray(0, 6).toString('latin1')).toBe('#41234');
  });

  it('parse the header after a prefix, and say when more bytes are needed', () => {
    expect(parseBinaryBlockHeader(Buffer.from('CURV #3'))).toBe('incomplete');
    expect(parseBinaryBlockHeader(Buffer.from('CURV #3012abc'))).toEqual({
      start: 5,
      dataOffset: 10,
      length: 12,
    });
    expect(parseBinaryBlockHeader(Buffer.from('#0xyz'))).toEqual({
      start: 0,
      dataOffset: 2,
      length: undefined,
    });
  });

  it.each(['#x12', '#2a1'])('reject the malformed header %j, naming the resource', (text) => {
    let error: unknown;
    try {
      parseBinaryBlockHeader(Buffer.from(text), 'TCPIP0::h::5025::SOCKET');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidBinaryBlockError);
    expect((error as InvalidBinaryBlockError).message).toContain('TCPIP0::h::5025::SOCKET');
  });

  it('round-trip any data through encode and parse (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => {
        const block = encodeBinaryBlock(data);
        const header = parseBinaryBlockHeader(block);
        expect(header).not.toBe('incomplete');
        if (header === 'incomplete') return;
        expect(header.length).toBe(data.length);
        expect([...block.subarray(header.dataOffset)]).toEqual([...data]);
      }),
    );
  });

  const ranges: Record<BinaryDatatype, fc.Arbitrary<number>> = {
    int8: fc.integer({ min: -128, max: 127 }),
    uint8: fc.integer({ min: 0, max: 255 }),
    int16: fc.integer({ min: -32768, max: 32767 }),
    uint16: fc.integer({ min: 0, max: 65535 }),
    int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    uint32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    float32: fc.float({ noNaN: true }).map(Math.fround),
    float64: fc.double({ noNaN: true }),
  };

  it.each(Object.keys(ranges) as BinaryDatatype[])(
    'round-trip %s values in both byte orders (property)',
    (datatype) => {
      fc.assert(
        fc.property(fc.array(ranges[datatype]), fc.boolean(), (values, bigEndian) => {
          const decoded = decodeBinaryValues(
            encodeBinaryValues(values, datatype, { bigEndian }),
            datatype,
            { bigEndian },
          );
          expect(decoded).toEqual(values);
        }),
      );
    },
  );

  it('decode little-endian by default, like pyvisa', () => {
    expect(decodeBinaryValues(Buffer.from([0, 0, 0xc0, 0x3f]), 'float32')).toEqual([1.5]);
    expect(
      decodeBinaryValues(Buffer.from([0x3f, 0xc0, 0, 0]), 'float32', { bigEndian: true }),
    ).toEqual([1.5]);
  });

  it('reject data that is not a whole number of values', () => {
    expect(() => decodeBinaryValues(Buffer.alloc(5), 'float32')).toThrow(/5 bytes.*float32/);
  });
});
