import { describe, expect, it } from 'vitest';
import {
  GENERAL_KEY,
  cellKey,
  durationKey,
  iterationKey,
  laneKey,
  placeErrors,
} from './cell-errors.js';

describe('placing the errors of the check', () => {
  const table = {
    stepNames: ['a', 'b', 'c'],
    stepDurations: ['1 ms', '2 ms', '3 ms'],
    lanes: [
      {
        name: 'coil',
        type: 'analog',
        blocks: [
          [{ expression: '1 V' }, 1],
          ['ramp', 2],
        ] as [unknown, number][],
      },
    ],
  };

  it('puts each error on its cell, header or iteration step', () => {
    const placed = placeErrors(
      [
        {
          type: 'InvalidValueError',
          message: 'bad ramp',
          recoverable: true,
          location: { lane: 'coil', block: 1 },
        },
        {
          type: 'InvalidValueError',
          message: 'lane too short',
          recoverable: true,
          location: { lane: 'other' },
        },
        {
          type: 'ExpressionSyntaxError',
          message: 'missing value',
          recoverable: true,
          location: { step: 'step 2 "c"', expression: '3 ms +', column: 6 },
        },
        {
          type: 'ExpressionSyntaxError',
          message: 'bad start',
          recoverable: true,
          location: { step: 'step 0.1, linspace x' },
        },
        { type: 'InvalidValueError', message: 'somewhere', recoverable: true },
      ],
      table,
    );
    expect(placed.get(cellKey('coil', 1))).toBe('bad ramp');
    expect(placed.get(cellKey('coil', 2))).toBe('bad ramp');
    expect(placed.has(cellKey('coil', 0))).toBe(false);
    expect(placed.get(laneKey('other'))).toBe('lane too short');
    expect(placed.get(durationKey(2))).toBe('missing value');
    expect(placed.get(iterationKey('0.1'))).toBe('bad start');
    expect(placed.get(GENERAL_KEY)).toBe('somewhere');
  });
});
