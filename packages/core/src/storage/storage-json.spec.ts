import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidStorageDataError } from './storage-errors.js';
import { decodeStorageJson, decodeStorageJsonObject, encodeStorageJson } from './storage-json.js';

describe('storage JSON', () => {
  it('accepts every JSON value and reads it back unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const encoded = encodeStorageJson(value, 'value').unwrap();
        expect(JSON.stringify(decodeStorageJson(encoded, 'value'))).toBe(JSON.stringify(value));
      }),
    );
  });

  it('accepts a value shared by two places (not a cycle)', () => {
    const shared = { unit: 'MHz' };
    expect(encodeStorageJson({ a: shared, b: [shared] }, 'value').unwrap()).toBe(
      '{"a":{"unit":"MHz"},"b":[{"unit":"MHz"}]}',
    );
  });

  it('leaves out object properties that are undefined, as JSON does', () => {
    expect(encodeStorageJson({ a: 1, b: undefined }, 'value').unwrap()).toBe('{"a":1}');
  });

  class Point {
    constructor(readonly x: number) {}
  }
  const cyclic: Record<string, unknown> = { steps: [] };
  (cyclic.steps as unknown[]).push({ parent: cyclic });
  const refused: [string, unknown, RegExp][] = [
    ['NaN', { steps: [1, 2, NaN] }, /iteration\.steps\[2\] is NaN: only finite numbers/],
    ['Infinity', [Infinity], /iteration\[0\] is Infinity/],
    ['undefined at the top', undefined, /iteration is undefined/],
    ['undefined in an array', [undefined], /iteration\[0\] is undefined/],
    ['a function', { f: () => 1 }, /iteration\.f is a function/],
    ['a symbol', { s: Symbol('s') }, /iteration\.s is a symbol/],
    ['a bigint', { n: 3n }, /iteration\.n is a bigint \(3n\)/],
    ['a Date', { at: new Date(0) }, /iteration\.at is a Date instance/],
    ['a Map', new Map(), /iteration is a Map instance/],
    ['a class instance', { p: new Point(1) }, /iteration\.p is a Point instance/],
    ['a cycle', cyclic, /iteration\.steps\[0\]\.parent refers to itself/],
  ];
  for (const [what, value, message] of refused) {
    it(`refuses ${what}, naming where`, () => {
      const result = encodeStorageJson(value, 'iteration', { sequence: '\\s' });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(InvalidStorageDataError);
      expect(result.error.message).toMatch(message);
      expect(result.error.location).toEqual({ sequence: '\\s' });
    });
  }

  it('reports stored text that is not JSON, naming what and where', () => {
    expect(() => decodeStorageJson('{"a":', 'iteration', { sequence: '\\s' })).toThrow(
      /stored iteration is not valid JSON: .* \(sequence \\s\)/,
    );
    expect(() => decodeStorageJson(42, 'timing')).toThrow(InvalidStorageDataError);
    expect(() => decodeStorageJsonObject('[1]', 'parameters', { shot: 3 })).toThrow(
      /stored parameters is not a JSON object \(shot 3\)/,
    );
  });
});
