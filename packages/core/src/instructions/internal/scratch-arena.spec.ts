import { describe, expect, it } from 'vitest';
import { ScratchArena } from './scratch-arena.js';

describe('ScratchArena', () => {
  it('hands out disjoint, aligned arrays and reuses the memory after release', () => {
    const arena = new ScratchArena();
    const mark = arena.mark();
    const bytes = arena.uint8(3);
    const floats = arena.float64(4);
    const ints = arena.int32(5);
    expect(floats.byteOffset % 8).toBe(0);
    expect(ints.byteOffset % 4).toBe(0);
    bytes.fill(1);
    floats.fill(2.5);
    ints.fill(-3);
    expect([...bytes]).toEqual([1, 1, 1]);
    expect([...floats]).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect([...ints]).toEqual([-3, -3, -3, -3, -3]);
    arena.release(mark);

    const again = arena.mark();
    const reused = arena.uint8(3);
    expect(reused.buffer).toBe(bytes.buffer);
    expect(reused.byteOffset).toBe(bytes.byteOffset);
    arena.release(again);
  });

  it('keeps earlier arrays valid when a later one needs a new buffer, then merges them', () => {
    const arena = new ScratchArena();
    const mark = arena.mark();
    const small = arena.float64(1000);
    small.fill(7);
    const big = arena.float64(1 << 20); // 8 MiB: past the first buffer
    big.fill(9);
    expect(big.buffer).not.toBe(small.buffer);
    expect(small.every((x) => x === 7)).toBe(true);
    expect(big[big.length - 1]).toBe(9);
    arena.release(mark);
    // One buffer now, big enough for the same requests at once.
    const held = arena.heldBytes;
    expect(held).toBeGreaterThanOrEqual(8 * (1000 + (1 << 20)));
    const next = arena.mark();
    const a = arena.float64(1000);
    const b = arena.float64(1 << 20);
    expect(b.buffer).toBe(a.buffer);
    arena.release(next);
    expect(arena.heldBytes).toBe(held);
  });

  it('frees nested allocations at their own release only', () => {
    const arena = new ScratchArena();
    const outer = arena.mark();
    const kept = arena.int32(4).fill(5);
    const inner = arena.mark();
    const temporary = arena.int32(4).fill(6);
    arena.release(inner);
    const reused = arena.int32(4);
    expect(reused.byteOffset).toBe(temporary.byteOffset);
    expect([...kept]).toEqual([5, 5, 5, 5]);
    arena.release(outer);
  });

  it('drops its buffers after a stacking larger than the retention limit', () => {
    const arena = new ScratchArena(1 << 20);
    const mark = arena.mark();
    arena.float64(1 << 18); // 2 MiB
    arena.release(mark);
    expect(arena.heldBytes).toBe(0);
    const small = arena.mark();
    arena.float64(10);
    arena.release(small);
    expect(arena.heldBytes).toBeGreaterThan(0);
    expect(arena.heldBytes).toBeLessThanOrEqual(1 << 20);
  });

  it('reserves one buffer for a first large stacking, only at the outermost level', () => {
    const arena = new ScratchArena();
    const mark = arena.mark();
    arena.reserve(3 << 20);
    expect(arena.heldBytes).toBe(3 << 20);
    const a = arena.float64(1 << 17); // 1 MiB
    const b = arena.float64(1 << 18); // 2 MiB: still the same buffer
    expect(b.buffer).toBe(a.buffer);
    arena.reserve(64 << 20); // not right after the outermost mark: ignored
    const inner = arena.mark();
    arena.reserve(64 << 20);
    arena.release(inner);
    expect(arena.heldBytes).toBe(3 << 20);
    arena.release(mark);
    expect(arena.heldBytes).toBe(3 << 20);
  });
});
