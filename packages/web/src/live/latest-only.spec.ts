import { describe, expect, it } from 'vitest';
import { LatestOnly } from './latest-only.js';

describe('LatestOnly', () => {
  it('runs one task at a time and skips to the latest request', async () => {
    const seen: number[] = [];
    let release: (() => void) | undefined;
    const runner = new LatestOnly<number>(async (n) => {
      seen.push(n);
      if (n === 1) await new Promise<void>((r) => (release = r));
    });
    runner.request(1);
    runner.request(2);
    runner.request(3);
    expect(seen).toEqual([1]);
    release!();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 3]);
  });

  it('goes on after a failed task', async () => {
    const seen: number[] = [];
    const runner = new LatestOnly<number>(async (n) => {
      seen.push(n);
      if (n === 1) throw new Error('boom');
    });
    runner.request(1);
    await new Promise((r) => setTimeout(r, 10));
    runner.request(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2]);
  });
});
