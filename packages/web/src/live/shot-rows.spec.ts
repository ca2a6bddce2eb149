import { describe, expect, it } from 'vitest';
import {
  displayValue,
  numericColumns,
  numericValue,
  plotPoints,
  rowFromShot,
  rowsFromTable,
  scanColumn,
  withRow,
} from './shot-rows.js';

describe('the rows of the live view', () => {
  const table = {
    index: [0, 1, 2],
    startTime: [0, 0, 0],
    endTime: [0, 0, 0],
    parameters: {
      detuning: [
        { magnitude: 2, unit: 'MHz' },
        { magnitude: -1, unit: 'MHz' },
        { magnitude: 0, unit: 'MHz' },
      ],
    },
    data: { 'waveplate\\position': [10, 20, null], label: ['a', 'b', 'c'] },
  };

  it('reads the shot table and plots y against x sorted by x, without missing points', () => {
    const rows = rowsFromTable(table);
    expect(rows[1]!.values).toMatchObject({ 'waveplate\\position': 20 });
    expect(numericColumns(rows)).toEqual(['detuning', 'waveplate\\position']);
    expect(scanColumn(rows, ['constant', 'detuning'])).toBe('detuning');
    expect(scanColumn([], ['a'])).toBe('a');
    expect(plotPoints(rows, 'detuning', 'waveplate\\position')).toEqual([
      [-1, 2],
      [20, 10],
    ]);
    expect(plotPoints(rows, 'shot', 'detuning')).toEqual([
      [0, 1, 2],
      [2, -1, 0],
    ]);
  });

  it('adds a shot as it arrives, in shot order, replacing a row of the same index', () => {
    let rows = rowsFromTable(table);
    const shot = {
      index: 1,
      startTime: '',
      endTime: '',
      parameters: { detuning: 5 },
      data: {},
      arrays: [],
      timing: null,
    };
    rows = withRow(rows, rowFromShot(shot));
    rows = withRow(rows, rowFromShot({ ...shot, index: 3 }));
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(rows[1]!.values).toEqual({ detuning: 5 });
  });

  it('turns values into numbers and text', () => {
    expect(numericValue(true)).toBe(1);
    expect(numericValue('3.5')).toBe(3.5);
    expect(numericValue({ value: 4, unit: 'V' })).toBe(4);
    expect(numericValue('abc')).toBeNull();
    expect(numericValue(NaN)).toBeNull();
    expect(displayValue({ magnitude: 2, unit: 'MHz' })).toBe('2 MHz');
    expect(displayValue(0.123456789)).toBe('0.123457');
    expect(displayValue(67.5)).toBe('67.5');
    expect(displayValue(null)).toBe('');
  });
});
