import { describe, expect, it } from 'vitest';
import { ShotRate, formatDuration } from './shot-rate.js';

describe('the shot rate', () => {
  it('is unknown before two shots, then measured over the recent shots', () => {
    const rate = new ShotRate(4);
    expect(rate.rate).toBeNull();
    rate.add(1000);
    expect(rate.progress(1, 10)).toEqual({ stored: 1, expected: 10, rate: null, etaSeconds: null });
    for (let i = 1; i <= 10; i++) rate.add(1000 + i * 100); // 10 shots/s
    expect(rate.rate).toBeCloseTo(10);
    expect(rate.progress(11, 31).etaSeconds).toBeCloseTo(2);
    expect(rate.progress(11, null).etaSeconds).toBeNull();
    rate.clear();
    expect(rate.rate).toBeNull();
  });

  it('follows a change of pace within its window', () => {
    const rate = new ShotRate(3);
    let t = 0;
    for (let i = 0; i < 10; i++) rate.add((t += 1000));
    for (let i = 0; i < 4; i++) rate.add((t += 100));
    expect(rate.rate).toBeCloseTo(10);
  });

  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
});
