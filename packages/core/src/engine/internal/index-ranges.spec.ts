import { describe, expect, it } from 'vitest';
import { formatIndexRanges } from './index-ranges.js';

describe('index ranges', () => {
  it('joins runs of consecutive indices, in order, once each', () => {
    expect(formatIndexRanges([9, 0, 1, 2, 4, 10, 2])).toBe('0-2, 4, 9-10');
    expect(formatIndexRanges([5])).toBe('5');
    expect(formatIndexRanges([])).toBe('none');
  });
});
