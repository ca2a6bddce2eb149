import {
  NDArray,
  Parameters,
  Pattern,
  Quantity,
  TimedInstruction,
  concatenate,
  constantInstruction,
  createRamp,
  repeat,
} from '@shotline/core';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { DEVICE_SERVER_PROTO } from '../internal/device-server-proto.js';
import { decodeValue, encodeValue } from './value-codec.js';

/** Encodes to protobuf bytes and back, as the wire does. */
function roundTrip(value: unknown): unknown {
  return decodeValue(viaBytes(encodeValue(value)) as never);
}

const valueType = protobuf.loadSync(DEVICE_SERVER_PROTO).lookupType('shotline.remote.v1.Value');
function viaBytes(message: unknown): unknown {
  const bytes = valueType.encode(valueType.fromObject(message as Record<string, unknown>)).finish();
  return valueType.toObject(valueType.decode(Buffer.from(bytes)), {
    longs: Number,
    defaults: true,
    oneofs: true,
  });
}

describe('the value codec', () => {
  it('keeps JSON-like data, undefined, bigints, dates, maps and sets', () => {
    const value = {
      a: 1.5,
      b: [true, null, 'x', -0, Number.NaN, Infinity],
      c: undefined,
      d: 12345678901234567890n,
      e: new Date(1_700_000_000_000),
      f: new Map<unknown, unknown>([
        ['k', 1],
        [2, [3]],
      ]),
      g: new Set(['s']),
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.b[3], -0)).toBe(true);
  });

  it('sends n-d arrays and typed arrays as bytes, keeping dtype, shape and values', () => {
    const image = new NDArray('uint16', [3, 2], new Uint16Array([1, 2, 3, 4, 65535, 0]));
    const back = roundTrip({
      image,
      f: new Float64Array([1.25, -3]),
      b: new BigInt64Array([-5n]),
    }) as {
      image: NDArray;
      f: Float64Array;
      b: BigInt64Array;
    };
    expect(back.image).toBeInstanceOf(NDArray);
    expect(back.image.equals(image)).toBe(true);
    expect(back.f).toEqual(new Float64Array([1.25, -3]));
    expect(back.b).toEqual(new BigInt64Array([-5n]));
    const wire = encodeValue(image);
    expect(Buffer.isBuffer(wire.ndarrayValue!.data)).toBe(true);
  });

  it('rebuilds quantities, parameters and timed instructions through their own checked constructors', () => {
    const q = new Quantity(2, 'MHz');
    const p = Parameters.empty.with('x', 3).with('f', q);
    const instruction = concatenate(
      Pattern.of([1, 2, 3], 'float64'),
      repeat(constantInstruction(0.5, 4, 'float64'), 3),
      createRamp(0, 1, 5),
    );
    const back = roundTrip({ q, p, instruction }) as {
      q: Quantity;
      p: Parameters;
      instruction: TimedInstruction;
    };
    expect(back.q).toBeInstanceOf(Quantity);
    expect(back.q.toJSON()).toEqual(q.toJSON());
    expect(back.p.toTypedJSON()).toEqual(p.toTypedJSON());
    expect(back.instruction).toBeInstanceOf(TimedInstruction);
    expect(back.instruction.equals(instruction)).toBe(true);
  });

  it('refuses what it cannot send, naming where', () => {
    expect(() => encodeValue({ a: [() => 1] }, 'shot parameters')).toThrow(
      'shot parameters.a[0] is a function',
    );
    class Handle {}
    expect(() => encodeValue({ h: new Handle() })).toThrow('value.h is a Handle');
  });

  it('keeps a "__proto__" key as data', () => {
    const back = decodeValue(
      viaBytes({
        recordValue: { entries: [{ key: '__proto__', value: { stringValue: 'x' } }] },
      }) as never,
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe('x');
  });

  it('refuses malformed messages: unknown dtype, wrong byte count, too deep', () => {
    expect(() =>
      decodeValue(
        viaBytes({
          ndarrayValue: { dtype: 'complex', shape: [1], data: Buffer.alloc(8) },
        }) as never,
      ),
    ).toThrow('unknown dtype "complex"');
    expect(() =>
      decodeValue(
        viaBytes({ ndarrayValue: { dtype: 'uint16', shape: [3], data: Buffer.alloc(4) } }) as never,
      ),
    ).toThrow('4 bytes do not hold');
    let deep: unknown = 1;
    for (let i = 0; i < 80; i++) deep = [deep];
    expect(() => encodeValue(deep)).toThrow('nests deeper than 64 levels');
  });
});
