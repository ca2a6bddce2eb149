import { describe, expect, it } from 'vitest';
import { ByteQueue } from './byte-queue.js';

/** Cuts `data` into chunks at the given sizes (the last chunk takes the rest). */
function chunked(data: Buffer, sizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= data.length) break;
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  if (at < data.length) chunks.push(data.subarray(at));
  return chunks;
}

describe('ByteQueue', () => {
  it('finds a byte across chunks and takes exactly the bytes asked for', () => {
    const queue = new ByteQueue();
    for (const chunk of chunked(Buffer.from('abc,def\nghi\n'), [2, 3, 1, 4])) queue.push(chunk);
    expect(queue.length).toBe(12);
    expect(queue.indexOf(0x0a)).toBe(7);
    expect(queue.take(8).toString()).toBe('abc,def\n');
    expect(queue.indexOf(0x0a)).toBe(3);
    expect(queue.take(100).toString()).toBe('ghi\n');
    expect(queue.length).toBe(0);
    expect(queue.indexOf(0x0a)).toBe(-1);
  });

  it('remembers what it already searched, and searches the bytes added later', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('no terminator yet'));
    expect(queue.indexOf(0x0a)).toBe(-1);
    queue.push(Buffer.from(' then\n'));
    expect(queue.indexOf(0x0a)).toBe(22);
    // Another byte starts a new search from the front.
    expect(queue.indexOf(0x74)).toBe(3);
  });

  it('gives the same bytes as one buffer would, however the input is cut', () => {
    const data = Buffer.from(Array.from({ length: 997 }, (_, i) => (i * 37) % 256));
    for (const sizes of [[1], [7, 3, 100], [500, 1], [997]]) {
      const queue = new ByteQueue();
      for (const chunk of chunked(data, [...sizes, ...sizes, ...sizes])) queue.push(chunk);
      const out: Buffer[] = [];
      let position = 0;
      while (queue.length > 0) {
        const index = queue.indexOf(0x0a);
        const expected = data.indexOf(0x0a, position);
        expect(index).toBe(expected < 0 ? -1 : expected - position);
        const n = index >= 0 ? index + 1 : 13;
        const taken = queue.take(n);
        position += taken.length;
        out.push(taken);
      }
      expect(Buffer.concat(out)).toEqual(data);
    }
  });

  it('takes copies: a chunk reused by its sender does not change what was taken', () => {
    const queue = new ByteQueue();
    const chunk = Buffer.from('abcd');
    queue.push(chunk);
    const taken = queue.take(2);
    chunk.fill(0x78);
    expect(taken.toString()).toBe('ab');
  });

  it('clears everything', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('abc\n'));
    queue.clear();
    expect(queue.length).toBe(0);
    expect(queue.take(4).length).toBe(0);
  });
});
