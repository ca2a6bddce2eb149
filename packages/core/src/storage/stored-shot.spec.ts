import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTYPES, NDArray } from '../data/index.js';
import { SequencePath } from '../path/index.js';
import { ShotIndexError } from './storage-errors.js';
import { ShotTableBuilder } from './shot-table-builder.js';
import { checkShotIndexRange, decodeStoredArray, prepareShot } from './stored-shot.js';

const path = SequencePath.parse('\\s');
const shot = (index: number, data: Record<string, unknown>, parameters = {}) => ({
  index,
  parameters,
  data: data as never,
  startTime: new Date(1000),
  endTime: new Date(2000),
  timing: null,
});

describe('prepared shots', () => {
  it('round-trips arrays of every dtype and shape through their stored bytes', () => {
    const arrays = fc
      .tuple(fc.constantFrom(...DTYPES), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))
      .chain(([dtype, shape]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        return fc
          .uint8Array({
            minLength: size * NDArray.zeros(dtype, [1]).data.BYTES_PER_ELEMENT,
            maxLength: size * NDArray.zeros(dtype, [1]).data.BYTES_PER_ELEMENT,
          })
          .map((bytes) => NDArray.fromBytes(dtype, shape, bytes));
      });
    fc.assert(
      fc.property(arrays, (array) => {
        const prepared = prepareShot(path, shot(0, { a: array })).unwrap();
        const [stored] = prepared.arrays;
        const back = decodeStoredArray(stored!.dtype, stored!.shape, stored!.bytes.slice());
        expect(back.equals(array)).toBe(true);
      }),
    );
  });

  it('sorts labels and splits arrays from structured data', () => {
    const prepared = prepareShot(
      path,
      shot(1, { z: 1, a: NDArray.zeros('uint8', [1]), m: 'x' }),
    ).unwrap();
    expect(prepared.structured.map((d) => d.label)).toEqual(['m', 'z']);
    expect(prepared.arrays.map((d) => d.label)).toEqual(['a']);
    expect([prepared.startTime, prepared.endTime]).toEqual([1000, 2000]);
  });

  it('checks shot indices against the expected count', () => {
    expect(checkShotIndexRange(path, 2, 3)).toBeUndefined();
    expect(checkShotIndexRange(path, 5, null)).toBeUndefined();
    expect(checkShotIndexRange(path, 3, 3)?.message).toBe(
      'shot index 3 is out of range: the sequence expects 3 shots (0 to 2) (sequence \\s, shot 3)',
    );
    const negative = prepareShot(path, shot(-1, {}));
    expect(!negative.ok && negative.error).toBeInstanceOf(ShotIndexError);
  });
});

describe('ShotTableBuilder', () => {
  it('gives one value per shot in every column, null where a shot lacks it', () => {
    const parameterSets = fc.array(
      fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer(), { maxKeys: 4 }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(parameterSets, (sets) => {
        const builder = new ShotTableBuilder(path);
        sets.forEach((parameters, i) => builder.addShot(i, i, i + 1, JSON.stringify(parameters)));
        const table = builder.build();
        expect(table.index.length).toBe(sets.length);
        const names = new Set(sets.flatMap((s) => Object.keys(s)));
        expect(new Set(Object.keys(table.parameters))).toEqual(names);
        for (const name of names) {
          expect(table.parameters[name]).toEqual(sets.map((s) => s[name] ?? null));
        }
      }),
    );
  });
});
